// The scale subresource: an autoscaling/v1 Scale view of a workload's
// replica count, read from and written back to the paths its definition names.
import type { KubeObject } from '../../shared/api-types.ts'
import { formatLabelSelector, labelSelectorFromObject } from '../../shared/label-selector.ts'
import { StatusError } from '../status-error.ts'
import { fieldErrors } from '../validation/field-error.ts'
import { applyPatch } from './apply-patch.ts'
import type { Change } from './rest-store.ts'
import type { ResourceDefinition, ScaleSubresource } from './types.ts'

function getPath(obj: unknown, path: string): unknown {
  let cur = obj
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[seg]
  }
  return cur
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const segs = path.split('.')
  let cur = obj
  for (const seg of segs.slice(0, -1)) {
    if (cur[seg] === null || typeof cur[seg] !== 'object') cur[seg] = {}
    cur = cur[seg] as Record<string, unknown>
  }
  cur[segs[segs.length - 1]] = value
}

/** A selector as the string form Scale.status.selector carries. */
function selectorString(selector: unknown): string {
  if (!selector || typeof selector !== 'object') return ''
  const s = selector as Record<string, unknown>
  // ReplicationControllers have a plain label map; the others a LabelSelector.
  if (!('matchLabels' in s) && !('matchExpressions' in s)) {
    return Object.keys(s).sort().map((k) => `${k}=${s[k]}`).join(',')
  }
  return formatLabelSelector(labelSelectorFromObject(s))
}

export function readScale(def: ResourceDefinition, scale: ScaleSubresource, obj: KubeObject): KubeObject {
  const m = obj.metadata
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: (getPath(obj, scale.specReplicasPath) as number | undefined) ?? 0 },
    status: { replicas: (getPath(obj, scale.statusReplicasPath) as number | undefined) ?? 0, selector: selectorString(getPath(obj, scale.labelSelectorPath)) },
  }
}

/** The change a PUT or PATCH of the Scale makes to the workload. */
export function scaleChange(def: ResourceDefinition, scale: ScaleSubresource, verb: 'update' | 'patch', patchType: string, body: unknown): Change {
  return (current) => {
    const view = readScale(def, scale, current)
    const next = (verb === 'update' ? body : applyPatch({ group: 'autoscaling', kind: 'Scale' }, view, patchType, body)) as KubeObject
    const replicas = (next.spec as { replicas?: unknown } | undefined)?.replicas
    const name = current.metadata.name!
    if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
      throw StatusError.invalid('autoscaling', 'Scale', name, [fieldErrors.required('spec.replicas')])
    }
    if (replicas < 0) throw StatusError.invalid('autoscaling', 'Scale', name, [fieldErrors.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')])
    const rv = next.metadata?.resourceVersion
    if (rv) current.metadata.resourceVersion = rv
    setPath(current, scale.specReplicasPath, replicas)
    return current
  }
}
