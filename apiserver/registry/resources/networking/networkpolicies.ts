// networking.k8s.io/v1 NetworkPolicy: which traffic may reach (ingress) or
// leave (egress) the selected pods. A policy names Ingress implicitly, and
// Egress when it has egress rules.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { validateLabelSelectorObject, type LabelSelectorObject } from '../../../../shared/label-selector.ts'
import { isValidPortName } from '../../../../shared/name-validation.ts'
import { childPath, fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { isValidPortNum } from '../../../validation/number-fields.ts'
import { defineResource, type Strategy } from '../../types.ts'
import { bumpGenerationOnSpecChange, startGeneration } from '../spec-and-status.ts'
import { networkPolicyPrinter } from '../../../printers/network-printers.ts'

interface Port { protocol?: string; port?: number | string; endPort?: number }
interface Peer { podSelector?: LabelSelectorObject; namespaceSelector?: LabelSelectorObject; ipBlock?: { cidr?: string; except?: string[] } }
interface Rule { ports?: Port[]; from?: Peer[]; to?: Peer[] }

export interface NetworkPolicy extends KubeObject {
  spec?: { podSelector?: LabelSelectorObject; ingress?: Rule[]; egress?: Rule[]; policyTypes?: string[]; [field: string]: unknown }
}

function validatePort(port: Port, path: string): FieldError[] {
  const errs: FieldError[] = []
  if (port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) errs.push(fieldErrors.notSupported(childPath(path, 'protocol'), port.protocol, ['TCP', 'UDP', 'SCTP']))
  if (typeof port.port === 'number') {
    for (const msg of isValidPortNum(port.port)) errs.push(fieldErrors.invalid(childPath(path, 'port'), port.port, msg))
    if (port.endPort !== undefined) {
      if (port.endPort < port.port) errs.push(fieldErrors.invalid(childPath(path, 'endPort'), port.port, 'must be greater than or equal to `port`'))
      for (const msg of isValidPortNum(port.endPort)) errs.push(fieldErrors.invalid(childPath(path, 'endPort'), port.endPort, msg))
    }
  } else if (typeof port.port === 'string') {
    if (port.endPort !== undefined) errs.push(fieldErrors.invalid(childPath(path, 'endPort'), port.endPort, 'may not be specified when `port` is non-numeric'))
    for (const msg of isValidPortName(port.port)) errs.push(fieldErrors.invalid(childPath(path, 'port'), port.port, msg))
  } else if (port.endPort !== undefined) {
    errs.push(fieldErrors.invalid(childPath(path, 'endPort'), port.endPort, 'may not be specified when `port` is not specified'))
  }
  return errs
}

function validatePeer(peer: Peer, path: string): FieldError[] {
  const errs: FieldError[] = []
  let count = 0
  for (const key of ['podSelector', 'namespaceSelector'] as const) {
    if (!peer[key]) continue
    count++
    errs.push(...validateLabelSelectorObject(peer[key], childPath(path, key)))
  }
  if (peer.ipBlock) {
    count++
    if (!peer.ipBlock.cidr) errs.push(fieldErrors.required(childPath(path, 'ipBlock.cidr')))
  }
  if (count === 0) errs.push(fieldErrors.required(path, 'must specify a peer'))
  else if (count > 1 && peer.ipBlock) errs.push(fieldErrors.forbidden(path, 'may not specify both ipBlock and another peer'))
  return errs
}

function validateNetworkPolicy(np: NetworkPolicy): FieldError[] {
  const spec = np.spec ?? {}
  const errs = validateLabelSelectorObject(spec.podSelector, 'spec.podSelector') as FieldError[]
  for (const [direction, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    ;(spec[direction] ?? []).forEach((rule, i) => {
      const rulePath = `spec.${direction}[${i}]`
      ;(rule.ports ?? []).forEach((port, j) => errs.push(...validatePort(port, `${rulePath}.ports[${j}]`)))
      ;(rule[peers] ?? []).forEach((peer, j) => errs.push(...validatePeer(peer, `${rulePath}.${peers}[${j}]`)))
    })
  }
  const types = spec.policyTypes ?? []
  if (types.length > 2) return [...errs, fieldErrors.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes')]
  types.forEach((type, i) => {
    if (type !== 'Ingress' && type !== 'Egress') errs.push(fieldErrors.notSupported(`spec.policyTypes[${i}]`, type, ['Ingress', 'Egress']))
  })
  return errs
}

export const networkPolicyStrategy: Strategy<NetworkPolicy> = {
  defaults(np) {
    const spec = (np.spec ??= {})
    for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) for (const port of rule.ports ?? []) port.protocol ||= 'TCP'
    if ((spec.policyTypes ?? []).length === 0) spec.policyTypes = (spec.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress']
  },
  prepareForCreate: startGeneration,
  prepareForUpdate: bumpGenerationOnSpecChange,
  validate: validateNetworkPolicy,
  validateUpdate: validateNetworkPolicy,
}

export const networkPolicies = defineResource<NetworkPolicy>({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  shortNames: ['netpol'],
  namespaced: true,
  printer: networkPolicyPrinter,
  strategy: networkPolicyStrategy,
})
