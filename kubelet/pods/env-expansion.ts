// `$(VAR)` references, with the rules of upstream's forked Go expansion
// package (third_party/forked/golang/expansion), which env values, command,
// args and subPathExpr all share:
//   - `$(NAME)` is replaced by NAME's value; an unknown NAME stays `$(NAME)`;
//   - `$$` is a literal `$`, so `$$(NAME)` gives `$(NAME)` unexpanded;
//   - a `$` followed by anything else, an unclosed `$(`, or a trailing `$`
//     is kept as it is.
import type { EnvVar } from '../../shared/core-types.ts'

/** Expands input, asking mapping for the value of each complete `$(name)` reference. */
export function expand(input: string, mapping: (name: string) => string): string {
  let out = ''
  let checkpoint = 0
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue
    out += input.slice(checkpoint, cursor)
    const next = input[cursor + 1]
    if (next === '$') {
      out += '$'
      cursor += 1
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2)
      if (close < 0) {
        // An unclosed reference is text; scanning goes on after the `(`.
        out += '$('
        cursor += 1
      } else {
        out += mapping(input.slice(cursor + 2, close))
        cursor = close
      }
    } else {
      out += `$${next}`
      cursor += 1
    }
    checkpoint = cursor + 1
  }
  return out + input.slice(checkpoint)
}

/** A mapping that looks name up in each context in turn and leaves unknown names as `$(name)`. */
export function mappingFor(...contexts: ReadonlyArray<ReadonlyMap<string, string>>): (name: string) => string {
  return (name) => {
    for (const context of contexts) {
      const value = context.get(name)
      if (value !== undefined) return value
    }
    return `$(${name})`
  }
}

/** The last value of each name: the container sees the last of duplicates. */
export function envMap(env: ReadonlyArray<readonly [string, string]>): Map<string, string> {
  return new Map(env.map(([name, value]) => [name, value]))
}

/**
 * spec.command or spec.args with `$(VAR)` expanded against the container's
 * resolved environment, as the kubelet does before handing them to the runtime.
 */
export function expandCommand(args: readonly string[] | undefined, env: ReadonlyArray<readonly [string, string]>): string[] {
  const mapping = mappingFor(envMap(env))
  return (args ?? []).map((arg) => expand(arg, mapping))
}

/**
 * An exec probe's or lifecycle hook's command: upstream expands it only
 * against the literal `value`s of spec.env (a valueFrom variable counts as
 * empty), not the resolved environment.
 */
export function expandCommandStatic(command: readonly string[] | undefined, env: readonly EnvVar[] | undefined): string[] {
  const values = new Map<string, string>()
  for (const variable of env ?? []) if (variable.name) values.set(variable.name, variable.value ?? '')
  const mapping = mappingFor(values)
  return (command ?? []).map((arg) => expand(arg, mapping))
}

/**
 * A volumeMount's subPathExpr. Unlike env values, a reference to a variable
 * that is unset or empty is an error: `missing value for A, B` (sorted).
 */
export function expandSubPathExpr(expr: string, env: ReadonlyArray<readonly [string, string]>): string {
  const values = envMap(env)
  const missing = new Set<string>()
  const expanded = expand(expr, (name) => {
    const value = values.get(name)
    if (!value) missing.add(name)
    return value ?? ''
  })
  if (missing.size > 0) throw new Error(`missing value for ${[...missing].sort().join(', ')}`)
  return expanded
}
