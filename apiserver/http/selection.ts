// The label and field selectors of a list or watch, compiled once per request
// into one predicate over stored objects.
import type { KubeObject } from '../../shared/api-types.ts'
import { matchesLabels, parseLabelSelector } from '../../shared/label-selector.ts'
import { fieldSelectorRequirements, matchesFields, parseFieldSelector } from '../../shared/field-selector.ts'
import { StatusError } from '../status-error.ts'
import type { ResourceDefinition } from '../registry/types.ts'

export interface Selection {
  /** True when nothing is filtered out. */
  readonly everything: boolean
  matches(obj: KubeObject): boolean
}

export const everything: Selection = { everything: true, matches: () => true }

export function fieldGetter(def: ResourceDefinition, obj: KubeObject): (field: string) => string | undefined {
  return (field) => {
    if (field === 'metadata.name') return obj.metadata.name ?? ''
    if (field === 'metadata.namespace') return obj.metadata.namespace ?? ''
    const get = def.fieldSelectors?.[field]
    return get ? (get(obj) ?? '') : undefined
  }
}

export function compileSelection(def: ResourceDefinition, labelText: string | undefined, fieldText: string | undefined): Selection {
  if (!labelText && !fieldText) return everything
  let labels: ReturnType<typeof parseLabelSelector> | undefined
  let fields: ReturnType<typeof parseFieldSelector> | undefined
  try {
    if (labelText) labels = parseLabelSelector(labelText)
  } catch (err) {
    throw StatusError.badRequest((err as Error).message)
  }
  try {
    if (fieldText) fields = parseFieldSelector(fieldText)
  } catch (err) {
    throw StatusError.badRequest((err as Error).message)
  }
  if (fields) {
    for (const req of fieldSelectorRequirements(fields)) {
      if (req.field !== 'metadata.name' && req.field !== 'metadata.namespace' && !def.fieldSelectors?.[req.field]) {
        throw StatusError.badRequest(`field label not supported: ${req.field}`)
      }
    }
  }
  return {
    everything: false,
    matches(obj) {
      if (labels && !matchesLabels(labels, obj.metadata.labels)) return false
      if (fields && !matchesFields(fields, fieldGetter(def, obj))) return false
      return true
    },
  }
}
