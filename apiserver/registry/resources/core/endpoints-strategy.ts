// Endpoints (the pre-EndpointSlice list of a Service's backends): every
// subset has addresses with valid IPs and well-formed ports.
import { isIP } from 'node:net'
import type { KubeObject } from '../../../../shared/api-types.ts'
import { isDNS1123Label, isQualifiedName } from '../../../../shared/name-validation.ts'
import { validateEnum } from '../../../validation/containers.ts'
import { childPath, fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { isValidPortNum } from '../../../validation/number-fields.ts'
import type { Strategy } from '../../types.ts'

interface EndpointAddress { ip?: string; hostname?: string; nodeName?: string; [field: string]: unknown }
interface EndpointPort { name?: string; port?: number; protocol?: string; appProtocol?: string }
interface EndpointSubset { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[] }

export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[]
}

function validateAddress(address: EndpointAddress, path: string): FieldError[] {
  const errs: FieldError[] = []
  if (!isIP(address.ip ?? '')) errs.push(fieldErrors.invalid(childPath(path, 'ip'), address.ip ?? '', 'must be a valid IP address'))
  if (address.hostname) for (const msg of isDNS1123Label(address.hostname)) errs.push(fieldErrors.invalid(childPath(path, 'hostname'), address.hostname, msg))
  return errs
}

function validatePort(port: EndpointPort, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = []
  if (requireName && !port.name) errs.push(fieldErrors.required(childPath(path, 'name')))
  else if (port.name) for (const msg of isDNS1123Label(port.name)) errs.push(fieldErrors.invalid(childPath(path, 'name'), port.name, msg))
  for (const msg of isValidPortNum(port.port ?? 0)) errs.push(fieldErrors.invalid(childPath(path, 'port'), port.port ?? 0, msg))
  errs.push(...validateEnum(port.protocol, ['SCTP', 'TCP', 'UDP'], childPath(path, 'protocol')))
  if (port.appProtocol) for (const msg of isQualifiedName(port.appProtocol)) errs.push(fieldErrors.invalid(childPath(path, 'appProtocol'), port.appProtocol, msg))
  return errs
}

function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = []
  ;(ep.subsets ?? []).forEach((subset, i) => {
    const path = `subsets[${i}]`
    // Headless services may have endpoints without ports, but never without addresses.
    if ((subset.addresses ?? []).length === 0 && (subset.notReadyAddresses ?? []).length === 0) {
      errs.push(fieldErrors.required(path, 'must specify `addresses` or `notReadyAddresses`'))
    }
    ;(subset.addresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, `${path}.addresses[${j}]`)))
    ;(subset.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, `${path}.notReadyAddresses[${j}]`)))
    const ports = subset.ports ?? []
    ports.forEach((p, j) => errs.push(...validatePort(p, ports.length > 1, `${path}.ports[${j}]`)))
  })
  return errs
}

export const endpointsStrategy: Strategy<Endpoints> = {
  defaults(ep) {
    for (const subset of ep.subsets ?? []) for (const port of subset.ports ?? []) port.protocol ||= 'TCP'
  },
  validate: validateEndpoints,
  validateUpdate: validateEndpoints,
}
