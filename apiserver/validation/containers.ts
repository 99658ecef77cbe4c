// Containers and init containers of a pod spec, as upstream's
// validateContainers / validateInitContainers / validateContainerCommon.
import { isDNS1123Label, isQualifiedName, isValidPortName } from '../../shared/name-validation.ts'
import { validateEnv, validateEnvFrom } from './container-env.ts'
import { childPath, fieldErrors, type FieldError } from './field-error.ts'
import { isNegativeMessage, isValidPortNum } from './number-fields.ts'
import type { Container, ContainerPort, ResourceRequirements, VolumeMount } from '../../shared/core-types.ts'
import { validateLifecycle, validateProbe } from './probes.ts'
import { parseQuantity, quantityFormatMessage } from '../../shared/quantity.ts'

const portProtocols = ['SCTP', 'TCP', 'UDP']
const pullPolicies = ['Always', 'IfNotPresent', 'Never']
const terminationMessagePolicies = ['File', 'FallbackToLogsOnError']
// Resources that must have request == limit (no overcommit): hugepages and extended resources.
const overcommitResources = new Set(['cpu', 'memory', 'ephemeral-storage'])
const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage'])

export interface ContainerContext {
  /** Names of the pod's valid volumes. */
  volumes: Set<string>
  gracePeriod: number | undefined
}

export function validateContainers(containers: Container[] | undefined, ctx: ContainerContext, path: string): FieldError[] {
  if (!containers || containers.length === 0) return [fieldErrors.required(path)]
  const errs: FieldError[] = []
  const names = new Set<string>()
  containers.forEach((container, i) => {
    const containerPath = childPath(path, i)
    errs.push(...validateContainerCommon(container, ctx, containerPath))
    if (names.has(container.name ?? '')) errs.push(fieldErrors.duplicate(childPath(containerPath, 'name'), container.name ?? ''))
    else names.add(container.name ?? '')
    errs.push(...validateLifecycle(container.lifecycle, ctx.gracePeriod, childPath(containerPath, 'lifecycle')))
    for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      errs.push(...validateProbe(container[kind], kind, ctx.gracePeriod, childPath(containerPath, kind)))
    }
    if (container.restartPolicy !== undefined) errs.push(fieldErrors.forbidden(childPath(containerPath, 'restartPolicy'), 'may not be set for non-init containers'))
  })
  errs.push(...hostPortConflicts(containers, path))
  return errs
}

export function validateInitContainers(initContainers: Container[] | undefined, regular: Container[] | undefined, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = []
  const names = new Set((regular ?? []).map((c) => c.name ?? ''))
  ;(initContainers ?? []).forEach((container, i) => {
    const containerPath = childPath(path, i)
    errs.push(...validateContainerCommon(container, ctx, containerPath))
    // restartPolicy: Always makes a sidecar, which may have probes and hooks.
    const sidecar = container.restartPolicy === 'Always'
    if (container.restartPolicy !== undefined && !sidecar) {
      errs.push(fieldErrors.notSupported(childPath(containerPath, 'restartPolicy'), container.restartPolicy, ['Always']))
    }
    if (names.has(container.name ?? '')) errs.push(fieldErrors.duplicate(childPath(containerPath, 'name'), container.name ?? ''))
    else if (container.name) names.add(container.name)
    // Init containers run one at a time, so only each one's own ports can clash.
    errs.push(...hostPortConflicts([container], path))
    if (sidecar) {
      errs.push(...validateLifecycle(container.lifecycle, ctx.gracePeriod, childPath(containerPath, 'lifecycle')))
      for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        errs.push(...validateProbe(container[kind], kind, ctx.gracePeriod, childPath(containerPath, kind)))
      }
    } else {
      for (const field of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (container[field]) errs.push(fieldErrors.forbidden(childPath(containerPath, field), 'may not be set for init containers without restartPolicy=Always'))
      }
    }
  })
  return errs
}

function validateContainerCommon(container: Container, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = []
  const namePath = childPath(path, 'name')
  if (!container.name) errs.push(fieldErrors.required(namePath))
  else for (const msg of isDNS1123Label(container.name)) errs.push(fieldErrors.invalid(namePath, container.name, msg))
  if (!container.image) errs.push(fieldErrors.required(childPath(path, 'image')))
  errs.push(...validateEnum(container.terminationMessagePolicy, terminationMessagePolicies, childPath(path, 'terminationMessagePolicy')))
  errs.push(...validateContainerPorts(container.ports, childPath(path, 'ports')))
  errs.push(...validateEnv(container.env, childPath(path, 'env')))
  errs.push(...validateEnvFrom(container.envFrom, childPath(path, 'envFrom')))
  errs.push(...validateVolumeMounts(container.volumeMounts, ctx.volumes, childPath(path, 'volumeMounts')))
  errs.push(...validateEnum(container.imagePullPolicy, pullPolicies, childPath(path, 'imagePullPolicy')))
  errs.push(...validateResources(container.resources, childPath(path, 'resources')))
  return errs
}

/** Required, and one of `allowed`. */
export function validateEnum(value: unknown, allowed: string[], path: string): FieldError[] {
  if (value === undefined || value === null || value === '') return [fieldErrors.required(path)]
  return allowed.includes(value as string) ? [] : [fieldErrors.notSupported(path, value, allowed)]
}

function validateContainerPorts(ports: ContainerPort[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  const names = new Set<string>()
  ;(ports ?? []).forEach((port, i) => {
    const portPath = childPath(path, i)
    if (port.name) {
      const msgs = isValidPortName(port.name)
      for (const msg of msgs) errs.push(fieldErrors.invalid(childPath(portPath, 'name'), port.name, msg))
      if (msgs.length === 0 && names.has(port.name)) errs.push(fieldErrors.duplicate(childPath(portPath, 'name'), port.name))
      else names.add(port.name)
    }
    if (!port.containerPort) errs.push(fieldErrors.required(childPath(portPath, 'containerPort')))
    else for (const msg of isValidPortNum(port.containerPort)) errs.push(fieldErrors.invalid(childPath(portPath, 'containerPort'), port.containerPort, msg))
    if (port.hostPort) for (const msg of isValidPortNum(port.hostPort)) errs.push(fieldErrors.invalid(childPath(portPath, 'hostPort'), port.hostPort, msg))
    errs.push(...validateEnum(port.protocol, portProtocols, childPath(portPath, 'protocol')))
  })
  return errs
}

function hostPortConflicts(containers: Container[], path: string): FieldError[] {
  const errs: FieldError[] = []
  const seen = new Set<string>()
  containers.forEach((container, ci) => {
    ;(container.ports ?? []).forEach((port, pi) => {
      if (!port.hostPort) return
      const key = `${port.protocol ?? ''}/${port.hostIP ?? ''}/${port.hostPort}`
      if (seen.has(key)) errs.push(fieldErrors.duplicate(childPath(childPath(childPath(childPath(path, ci), 'ports'), pi), 'hostPort'), key))
      seen.add(key)
    })
  })
  return errs
}

function validateVolumeMounts(mounts: VolumeMount[] | undefined, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = []
  const mountPaths = new Set<string>()
  ;(mounts ?? []).forEach((mount, i) => {
    const mountPath = childPath(path, i)
    if (!mount.name) errs.push(fieldErrors.required(childPath(mountPath, 'name')))
    if (!volumes.has(mount.name ?? '')) errs.push(fieldErrors.notFound(childPath(mountPath, 'name'), mount.name ?? ''))
    if (!mount.mountPath) errs.push(fieldErrors.required(childPath(mountPath, 'mountPath')))
    if (mountPaths.has(mount.mountPath ?? '')) errs.push(fieldErrors.invalid(childPath(mountPath, 'mountPath'), mount.mountPath, 'must be unique'))
    mountPaths.add(mount.mountPath ?? '')
    if (mount.subPath && mount.subPathExpr) errs.push(fieldErrors.invalid(childPath(mountPath, 'subPathExpr'), mount.subPathExpr, 'subPathExpr and subPath are mutually exclusive'))
  })
  return errs
}

function validateResourceName(name: string, path: string): FieldError[] {
  const msgs = isQualifiedName(name)
  if (msgs.length > 0) return msgs.map((msg) => fieldErrors.invalid(path, name, msg))
  if (!name.includes('/') && !standardContainerResources.has(name) && !name.startsWith('hugepages-')) {
    return [fieldErrors.invalid(path, name, 'must be a standard resource for containers')]
  }
  return []
}

function validateResources(resources: ResourceRequirements | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  const limits = resources?.limits ?? {}
  const requests = resources?.requests ?? {}
  for (const [kind, list] of [['limits', limits], ['requests', requests]] as const) {
    for (const [name, quantity] of Object.entries(list)) {
      const entryPath = `${childPath(path, kind)}[${name}]`
      errs.push(...validateResourceName(name, entryPath))
      const value = parseQuantity(quantity)
      if (value === undefined) errs.push(fieldErrors.invalid(entryPath, quantity, quantityFormatMessage))
      else if (value < 0) errs.push(fieldErrors.invalid(entryPath, String(quantity), isNegativeMessage))
    }
  }
  const requestsPath = childPath(path, 'requests')
  for (const [name, quantity] of Object.entries(requests)) {
    const request = parseQuantity(quantity)
    const overcommit = overcommitResources.has(name)
    if (!Object.hasOwn(limits, name)) {
      if (!overcommit) errs.push(fieldErrors.required(childPath(path, 'limits'), 'Limit must be set for non overcommitable resources'))
      continue
    }
    const limit = parseQuantity(limits[name])
    if (request === undefined || limit === undefined) continue
    if (!overcommit && request !== limit) errs.push(fieldErrors.invalid(requestsPath, String(quantity), `must be equal to ${name} limit of ${limits[name]}`))
    else if (request > limit) errs.push(fieldErrors.invalid(requestsPath, String(quantity), `must be less than or equal to ${name} limit of ${limits[name]}`))
  }
  return errs
}
