// policy/v1 PodDisruptionBudget.
import { defineResource } from '../../types.ts'
import { podDisruptionBudgetStrategy, type PodDisruptionBudget } from './poddisruptionbudget-strategy.ts'
import { podDisruptionBudgetPrinter } from '../../../printers/workload-printers.ts'

export const podDisruptionBudgets = defineResource<PodDisruptionBudget>({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  shortNames: ['pdb'],
  namespaced: true,
  printer: podDisruptionBudgetPrinter,
  strategy: podDisruptionBudgetStrategy,
  subresources: { status: true },
})
