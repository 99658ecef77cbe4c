// pods/binding: how the scheduler assigns a pod to a node. It sets
// spec.nodeName once (a second binding is a conflict) and records the
// PodScheduled condition, as upstream's BindingREST does.
import type { KubeObject } from '../../shared/api-types.ts'
import { StatusError } from '../status-error.ts'
import { fieldErrors } from '../validation/field-error.ts'
import type { RestStore, WriteContext } from './rest-store.ts'
import type { ResourceDefinition } from './types.ts'
import { timestamp } from './system-metadata.ts'

interface PodCondition {
  type: string
  status: string
  lastProbeTime?: string | null
  lastTransitionTime?: string
  reason?: string
  message?: string
}

const bindingResource = { group: '', resource: 'pods/binding' }

export async function bindPod(rest: RestStore, podDef: ResourceDefinition, namespace: string, name: string, binding: KubeObject, ctx: WriteContext): Promise<KubeObject> {
  const target = (binding.target ?? {}) as { kind?: string; name?: string }
  if (binding.metadata?.name && binding.metadata.name !== name) {
    throw StatusError.badRequest(`the name of the object (${binding.metadata.name}) does not match the name on the URL (${name})`)
  }
  if (!target.name) throw StatusError.invalid('', 'Binding', name, [fieldErrors.required('target.name')])
  if (target.kind && target.kind !== 'Node') {
    throw StatusError.invalid('', 'Binding', name, [fieldErrors.notSupported('target.kind', target.kind, ['Node'])])
  }
  const stored = await rest.update(
    podDef,
    namespace,
    name,
    (pod) => {
      const spec = (pod.spec ??= {}) as { nodeName?: string }
      if (pod.metadata.deletionTimestamp) throw StatusError.conflict(bindingResource, name, `pod ${name} is being deleted, cannot be assigned to a host`)
      if (spec.nodeName) throw StatusError.conflict(bindingResource, name, `pod ${name} is already assigned to node "${spec.nodeName}"`)
      spec.nodeName = target.name
      // Annotations on the Binding are copied onto the pod.
      const annotations = binding.metadata?.annotations
      if (annotations && Object.keys(annotations).length) pod.metadata.annotations = { ...pod.metadata.annotations, ...annotations }
      const status = (pod.status ??= {}) as { conditions?: PodCondition[] }
      const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled')
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(ctx.now) })
      status.conditions = conditions
      return pod
    },
    ctx,
    'system',
  )
  return stored.object
}
