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
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false })
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
