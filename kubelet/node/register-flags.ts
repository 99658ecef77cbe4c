// The kubelet flags that shape the Node it registers, validated as upstream
// validates them at startup: --register-with-taints (pkg/util/taints
// parseTaint behind a TaintsVar) and --node-labels (cmd/kubelet/app/options:
// no unknown kubernetes.io / k8s.io labels, keys and values must be valid).
import type { Taint } from '../../shared/core-types.ts'
import { isQualifiedName, isValidLabelValue } from '../../shared/name-validation.ts'

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute']

/**
 * One `<key>=<value>:<effect>`, `<key>:<effect>` or `<key>`. As upstream, a
 * bare key parses (with no effect); the apiserver then refuses the Node, so
 * the kubelet fails at registration rather than at startup.
 */
export function parseTaint(spec: string): Taint {
  const parts = spec.split(':')
  let key: string
  let value = ''
  let effect = ''
  if (parts.length === 1) {
    key = parts[0]
  } else if (parts.length === 2) {
    effect = parts[1]
    if (!taintEffects.includes(effect)) throw new RangeError(`invalid taint effect: ${effect}, unsupported taint effect`)
    const kv = parts[0].split('=')
    if (kv.length > 2) throw new RangeError(`invalid taint spec: ${spec}`)
    key = kv[0]
    if (kv.length === 2) {
      value = kv[1]
      const errs = isValidLabelValue(value)
      if (errs.length > 0) throw new RangeError(`invalid taint spec: ${spec}, ${errs.join('; ')}`)
    }
  } else {
    throw new RangeError(`invalid taint spec: ${spec}`)
  }
  const errs = isQualifiedName(key)
  if (errs.length > 0) throw new RangeError(`invalid taint spec: ${spec}, ${errs.join('; ')}`)
  const taint: Taint = { key, effect }
  if (value) taint.value = value
  return taint
}

/** --register-with-taints: comma-separated taints; '' means none. */
export function parseRegisterWithTaints(flag: string): Taint[] {
  if (flag === '') return []
  return flag.split(',').map(parseTaint)
}

/** Labels the kubelet may set on its own Node (pkg/kubelet/apis well_known_labels.go). */
export const kubeletLabels: readonly string[] = [
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
]
export const kubeletLabelNamespaces: readonly string[] = ['kubelet.kubernetes.io', 'node.kubernetes.io']

function labelNamespace(key: string): string {
  const slash = key.indexOf('/')
  return slash < 0 ? '' : key.slice(0, slash)
}

function inDomain(namespace: string, domain: string): boolean {
  return namespace === domain || namespace.endsWith(`.${domain}`)
}

/** Whether the NodeRestriction admission plugin lets a kubelet set this label on its Node. */
export function isKubeletLabel(key: string): boolean {
  if (kubeletLabels.includes(key)) return true
  const ns = labelNamespace(key)
  return kubeletLabelNamespaces.some((allowed) => inDomain(ns, allowed))
}

/**
 * --node-labels `k=v,k2=v2` (a MapStringString: later keys win), validated as
 * the kubelet does before it starts. node-role.kubernetes.io/* is refused
 * here, as upstream: roles come from `roles` in NodeOptions instead.
 */
export function parseNodeLabels(flag: string): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const pair of flag.split(',')) {
    if (pair.trim() === '') continue
    const eq = pair.indexOf('=')
    if (eq < 0) throw new RangeError(`malformed pair, expect string=string: ${JSON.stringify(pair)}`)
    labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim()
  }
  validateNodeLabels(labels)
  return labels
}

export function validateNodeLabels(labels: Record<string, string>): void {
  const unknown: string[] = []
  const invalid: string[] = []
  for (const [key, value] of Object.entries(labels)) {
    const ns = labelNamespace(key)
    if ((inDomain(ns, 'kubernetes.io') || inDomain(ns, 'k8s.io')) && !isKubeletLabel(key)) unknown.push(key)
    const keyErrs = isQualifiedName(key)
    if (keyErrs.length > 0) invalid.push(`'${key}' - ${keyErrs.join(', ')}`)
    const valueErrs = isValidLabelValue(value)
    if (valueErrs.length > 0) invalid.push(`'${value}' - ${valueErrs.join(', ')}`)
  }
  if (unknown.length > 0) {
    throw new RangeError(
      `unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels: [${unknown.sort().join(' ')}]\n` +
        `--node-labels in the 'kubernetes.io' namespace must begin with an allowed prefix (${kubeletLabelNamespaces.join(', ')}) ` +
        `or be in the specifically allowed set (${kubeletLabels.join(', ')})`,
    )
  }
  if (invalid.length > 0) throw new RangeError(`invalid node labels: ${invalid.join('; ')}`)
}
