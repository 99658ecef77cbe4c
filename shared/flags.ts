// Command-line flags with environment-variable fallbacks, so the same options
// work from a shell, from npm scripts and from docker compose.
// `--data-dir` may also come from KUBELING_DATA_DIR, `--port` from KUBELING_PORT.
import { parseArgs } from 'node:util'

export interface FlagSpec {
  type: 'string' | 'boolean'
  default?: string | boolean
  description: string
}

export function envName(flag: string): string {
  return `KUBELING_${flag.toUpperCase().replace(/-/g, '_')}`
}

/** Parses argv against `specs`; an unset flag falls back to its env variable, then its default. */
export function parseFlags<K extends string>(argv: string[], specs: Record<K, FlagSpec>, env: NodeJS.ProcessEnv = process.env): Record<K, string | boolean> {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } }
  for (const [name, spec] of Object.entries<FlagSpec>(specs)) options[name] = { type: spec.type }
  // Go's flag package (and so upstream components) takes `--leader-elect=false`; parseArgs does not.
  const explicit: Record<string, boolean> = {}
  const args = argv.filter((arg) => {
    const m = /^--([^=]+)=(true|false)$/.exec(arg)
    if (!m || (specs as Record<string, FlagSpec>)[m[1]]?.type !== 'boolean') return true
    explicit[m[1]] = m[2] === 'true'
    return false
  })
  let values: Record<string, unknown>
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values
  } catch (err) {
    // A mistyped flag gets one clear line, not a stack trace.
    process.stderr.write(`error: ${(err as Error).message.split('\n')[0]} (--help lists the flags)\n`)
    process.exit(2)
  }
  Object.assign(values, explicit)
  if (values.help) {
    for (const [name, spec] of Object.entries<FlagSpec>(specs)) {
      process.stdout.write(`  --${name}${spec.type === 'string' ? ' VALUE' : ''}\t${spec.description} (env ${envName(name)}${spec.default !== undefined ? `, default ${spec.default}` : ''})\n`)
    }
    process.exit(0)
  }
  const out = {} as Record<K, string | boolean>
  for (const [name, spec] of Object.entries<FlagSpec>(specs) as Array<[K, FlagSpec]>) {
    const given = values[name]
    const fromEnv = env[envName(name)]
    if (given !== undefined) out[name] = given as string | boolean
    else if (fromEnv !== undefined) out[name] = spec.type === 'boolean' ? fromEnv === 'true' || fromEnv === '1' : fromEnv
    else if (spec.default !== undefined) out[name] = spec.default
  }
  return out
}

/** A Go-style duration flag ('500ms', '15s', '1m', '1m30s', or bare seconds) in seconds. */
export function parseDurationSeconds(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text)
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 }
  const parts = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(text) ? text.match(/\d+(?:\.\d+)?(?:ms|s|m|h)/g) : null
  if (!parts) throw new RangeError(`invalid duration ${JSON.stringify(text)}; use e.g. 500ms, 30s, 1m`)
  let total = 0
  for (const part of parts) {
    const [, n, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(part)!
    total += Number(n) * units[unit]
  }
  return total
}
