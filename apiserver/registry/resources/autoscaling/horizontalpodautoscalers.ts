// autoscaling/v2 HorizontalPodAutoscaler.
import { defineResource } from '../../types.ts'
import { horizontalPodAutoscalerStrategy, type HorizontalPodAutoscaler } from './horizontalpodautoscaler-strategy.ts'

export const horizontalPodAutoscalers = defineResource<HorizontalPodAutoscaler>({
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  shortNames: ['hpa'],
  categories: ['all'],
  namespaced: true,
  strategy: horizontalPodAutoscalerStrategy,
  subresources: { status: true },
})
