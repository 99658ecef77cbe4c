// networking.k8s.io/v1 Ingress rules, paths and backends, as upstream's
// validateIngressSpec.
import { isIP } from 'node:net'
import { isDNS1035Label, isDNS1123Subdomain, isValidPortName } from '../../../../shared/name-validation.ts'
import { childPath, fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { isValidPortNum } from '../../../validation/number-fields.ts'
import { nameIsDNSSubdomain } from '../../../validation/resource-names.ts'

export interface IngressBackend {
  service?: { name?: string; port?: { name?: string; number?: number } }
  resource?: { apiGroup?: string; kind?: string; name?: string }
}

export interface IngressSpec {
  ingressClassName?: string
  defaultBackend?: IngressBackend
  tls?: Array<{ hosts?: string[]; secretName?: string }>
  rules?: Array<{ host?: string; http?: { paths?: Array<{ path?: string; pathType?: string; backend?: IngressBackend }> } }>
  [field: string]: unknown
}

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix']
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F']
const invalidPathSuffixes = ['/..', '/.']
const wildcardMessage =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

/** A host, exact (`foo.bar.com`) or wildcard (`*.bar.com`). */
function validateHost(host: string, path: string): FieldError[] {
  if (host.includes('*')) {
    return host.startsWith('*.') && isDNS1123Subdomain(host.slice(2)).length === 0 ? [] : [fieldErrors.invalid(path, host, wildcardMessage)]
  }
  return isDNS1123Subdomain(host).map((msg) => fieldErrors.invalid(path, host, msg))
}

function validateBackend(backend: IngressBackend | undefined, path: string): FieldError[] {
  const b = backend ?? {}
  if (b.resource && b.service) return [fieldErrors.invalid(path, '', 'cannot set both resource and service backends')]
  if (b.resource) {
    const errs: FieldError[] = []
    if (!b.resource.kind) errs.push(fieldErrors.required(childPath(path, 'resource.kind')))
    if (!b.resource.name) errs.push(fieldErrors.required(childPath(path, 'resource.name')))
    return errs
  }
  if (!b.service) return [fieldErrors.invalid(path, '', 'resource or service backend is required')]
  const errs: FieldError[] = []
  const name = b.service.name ?? ''
  if (!name) errs.push(fieldErrors.required(childPath(path, 'service.name')))
  else for (const msg of isDNS1035Label(name)) errs.push(fieldErrors.invalid(childPath(path, 'service.name'), name, msg))
  const portName = b.service.port?.name ?? ''
  const portNumber = b.service.port?.number ?? 0
  if (portName && portNumber) errs.push(fieldErrors.invalid(path, '', 'cannot set both port name & port number'))
  else if (portName) for (const msg of isValidPortName(portName)) errs.push(fieldErrors.invalid(childPath(path, 'service.port.name'), portName, msg))
  else if (portNumber) for (const msg of isValidPortNum(portNumber)) errs.push(fieldErrors.invalid(childPath(path, 'service.port.number'), portNumber, msg))
  else errs.push(fieldErrors.required(path, 'port name or number is required'))
  return errs
}

function validateHTTPPath(p: { path?: string; pathType?: string; backend?: IngressBackend }, path: string): FieldError[] {
  if (!p.pathType) return [fieldErrors.required(childPath(path, 'pathType'), 'pathType must be specified')]
  const errs: FieldError[] = []
  const value = p.path ?? ''
  const pathPath = childPath(path, 'path')
  if (p.pathType === 'Exact' || p.pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.push(fieldErrors.invalid(pathPath, value, 'must be an absolute path'))
    for (const seq of invalidPathSequences) if (value.includes(seq)) errs.push(fieldErrors.invalid(pathPath, value, `must not contain '${seq}'`))
    for (const suffix of invalidPathSuffixes) if (value.endsWith(suffix)) errs.push(fieldErrors.invalid(pathPath, value, `cannot end with '${suffix}'`))
  } else if (p.pathType === 'ImplementationSpecific') {
    if (value && !value.startsWith('/')) errs.push(fieldErrors.invalid(pathPath, value, 'must be an absolute path'))
  } else {
    errs.push(fieldErrors.notSupported(childPath(path, 'pathType'), p.pathType, pathTypes))
  }
  errs.push(...validateBackend(p.backend, childPath(path, 'backend')))
  return errs
}

export function validateIngressSpec(spec: IngressSpec | undefined): FieldError[] {
  const s = spec ?? {}
  const errs: FieldError[] = []
  if ((s.rules ?? []).length === 0 && !s.defaultBackend) errs.push(fieldErrors.invalid('spec', s.rules ?? [], 'either `defaultBackend` or `rules` must be specified'))
  if (s.defaultBackend) errs.push(...validateBackend(s.defaultBackend, 'spec.defaultBackend'))
  ;(s.rules ?? []).forEach((rule, i) => {
    const rulePath = `spec.rules[${i}]`
    if (rule.host) {
      if (isIP(rule.host)) errs.push(fieldErrors.invalid(childPath(rulePath, 'host'), rule.host, 'must be a DNS name, not an IP address'))
      errs.push(...validateHost(rule.host, childPath(rulePath, 'host')))
    }
    if (rule.http) {
      const paths = rule.http.paths ?? []
      if (paths.length === 0) errs.push(fieldErrors.required(childPath(rulePath, 'http.paths')))
      paths.forEach((p, j) => errs.push(...validateHTTPPath(p, `${rulePath}.http.paths[${j}]`)))
    }
  })
  ;(s.tls ?? []).forEach((tls, i) => {
    ;(tls.hosts ?? []).forEach((host, j) => errs.push(...validateHost(host, `spec.tls[${i}].hosts[${j}]`)))
  })
  if (s.ingressClassName !== undefined) {
    for (const msg of nameIsDNSSubdomain(s.ingressClassName, false)) errs.push(fieldErrors.invalid('spec.ingressClassName', s.ingressClassName, msg))
  }
  return errs
}
