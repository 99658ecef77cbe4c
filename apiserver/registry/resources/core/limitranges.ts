// core/v1 LimitRange.
import { defineResource } from '../../types.ts'
import { limitRangeStrategy, type LimitRange } from './limitrange-strategy.ts'

export const limitRanges = defineResource<LimitRange>({
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  plural: 'limitranges',
  singular: 'limitrange',
  shortNames: ['limits'],
  namespaced: true,
  strategy: limitRangeStrategy,
})
