// batch/v1 Job.
import { defineResource } from '../../types.ts'
import { jobStrategy, type Job } from './job-strategy.ts'
import { jobPrinter } from '../../../printers/batch-printers.ts'

export const jobs = defineResource<Job>({
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  singular: 'job',
  categories: ['all'],
  namespaced: true,
  printer: jobPrinter,
  strategy: jobStrategy,
  subresources: { status: true },
  fieldSelectors: {
    'status.successful': (job) => String(job.status?.succeeded ?? 0),
  },
})
