// HorizontalPodAutoscalers as `kubectl get hpa` shows them: each metric's
// current value against its target, then the replica bounds.
import type { KubeObject } from '../../shared/api-types.ts'
import { since } from './cell-formats.ts'
import { ageColumn, column, definePrinter, nameColumn } from './printer.ts'
import { quantityString } from './quantity-string.ts'

interface MetricTarget {
  averageUtilization?: number
  averageValue?: unknown
  value?: unknown
}

interface MetricSpec {
  type?: string
  resource?: { name?: string; target?: MetricTarget }
  containerResource?: { name?: string; target?: MetricTarget }
  pods?: { target?: MetricTarget }
  object?: { target?: MetricTarget }
  external?: { target?: MetricTarget }
}

interface MetricStatus {
  resource?: { current?: MetricTarget }
  containerResource?: { current?: MetricTarget }
  pods?: { current?: MetricTarget }
  object?: { current?: MetricTarget }
  external?: { current?: MetricTarget }
}

interface HorizontalPodAutoscaler extends KubeObject {
  spec?: { scaleTargetRef?: { kind?: string; name?: string }; minReplicas?: number; maxReplicas?: number; metrics?: MetricSpec[] }
  status?: { currentReplicas?: number; currentMetrics?: MetricStatus[] }
}

const present = (v: unknown) => v !== undefined && v !== null
// A missing quantity prints as Go prints a nil *Quantity.
const quantity = (v: unknown) => (present(v) ? quantityString(v) : '<nil>')

/** An object or external metric: `current/target`, `(avg)` for per-pod averages. */
function valueMetric(target: MetricTarget | undefined, current: MetricTarget | undefined): string {
  if (present(target?.averageValue)) {
    const now = present(current?.averageValue) ? quantity(current?.averageValue) : '<unknown>'
    return `${now}/${quantity(target?.averageValue)} (avg)`
  }
  const now = current ? quantity(current.value) : '<unknown>'
  return `${now}/${quantity(target?.value)}`
}

/** A resource metric: `cpu: 40%/80%`, or average values. */
function resourceMetric(name: string, target: MetricTarget | undefined, current: MetricTarget | undefined): string {
  if (present(target?.averageValue)) return `${name}: ${current ? quantity(current.averageValue) : '<unknown>'}/${quantity(target?.averageValue)}`
  const now = present(current?.averageUtilization) ? `${current?.averageUtilization}%` : '<unknown>'
  const want = present(target?.averageUtilization) ? `${target?.averageUtilization}%` : '<auto>'
  return `${name}: ${now}/${want}`
}

/** formatHPAMetrics: at most two metrics, `<none>` without any. */
function formatMetrics(specs: readonly MetricSpec[], statuses: readonly MetricStatus[]): string {
  if (specs.length === 0) return '<none>'
  const list = specs.map((spec, i) => {
    const status = statuses[i]
    switch (spec.type) {
      case 'External':
        return valueMetric(spec.external?.target, status?.external?.current)
      case 'Object':
        return valueMetric(spec.object?.target, status?.object?.current)
      case 'Pods':
        return `${status?.pods ? quantity(status.pods.current?.averageValue) : '<unknown>'}/${quantity(spec.pods?.target?.averageValue)}`
      case 'Resource':
        return resourceMetric(spec.resource?.name ?? '', spec.resource?.target, status?.resource ? status.resource.current ?? {} : undefined)
      case 'ContainerResource':
        return resourceMetric(spec.containerResource?.name ?? '', spec.containerResource?.target, status?.containerResource ? status.containerResource.current ?? {} : undefined)
      default:
        return '<unknown type>'
    }
  })
  const max = 2
  return list.length > max ? `${list.slice(0, max).join(', ')} + ${list.length - max} more...` : list.join(', ')
}

export const horizontalPodAutoscalerPrinter = definePrinter<HorizontalPodAutoscaler>({
  columns: [
    nameColumn,
    column('Reference', 'string', 'autoscaling.HorizontalPodAutoscalerSpec.scaleTargetRef'),
    column('Targets', 'string', 'autoscaling.HorizontalPodAutoscalerSpec.metrics'),
    column('MinPods', 'string', 'autoscaling.HorizontalPodAutoscalerSpec.minReplicas'),
    column('MaxPods', 'string', 'autoscaling.HorizontalPodAutoscalerSpec.maxReplicas'),
    column('Replicas', 'string', 'autoscaling.HorizontalPodAutoscalerStatus.currentReplicas'),
    ageColumn,
  ],
  cells: (hpa, now) => [
    hpa.metadata.name ?? '',
    `${hpa.spec?.scaleTargetRef?.kind ?? ''}/${hpa.spec?.scaleTargetRef?.name ?? ''}`,
    formatMetrics(hpa.spec?.metrics ?? [], hpa.status?.currentMetrics ?? []),
    present(hpa.spec?.minReplicas) ? String(hpa.spec?.minReplicas) : '<unset>',
    hpa.spec?.maxReplicas ?? 0,
    hpa.status?.currentReplicas ?? 0,
    since(hpa.metadata.creationTimestamp, now),
  ],
})
