// EndpointSlice: a chunk of a Service's endpoints, all of one address type.
// Its generation counts every change but metadata's, so consumers can tell
// stale slices apart.
import { isIP } from 'node:net'
import type { KubeObject } from '../../../../shared/api-types.ts'
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../../../shared/name-validation.ts'
import { validateEnum } from '../../../validation/containers.ts'
import { childPath, fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateImmutableField } from '../../../validation/immutable-field.ts'
import { isValidPortNum } from '../../../validation/number-fields.ts'
import { semanticEqual } from '../../../validation/object-diff.ts'
import type { Strategy } from '../../types.ts'

interface Endpoint { addresses?: string[]; conditions?: Record<string, unknown>; hostname?: string; nodeName?: string; [field: string]: unknown }
interface EndpointPort { name?: string; port?: number; protocol?: string; appProtocol?: string }

export interface EndpointSlice extends KubeObject {
  addressType?: string
  endpoints?: Endpoint[]
  ports?: EndpointPort[]
}

const addressTypes = ['FQDN', 'IPv4', 'IPv6']
const maxAddresses = 100
const maxEndpoints = 1000
const maxPorts = 20000

function validateAddress(addressType: string | undefined, address: string, path: string): FieldError[] {
  if (addressType === 'FQDN') return isDNS1123Subdomain(address).map((msg) => fieldErrors.invalid(path, address, msg))
  const family = isIP(address)
  if (family === 0) return [fieldErrors.invalid(path, address, 'must be a valid IP address')]
  if ((addressType === 'IPv4' && family !== 4) || (addressType === 'IPv6' && family !== 6)) {
    return [fieldErrors.invalid(path, address, `must be an ${addressType} address`)]
  }
  return []
}

function validateEndpointSlice(slice: EndpointSlice): FieldError[] {
  const errs = validateEnum(slice.addressType, addressTypes, 'addressType')
  const endpoints = slice.endpoints ?? []
  if (endpoints.length > maxEndpoints) errs.push(fieldErrors.invalid('endpoints', endpoints.length, `must have at most ${maxEndpoints} items`))
  endpoints.forEach((endpoint, i) => {
    const path = `endpoints[${i}]`
    const addresses = endpoint.addresses ?? []
    if (addresses.length === 0) errs.push(fieldErrors.required(childPath(path, 'addresses'), 'must contain at least 1 address'))
    else if (addresses.length > maxAddresses) errs.push(fieldErrors.invalid(childPath(path, 'addresses'), addresses.length, `must have at most ${maxAddresses} items`))
    addresses.forEach((address, j) => errs.push(...validateAddress(slice.addressType, address, `${path}.addresses[${j}]`)))
    if (endpoint.hostname) for (const msg of isDNS1123Label(endpoint.hostname)) errs.push(fieldErrors.invalid(childPath(path, 'hostname'), endpoint.hostname, msg))
  })
  const ports = slice.ports ?? []
  if (ports.length > maxPorts) errs.push(fieldErrors.invalid('ports', ports.length, `must have at most ${maxPorts} items`))
  const names = new Set<string>()
  ports.forEach((port, i) => {
    const path = `ports[${i}]`
    const name = port.name ?? ''
    if (name) for (const msg of isDNS1123Label(name)) errs.push(fieldErrors.invalid(childPath(path, 'name'), name, msg))
    if (names.has(name)) errs.push(fieldErrors.duplicate(childPath(path, 'name'), name))
    names.add(name)
    if (port.port !== undefined) for (const msg of isValidPortNum(port.port)) errs.push(fieldErrors.invalid(childPath(path, 'port'), port.port, msg))
    errs.push(...validateEnum(port.protocol, ['SCTP', 'TCP', 'UDP'], childPath(path, 'protocol')))
    if (port.appProtocol) for (const msg of isQualifiedName(port.appProtocol)) errs.push(fieldErrors.invalid(childPath(path, 'appProtocol'), port.appProtocol, msg))
  })
  return errs
}

function withoutMetadata(slice: EndpointSlice): Record<string, unknown> {
  const { metadata: _metadata, ...rest } = slice
  return rest
}

export const endpointSliceStrategy: Strategy<EndpointSlice> = {
  defaults(slice) {
    for (const port of slice.ports ?? []) port.protocol ||= 'TCP'
    for (const endpoint of slice.endpoints ?? []) endpoint.conditions ??= {}
  },
  prepareForCreate(slice) {
    slice.metadata.generation = 1
  },
  prepareForUpdate(next, prev) {
    next.metadata.generation = prev.metadata.generation ?? 0
    if (!semanticEqual(withoutMetadata(next), withoutMetadata(prev))) next.metadata.generation += 1
  },
  validate: validateEndpointSlice,
  validateUpdate: (next, prev) => [...validateEndpointSlice(next), ...validateImmutableField(next.addressType, prev.addressType, 'addressType')],
}
