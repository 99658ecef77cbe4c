// Upstream's warnings for pods and pod templates: deprecated node labels,
// annotations and volume plugins, and duplicates that a later apply would
// silently merge away. They come back as `Warning` headers; nothing is refused.
import { isDeepStrictEqual } from 'node:util'
import type { ObjectMeta } from '../../../../shared/api-types.ts'
import type { Container, PodSpec } from '../../../../shared/core-types.ts'

const deprecatedNodeLabels: Record<string, string> = {
  'beta.kubernetes.io/arch': 'deprecated since v1.14; use "kubernetes.io/arch" instead',
  'beta.kubernetes.io/os': 'deprecated since v1.14; use "kubernetes.io/os" instead',
  'failure-domain.beta.kubernetes.io/region': 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
  'failure-domain.beta.kubernetes.io/zone': 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
  'beta.kubernetes.io/instance-type': 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
  'app.kubernetes.io/created-by': 'deprecated since v1.9',
  'scheduler.alpha.kubernetes.io/preferAvoidPods': 'deprecated since v1.22; use Taints and Tolerations instead',
  'node-role.kubernetes.io/master': 'use "node-role.kubernetes.io/control-plane" instead',
}

const deprecatedAnnotations: Record<string, string> = {
  'scheduler.alpha.kubernetes.io/critical-pod': 'non-functional in v1.16+; use the "priorityClassName" field instead',
  'security.alpha.kubernetes.io/sysctls': 'non-functional in v1.11+; use the "sysctls" field instead',
  'security.alpha.kubernetes.io/unsafe-sysctls': 'non-functional in v1.11+; use the "sysctls" field instead',
}

// JSON key → the field name upstream prints (Go's, which differs for storageOS) and the message.
const deprecatedVolumes: Record<string, [string, string]> = {
  photonPersistentDisk: ['photonPersistentDisk', 'deprecated in v1.11, non-functional in v1.16+'],
  gitRepo: ['gitRepo', 'deprecated in v1.11'],
  scaleIO: ['scaleIO', 'deprecated in v1.16, non-functional in v1.22+'],
  flocker: ['flocker', 'deprecated in v1.22, non-functional in v1.25+'],
  storageos: ['storageOS', 'deprecated in v1.22, non-functional in v1.25+'],
  quobyte: ['quobyte', 'deprecated in v1.22, non-functional in v1.25+'],
  glusterfs: ['glusterfs', 'deprecated in v1.25, non-functional in v1.26+'],
  cephfs: ['cephfs', 'deprecated in v1.28, non-functional in v1.31+'],
  rbd: ['rbd', 'deprecated in v1.28, non-functional in v1.31+'],
}

interface NodeSelectorTerm {
  matchExpressions?: { key?: string }[]
}

/** `prefix` is where the pod's metadata and spec sit: '' for a pod, 'spec.template' for a workload. */
export function podSpecWarnings(spec: PodSpec | undefined, meta: ObjectMeta | undefined, prefix = ''): string[] {
  if (!spec) return []
  const at = (path: string) => (prefix ? `${prefix}.${path}` : path)
  const warnings: string[] = []
  for (const key of Object.keys(spec.nodeSelector ?? {})) {
    const msg = deprecatedNodeLabels[key]
    if (msg) warnings.push(`${at('spec.nodeSelector')}[${key}]: ${msg}`)
  }
  const nodeAffinity = (spec.affinity as { nodeAffinity?: Record<string, unknown> } | undefined)?.nodeAffinity
  const required = (nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution as { nodeSelectorTerms?: NodeSelectorTerm[] } | undefined)?.nodeSelectorTerms ?? []
  required.forEach((term, i) => warnings.push(...termWarnings(term, at(`spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`))))
  const preferred = (nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution as { preference?: NodeSelectorTerm }[] | undefined) ?? []
  preferred.forEach((p, i) => warnings.push(...termWarnings(p.preference ?? {}, at(`spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].preference`))))
  for (const [key, msg] of Object.entries(deprecatedAnnotations)) {
    if (meta?.annotations?.[key] !== undefined) warnings.push(`${at('metadata.annotations')}[${key}]: ${msg}`)
  }
  ;(spec.volumes ?? []).forEach((volume, i) => {
    for (const [key, [field, msg]] of Object.entries(deprecatedVolumes)) {
      if ((volume as Record<string, unknown>)[key] !== undefined) warnings.push(`${at(`spec.volumes[${i}]`)}.${field}: ${msg}`)
    }
  })
  warnings.push(...duplicates((spec.hostAliases as { ip?: string }[] | undefined) ?? [], (h) => h.ip, (i, ip) => `${at(`spec.hostAliases[${i}].ip`)}: duplicate ip "${ip}"`))
  const pullSecrets = (spec.imagePullSecrets as { name?: string }[] | undefined) ?? []
  warnings.push(...duplicates(pullSecrets, (s) => s.name, (i, name) => `${at(`spec.imagePullSecrets[${i}].name`)}: duplicate name "${name}"`))
  pullSecrets.forEach((s, i) => {
    if (!s.name) warnings.push(`${at(`spec.imagePullSecrets[${i}].name`)}: invalid empty name ""`)
  })
  for (const [field, containers] of [['initContainers', spec.initContainers], ['containers', spec.containers]] as const) {
    ;(containers ?? []).forEach((c, i) => warnings.push(...envWarnings(c, at(`spec.${field}[${i}]`))))
  }
  return warnings
}

function termWarnings(term: NodeSelectorTerm, path: string): string[] {
  const out: string[] = []
  ;(term.matchExpressions ?? []).forEach((e, i) => {
    const msg = e.key ? deprecatedNodeLabels[e.key] : undefined
    if (msg) out.push(`${path}.matchExpressions[${i}].key: ${e.key} is ${msg}`)
  })
  return out
}

function duplicates<T>(items: T[], keyOf: (item: T) => string | undefined, message: (index: number, key: string) => string): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  items.forEach((item, i) => {
    const key = keyOf(item)
    if (key === undefined) return
    if (seen.has(key)) out.push(message(i, key))
    else seen.add(key)
  })
  return out
}

/** A second env entry of the same name replaces the first, and apply may drop it. */
function envWarnings(container: Container, path: string): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  ;(container.env ?? []).forEach((env, i) => {
    const name = env.name ?? ''
    if (!seen.has(name)) {
      seen.add(name)
      return
    }
    const ref = `$(${name})`
    const value = typeof env.value === 'string' ? env.value : ''
    // Only "X=$(X)suffix"-style redefinitions that build on the previous value are fine.
    if (env.valueFrom !== undefined || value === ref || !value.includes(ref)) {
      out.push(`${path}.env[${i}]: hides previous definition of "${name}", which may be dropped when using apply`)
    }
  })
  return out
}

/** Warnings for a workload's pod template; on update only when the template changed, as upstream. */
export function templateWarnings(template: { metadata?: ObjectMeta; spec?: PodSpec } | undefined, previous: unknown, prefix: string): string[] {
  if (!template || (previous !== undefined && isDeepStrictEqual(template, previous))) return []
  return podSpecWarnings(template.spec, template.metadata, prefix)
}
