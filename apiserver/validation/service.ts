// core/v1 Service validation (upstream's ValidateService and
// ValidateServiceUpdate). Cluster IP and node port allocation happen after
// validation (registry/service-allocation/); here only the shape of what was
// asked for, or allocated, is checked.
import { isIP } from 'node:net'
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, validateLabels } from '../../shared/name-validation.ts'
import { validateEnum } from './containers.ts'
import { childPath, fieldErrors, type FieldError } from './field-error.ts'
import { isValidPortNum } from './number-fields.ts'
import { validatePortNumOrName } from './probes.ts'

export interface ServicePort {
  name?: string
  protocol?: string
  appProtocol?: string
  port?: number
  targetPort?: number | string
  nodePort?: number
  [field: string]: unknown
}

export interface ServiceSpec {
  type?: string
  ports?: ServicePort[]
  selector?: Record<string, string>
  clusterIP?: string
  clusterIPs?: string[]
  ipFamilies?: string[]
  ipFamilyPolicy?: string
  externalName?: string
  externalIPs?: string[]
  sessionAffinity?: string
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } }
  externalTrafficPolicy?: string
  internalTrafficPolicy?: string
  healthCheckNodePort?: number
  allocateLoadBalancerNodePorts?: boolean
  loadBalancerSourceRanges?: string[]
  [field: string]: unknown
}

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']
const protocols = ['SCTP', 'TCP', 'UDP']
const maxClientIPAffinitySeconds = 86400
const invalidIPMessage = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'

export function isHeadless(spec: ServiceSpec): boolean {
  return spec.clusterIPs?.length === 1 && spec.clusterIPs[0] === 'None'
}

/** NodePort and LoadBalancer services, and ClusterIP ones with externalIPs, take traffic from outside. */
export function isExternallyAccessible(spec: ServiceSpec): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && (spec.externalIPs ?? []).length > 0)
}

export function validateService(spec: ServiceSpec | undefined): FieldError[] {
  const s = spec ?? {}
  const errs: FieldError[] = []
  const headless = isHeadless(s)
  if ((s.ports ?? []).length === 0 && !headless && s.type !== 'ExternalName') errs.push(fieldErrors.required('spec.ports'))
  if ((s.type === 'LoadBalancer' || s.type === 'NodePort') && headless) {
    errs.push(fieldErrors.invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${s.type} services`))
  }
  if (s.type === 'ExternalName') {
    if ((s.clusterIPs ?? []).length > 0) errs.push(fieldErrors.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'))
    if ((s.ipFamilies ?? []).length > 0) errs.push(fieldErrors.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'))
    if (s.ipFamilyPolicy) errs.push(fieldErrors.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'))
    // A trailing dot marks the CNAME as fully qualified.
    const cname = (s.externalName ?? '').replace(/\.$/, '')
    if (!cname) errs.push(fieldErrors.required('spec.externalName'))
    else for (const msg of isDNS1123Subdomain(cname)) errs.push(fieldErrors.invalid('spec.externalName', cname, msg))
  }
  errs.push(...validatePorts(s))
  errs.push(...validateLabels(s.selector, 'spec.selector'))
  errs.push(...validateSessionAffinity(s))
  errs.push(...validateClusterIPs(s))
  ;(s.externalIPs ?? []).forEach((ip, i) => {
    if (!isIP(ip)) errs.push(fieldErrors.invalid(`spec.externalIPs[${i}]`, ip, invalidIPMessage))
  })
  errs.push(...validateEnum(s.type, serviceTypes, 'spec.type'))
  if (s.type === 'ClusterIP') {
    ;(s.ports ?? []).forEach((port, i) => {
      if (port.nodePort) errs.push(fieldErrors.forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"))
    })
  }
  if ((s.loadBalancerSourceRanges ?? []).length > 0 && s.type !== 'LoadBalancer') {
    errs.push(fieldErrors.forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"))
  }
  if (s.allocateLoadBalancerNodePorts !== undefined && s.type !== 'LoadBalancer') {
    errs.push(fieldErrors.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"))
  }
  // Upstream's path really lacks the "spec." here.
  if (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts === undefined) errs.push(fieldErrors.required('allocateLoadBalancerNodePorts'))
  errs.push(...validateTrafficPolicies(s))
  return errs
}

function validatePorts(s: ServiceSpec): FieldError[] {
  const errs: FieldError[] = []
  const ports = s.ports ?? []
  const names = new Set<string>()
  const seenPorts = new Set<string>()
  const seenNodePorts = new Set<string>()
  ports.forEach((port, i) => {
    const path = `spec.ports[${i}]`
    if (ports.length > 1 && !port.name) errs.push(fieldErrors.required(childPath(path, 'name')))
    else if (port.name) {
      for (const msg of isDNS1123Label(port.name)) errs.push(fieldErrors.invalid(childPath(path, 'name'), port.name, msg))
      if (names.has(port.name)) errs.push(fieldErrors.duplicate(childPath(path, 'name'), port.name))
      names.add(port.name)
    }
    for (const msg of isValidPortNum(port.port ?? 0)) errs.push(fieldErrors.invalid(childPath(path, 'port'), port.port ?? 0, msg))
    errs.push(...validateEnum(port.protocol, protocols, childPath(path, 'protocol')))
    errs.push(...validatePortNumOrName(port.targetPort, childPath(path, 'targetPort')))
    if (port.appProtocol) for (const msg of isQualifiedName(port.appProtocol)) errs.push(fieldErrors.invalid(childPath(path, 'appProtocol'), port.appProtocol, msg))
    if (port.nodePort) {
      const key = `${port.protocol}/${port.nodePort}`
      if (seenNodePorts.has(key)) errs.push(fieldErrors.duplicate(childPath(path, 'nodePort'), port.nodePort))
      seenNodePorts.add(key)
    }
    const key = `${port.protocol}/${port.port}`
    if (seenPorts.has(key)) errs.push(fieldErrors.duplicate(path, { protocol: port.protocol, port: port.port }))
    seenPorts.add(key)
  })
  return errs
}

function validateSessionAffinity(s: ServiceSpec): FieldError[] {
  const errs = validateEnum(s.sessionAffinity, ['ClientIP', 'None'], 'spec.sessionAffinity')
  const path = 'spec.sessionAffinityConfig'
  if (s.sessionAffinity === 'ClientIP') {
    const timeout = s.sessionAffinityConfig?.clientIP?.timeoutSeconds
    if (!s.sessionAffinityConfig) errs.push(fieldErrors.required(path, 'when session affinity type is ClientIP'))
    else if (!s.sessionAffinityConfig.clientIP) errs.push(fieldErrors.required(`${path}.clientIP`, 'when session affinity type is ClientIP'))
    else if (timeout === undefined) errs.push(fieldErrors.required(`${path}.clientIP.timeoutSeconds`, 'when session affinity type is ClientIP'))
    else if (timeout <= 0 || timeout > maxClientIPAffinitySeconds) {
      errs.push(fieldErrors.invalid(`${path}.clientIP.timeoutSeconds`, timeout, `must be greater than 0 and less than ${maxClientIPAffinitySeconds}`))
    }
  } else if (s.sessionAffinity === 'None' && s.sessionAffinityConfig) {
    errs.push(fieldErrors.forbidden(path, 'must not be set when session affinity is None'))
  }
  return errs
}

function validateClusterIPs(s: ServiceSpec): FieldError[] {
  if (s.type === 'ExternalName') return []
  const errs: FieldError[] = []
  const ips = s.clusterIPs ?? []
  if (s.clusterIP) {
    if (ips.length === 0) errs.push(fieldErrors.required('spec.clusterIPs'))
    else if (ips[0] !== s.clusterIP) errs.push(fieldErrors.invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'))
  } else if (ips.length > 0) {
    errs.push(fieldErrors.invalid('spec.clusterIPs', ips, 'must be empty when `clusterIP` is not specified'))
  }
  const families = new Set<string>()
  ;(s.ipFamilies ?? []).forEach((family, i) => {
    if (family !== 'IPv4' && family !== 'IPv6') errs.push(fieldErrors.notSupported(`spec.ipFamilies[${i}]`, family, ['IPv4', 'IPv6']))
    if (families.has(family)) errs.push(fieldErrors.duplicate(`spec.ipFamilies[${i}]`, family))
    families.add(family)
  })
  const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack']
  if (s.ipFamilyPolicy !== undefined && !policies.includes(s.ipFamilyPolicy)) errs.push(fieldErrors.notSupported('spec.ipFamilyPolicy', s.ipFamilyPolicy, policies))
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) errs.push(fieldErrors.invalid('spec.clusterIPs', ips, "'None' must be the first and only value"))
      return
    }
    if (!isIP(ip)) errs.push(fieldErrors.invalid(`spec.clusterIPs[${i}]`, ip, invalidIPMessage))
  })
  if (ips.length > 2) errs.push(fieldErrors.invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'))
  return errs
}

function validateTrafficPolicies(s: ServiceSpec): FieldError[] {
  const errs: FieldError[] = []
  if (!isExternallyAccessible(s)) {
    if (s.externalTrafficPolicy) errs.push(fieldErrors.invalid('spec.externalTrafficPolicy', s.externalTrafficPolicy, 'may only be set for externally-accessible services'))
  } else {
    errs.push(...validateEnum(s.externalTrafficPolicy, ['Cluster', 'Local'], 'spec.externalTrafficPolicy'))
  }
  const needsHealthCheck = s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local'
  if (!needsHealthCheck && s.healthCheckNodePort) {
    errs.push(fieldErrors.invalid('spec.healthCheckNodePort', s.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
  }
  if (s.internalTrafficPolicy === undefined) {
    if (s.type === 'NodePort' || s.type === 'LoadBalancer' || s.type === 'ClusterIP') errs.push(fieldErrors.required('spec.internalTrafficPolicy'))
  } else if (s.internalTrafficPolicy !== 'Cluster' && s.internalTrafficPolicy !== 'Local') {
    errs.push(fieldErrors.notSupported('spec.internalTrafficPolicy', s.internalTrafficPolicy, ['Cluster', 'Local']))
  }
  return errs
}

/** Once allocated, cluster IPs and IP families stay (unless the service is or becomes ExternalName). */
export function validateServiceUpdate(next: ServiceSpec | undefined, prev: ServiceSpec | undefined): FieldError[] {
  const n = next ?? {}
  const p = prev ?? {}
  const errs: FieldError[] = []
  if (n.type === 'ExternalName' || p.type === 'ExternalName' || (isHeadless(n) && isHeadless(p))) return validateService(n)
  const oldIPs = p.clusterIPs ?? []
  const newIPs = n.clusterIPs ?? []
  if (oldIPs.length > 0 && newIPs.length === 0) errs.push(fieldErrors.invalid('spec.clusterIPs[0]', newIPs, 'primary clusterIP can not be unset'))
  else if (oldIPs.length > 0 && newIPs[0] !== oldIPs[0]) errs.push(fieldErrors.invalid('spec.clusterIPs[0]', newIPs, 'may not change once set'))
  const oldFamilies = p.ipFamilies ?? []
  const newFamilies = n.ipFamilies ?? []
  if (!isHeadless(n) && !isHeadless(p) && oldFamilies.length > 0 && newFamilies.length > 0 && newFamilies[0] !== oldFamilies[0]) {
    errs.push(fieldErrors.invalid('spec.ipFamilies[0]', newFamilies, 'may not change once set'))
  }
  return [...errs, ...validateService(n)]
}
