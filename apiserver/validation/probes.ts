// Probes and lifecycle hooks: each names exactly one action (exec, httpGet,
// tcpSocket, grpc, or sleep for hooks), as upstream's validateHandler.
import { isValidPortName } from '../../shared/name-validation.ts'
import { childPath, fieldErrors, type FieldError } from './field-error.ts'
import { isValidPortNum, validateNonNegative } from './number-fields.ts'
import type { Handler, Probe } from '../../shared/core-types.ts'

const probeActions = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const
const hookActions = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const

/** A port given as a number or as a container port name (IntOrString). */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((msg) => fieldErrors.invalid(path, port, msg))
  if (typeof port === 'string') return isValidPortName(port).map((msg) => fieldErrors.invalid(path, port, msg))
  return [fieldErrors.invalid(path, port, 'must be an integer or a port name')]
}

function validateHandler(handler: Handler, actions: readonly string[], gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  let count = 0
  for (const action of actions) {
    const value = handler[action]
    if (value === undefined || value === null) continue
    const actionPath = childPath(path, action)
    if (count > 0) {
      errs.push(fieldErrors.forbidden(actionPath, 'may not specify more than 1 handler type'))
      continue
    }
    count++
    errs.push(...validateAction(action, value as Record<string, unknown>, gracePeriod, actionPath))
  }
  if (count === 0) errs.push(fieldErrors.required(path, 'must specify a handler type'))
  return errs
}

function validateAction(action: string, value: Record<string, unknown>, gracePeriod: number | undefined, path: string): FieldError[] {
  switch (action) {
    case 'exec':
      return Array.isArray(value.command) && value.command.length > 0 ? [] : [fieldErrors.required(childPath(path, 'command'))]
    case 'httpGet': {
      const errs: FieldError[] = []
      if (!value.path) errs.push(fieldErrors.required(childPath(path, 'path')))
      errs.push(...validatePortNumOrName(value.port, childPath(path, 'port')))
      if (value.scheme !== 'HTTP' && value.scheme !== 'HTTPS') errs.push(fieldErrors.notSupported(childPath(path, 'scheme'), value.scheme, ['HTTP', 'HTTPS']))
      return errs
    }
    case 'tcpSocket':
      return validatePortNumOrName(value.port, childPath(path, 'port'))
    case 'grpc':
      return validatePortNumOrName(typeof value.port === 'number' ? value.port : Number(value.port), childPath(path, 'port'))
    case 'sleep': {
      const seconds = typeof value.seconds === 'number' ? value.seconds : 0
      if (gracePeriod !== undefined && (seconds < 0 || seconds > gracePeriod)) {
        return [fieldErrors.invalid(path, seconds, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`)]
      }
      return []
    }
  }
  return []
}

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe'

export function validateProbe(probe: Probe | undefined, kind: ProbeKind, gracePeriod: number | undefined, path: string): FieldError[] {
  if (!probe) return []
  const errs = validateHandler(probe, probeActions, gracePeriod, path)
  for (const field of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...validateNonNegative(probe[field], childPath(path, field)))
  }
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(fieldErrors.invalid(childPath(path, 'terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must be greater than 0'))
  }
  // A liveness or startup probe that needs several successes would never let the container recover.
  if ((kind === 'livenessProbe' || kind === 'startupProbe') && probe.successThreshold !== 1) {
    errs.push(fieldErrors.invalid(childPath(path, 'successThreshold'), probe.successThreshold ?? 0, 'must be 1'))
  }
  if (kind === 'readinessProbe' && probe.terminationGracePeriodSeconds !== undefined) {
    errs.push(fieldErrors.invalid(childPath(path, 'terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'))
  }
  return errs
}

export function validateLifecycle(lifecycle: { postStart?: Handler; preStop?: Handler } | undefined, gracePeriod: number | undefined, path: string): FieldError[] {
  if (!lifecycle) return []
  const errs: FieldError[] = []
  if (lifecycle.postStart) errs.push(...validateHandler(lifecycle.postStart, hookActions, gracePeriod, childPath(path, 'postStart')))
  if (lifecycle.preStop) errs.push(...validateHandler(lifecycle.preStop, hookActions, gracePeriod, childPath(path, 'preStop')))
  return errs
}
