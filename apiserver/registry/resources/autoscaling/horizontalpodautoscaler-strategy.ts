// autoscaling/v2 HorizontalPodAutoscaler: scale a target between min and
// max replicas on metrics; without metrics it targets 80% average CPU.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { validateEnum } from '../../../validation/containers.ts'
import { childPath, fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { nameIsPathSegment } from '../../../validation/resource-names.ts'
import type { Strategy } from '../../types.ts'
import { keepStatus, resetStatus } from '../spec-and-status.ts'

interface MetricTarget { type?: string; value?: string; averageValue?: string; averageUtilization?: number }
interface MetricSpec { type?: string; resource?: { name?: string; target?: MetricTarget }; [field: string]: unknown }

export interface HorizontalPodAutoscaler extends KubeObject {
  spec?: {
    scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string }
    minReplicas?: number
    maxReplicas?: number
    metrics?: MetricSpec[]
    behavior?: unknown
    [field: string]: unknown
  }
  status?: Record<string, unknown>
}

export const defaultCPUUtilization = 80
const metricTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource']
const targetTypes = ['AverageValue', 'Utilization', 'Value']

function validateMetric(metric: MetricSpec, path: string): FieldError[] {
  const errs = validateEnum(metric.type, metricTypes, childPath(path, 'type'))
  // The source field is the type's name in lower camel case: resource, pods, object, ...
  const sourceKey = metric.type ? metric.type[0].toLowerCase() + metric.type.slice(1) : ''
  if (metric.type && metricTypes.includes(metric.type) && !metric[sourceKey]) {
    errs.push(fieldErrors.required(childPath(path, sourceKey), `must populate information for the given metric source (only allowed when type is '${metric.type}')`))
  }
  const target = metric.resource?.target
  if (metric.type === 'Resource' && metric.resource) {
    if (!metric.resource.name) errs.push(fieldErrors.required(childPath(path, 'resource.name'), 'must specify a resource name'))
    errs.push(...validateEnum(target?.type, targetTypes, childPath(path, 'resource.target.type')))
    if (target?.averageUtilization !== undefined && target.averageUtilization < 1) {
      errs.push(fieldErrors.invalid(childPath(path, 'resource.target.averageUtilization'), target.averageUtilization, 'must be greater than 0'))
    }
  }
  return errs
}

function validateHPA(hpa: HorizontalPodAutoscaler): FieldError[] {
  const spec = hpa.spec ?? {}
  const errs: FieldError[] = []
  const ref = spec.scaleTargetRef ?? {}
  if (!ref.kind) errs.push(fieldErrors.required('spec.scaleTargetRef.kind'))
  else for (const msg of nameIsPathSegment(ref.kind, false)) errs.push(fieldErrors.invalid('spec.scaleTargetRef.kind', ref.kind, msg))
  if (!ref.name) errs.push(fieldErrors.required('spec.scaleTargetRef.name'))
  else for (const msg of nameIsPathSegment(ref.name, false)) errs.push(fieldErrors.invalid('spec.scaleTargetRef.name', ref.name, msg))
  const max = spec.maxReplicas ?? 0
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) errs.push(fieldErrors.invalid('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1'))
  if (max < 1) errs.push(fieldErrors.invalid('spec.maxReplicas', max, 'must be greater than 0'))
  if (spec.minReplicas !== undefined && max < spec.minReplicas) errs.push(fieldErrors.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'))
  ;(spec.metrics ?? []).forEach((metric, i) => errs.push(...validateMetric(metric, `spec.metrics[${i}]`)))
  return errs
}

export const horizontalPodAutoscalerStrategy: Strategy<HorizontalPodAutoscaler> = {
  defaults(hpa) {
    const spec = (hpa.spec ??= {})
    spec.minReplicas ??= 1
    if ((spec.metrics ?? []).length === 0) {
      spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } }]
    }
  },
  prepareForCreate: (hpa) => resetStatus(hpa, { desiredReplicas: 0 }),
  prepareForUpdate: keepStatus,
  validate: validateHPA,
  validateUpdate: validateHPA,
}
