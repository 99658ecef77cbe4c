// autoscaling/v2 HorizontalPodAutoscaler.
import { defineResource } from '../../types.ts'
import { horizontalPodAutoscalerStrategy, type HorizontalPodAutoscaler } from './horizontalpodautoscaler-strategy.ts'
import { horizontalPodAutoscalerPrinter } from '../../../printers/autoscaling-printers.ts'

export const horizontalPodAutoscalers = defineResource<HorizontalPodAutoscaler>({
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  shortNames: ['hpa'],
  categories: ['all'],
  namespaced: true,
  printer: horizontalPodAutoscalerPrinter,
  strategy: horizontalPodAutoscalerStrategy,
  subresources: { status: true },
})
