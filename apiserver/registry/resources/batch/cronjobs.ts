// batch/v1 CronJob.
import { defineResource } from '../../types.ts'
import { cronJobStrategy, type CronJob } from './cronjob-strategy.ts'
import { cronJobPrinter } from '../../../printers/batch-printers.ts'

export const cronJobs = defineResource<CronJob>({
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  singular: 'cronjob',
  shortNames: ['cj'],
  categories: ['all'],
  namespaced: true,
  printer: cronJobPrinter,
  strategy: cronJobStrategy,
  subresources: { status: true },
})
