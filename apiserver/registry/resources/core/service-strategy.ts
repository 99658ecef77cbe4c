// Service: defaults (upstream's SetDefaults_Service plus the IP family
// fields its allocator fills for a single-stack IPv4 cluster), and on update
// the allocated values a client left out are carried over, so `kubectl apply`
// of a manifest without clusterIP or nodePort keeps them.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { isExternallyAccessible, validateService, validateServiceUpdate, type ServiceSpec } from '../../../validation/service.ts'
import type { Strategy } from '../../types.ts'
import { keepStatus, resetStatus } from '../spec-and-status.ts'

export interface Service extends KubeObject {
  spec?: ServiceSpec
  status?: { loadBalancer?: unknown; conditions?: unknown[]; [field: string]: unknown }
}

// Upstream's default ClientIP affinity lasts three hours.
const defaultClientIPTimeoutSeconds = 10800

function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {})
  spec.sessionAffinity ||= 'None'
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: defaultClientIPTimeoutSeconds } }
  }
  spec.type ||= 'ClusterIP'
  for (const port of spec.ports ?? []) {
    port.protocol ||= 'TCP'
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port
  }
  if (isExternallyAccessible(spec)) spec.externalTrafficPolicy ||= 'Cluster'
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') spec.internalTrafficPolicy ??= 'Cluster'
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true
  // clusterIP and clusterIPs[0] are one value; clients may set either.
  if (spec.clusterIP && (spec.clusterIPs ?? []).length === 0) spec.clusterIPs = [spec.clusterIP]
  else if (!spec.clusterIP && (spec.clusterIPs ?? []).length > 0) spec.clusterIP = spec.clusterIPs?.[0]
  if (spec.type !== 'ExternalName') {
    spec.ipFamilyPolicy ??= 'SingleStack'
    if ((spec.ipFamilies ?? []).length === 0) spec.ipFamilies = ['IPv4']
  }
}

// Allocated values the new object leaves out are kept: a client replacing a
// Service from its manifest never means "allocate a new IP".
function carryAllocatedValues(spec: ServiceSpec, old: ServiceSpec): void {
  if (spec.type !== 'ExternalName' && old.type !== 'ExternalName') {
    if (!spec.clusterIP && old.clusterIP) {
      spec.clusterIP = old.clusterIP
      spec.clusterIPs = old.clusterIPs ?? [old.clusterIP]
    }
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    for (const port of spec.ports ?? []) {
      if (port.nodePort) continue
      const match = (old.ports ?? []).find((o) => o.port === port.port && (o.protocol ?? 'TCP') === (port.protocol ?? 'TCP'))
      if (match?.nodePort) port.nodePort = match.nodePort
    }
  }
  if (spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local' && !spec.healthCheckNodePort && old.healthCheckNodePort) {
    spec.healthCheckNodePort = old.healthCheckNodePort
  }
}

// Fields that only make sense for the old type go when the type changes,
// unless the client set new values for them.
function dropTypeDependentFields(spec: ServiceSpec, old: ServiceSpec): void {
  if (spec.type === 'ExternalName') {
    if (spec.clusterIP === old.clusterIP) {
      delete spec.clusterIP
      delete spec.clusterIPs
    }
    if (spec.ipFamilyPolicy === old.ipFamilyPolicy) delete spec.ipFamilyPolicy
    delete spec.ipFamilies
    delete spec.internalTrafficPolicy
  }
  if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') {
    for (const port of spec.ports ?? []) {
      const match = (old.ports ?? []).find((o) => o.port === port.port && o.protocol === port.protocol)
      if (port.nodePort && match?.nodePort === port.nodePort) delete port.nodePort
    }
  }
  if (spec.type !== 'LoadBalancer') {
    delete spec.allocateLoadBalancerNodePorts
    if (spec.healthCheckNodePort === old.healthCheckNodePort) delete spec.healthCheckNodePort
  }
  if (!isExternallyAccessible(spec) && spec.externalTrafficPolicy === old.externalTrafficPolicy) delete spec.externalTrafficPolicy
}

export const serviceStrategy: Strategy<Service> = {
  defaults: defaultService,
  prepareForCreate: (svc) => resetStatus(svc, { loadBalancer: {} }),
  prepareForUpdate(next, prev) {
    keepStatus(next, prev)
    next.spec ??= {}
    const old = prev.spec ?? {}
    carryAllocatedValues(next.spec, old)
    if (next.spec.type !== old.type) dropTypeDependentFields(next.spec, old)
  },
  validate: (svc) => validateService(svc.spec),
  validateUpdate: (next, prev) => validateServiceUpdate(next.spec, prev.spec),
}
