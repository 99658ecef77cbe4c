// Moving from client-side to server-side apply, as upstream eases it for the
// `kubectl` manager only (other managers opt out by their name):
//
// - conflicts on fields the object's last-applied-configuration annotation
//   holds with the live value are no conflicts: kubectl set them before, so
//   the Apply takes them over as if forced;
// - once applied, an object that carries the annotation gets it rewritten to
//   the new configuration, so a later client-side apply diffs against it.
import type { KubeObject } from '../../shared/api-types.ts'
import type { JsonObject, JsonValue } from '../patch/json-value.ts'
import { isJsonObject } from '../patch/json-value.ts'
import type { ApplySchema } from './apply-type.ts'
import { compare } from './compare.ts'
import type { FieldSet } from './field-set.ts'
import { withKeyDefaults } from './key-defaults.ts'
import { goJson } from './path-element.ts'
import { toFieldSet } from './to-field-set.ts'

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration'

/** The manager whose applies take over from client-side apply. */
export const kubectlManager = 'kubectl'

/** Upstream's limit on the total size of an object's annotations. */
const totalAnnotationSizeLimit = 256 * 1024

function lastAppliedOf(obj: KubeObject | JsonObject): string | undefined {
  const annotations = (obj.metadata as { annotations?: Record<string, string> } | undefined)?.annotations
  const value = annotations?.[lastAppliedAnnotation]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * The fields the annotation says kubectl applied and that still hold the
 * applied value; undefined when there is no usable annotation.
 */
export function fieldsFromLastApplied(live: JsonObject, apiVersion: string, schema: ApplySchema, defaults: ((obj: KubeObject) => void) | undefined): FieldSet | undefined {
  const text = lastAppliedOf(live)
  if (!text) return undefined
  let lastApplied: unknown
  try {
    lastApplied = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!isJsonObject(lastApplied) || lastApplied.apiVersion !== apiVersion) return undefined
  try {
    const typed = withKeyDefaults(schema, lastApplied, defaults)
    const comparison = compare(lastApplied, live, typed)
    return toFieldSet(lastApplied, typed).difference(comparison.modified).difference(comparison.added).difference(comparison.removed)
  } catch {
    return undefined
  }
}

/** The annotation's value for a configuration: compact JSON, sorted keys, the annotation itself left out. */
export function lastAppliedValue(config: JsonObject): string {
  const copy = structuredClone(config)
  const meta = copy.metadata
  if (isJsonObject(meta) && isJsonObject(meta.annotations)) delete meta.annotations[lastAppliedAnnotation]
  return `${goJson(sortKeys(copy))}\n`
}

function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (!isJsonObject(value)) return value
  const out: JsonObject = {}
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key])
  return out
}

/** Rewrites the annotation of `obj` if it has one (dropping it when annotations would grow past upstream's limit). */
export function syncLastApplied(obj: JsonObject, config: JsonObject): void {
  if (!lastAppliedOf(obj)) return
  const meta = obj.metadata as JsonObject
  const annotations = meta.annotations as Record<string, string>
  annotations[lastAppliedAnnotation] = lastAppliedValue(config)
  let size = 0
  for (const [k, v] of Object.entries(annotations)) size += Buffer.byteLength(k) + Buffer.byteLength(v)
  if (size > totalAnnotationSizeLimit) delete annotations[lastAppliedAnnotation]
}
