import { describe, expect, it } from 'vitest'
import { createFlow, rendered, updateFlow } from '../testing/strategy-flow.ts'
import { cronJobs } from './cronjobs.ts'
import type { CronJob } from './cronjob-strategy.ts'
import type { Job } from './job-strategy.ts'
import { jobs } from './jobs.ts'

const uid = '6a3c1c1e-1111-4222-8333-444455556666'

function job(spec: Job['spec']): Job {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default' }, spec }
}

const template = { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] } }

describe('job create', () => {
  const { obj, errors } = createFlow(jobs, job({ template }), uid)

  it('is valid', () => expect(errors).toEqual([]))

  it('fills batch/v1 defaults', () => {
    expect(obj.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      manualSelector: false,
      podReplacementPolicy: 'TerminatingOrFailed',
    })
  })

  it('generates the selector and the template labels from uid and name', () => {
    const labels = {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': uid,
      'job-name': 'pi',
    }
    expect(obj.spec?.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } })
    expect(obj.spec?.template?.metadata?.labels).toEqual(labels)
    expect(obj.metadata.labels).toEqual(labels)
    expect(obj.metadata.generation).toBe(1)
  })

  it('requires restartPolicy Never or OnFailure', () => {
    const always = { spec: { containers: [{ name: 'pi', image: 'perl' }] } }
    expect(rendered(createFlow(jobs, job({ template: always }), uid).errors)).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ])
  })

  it('rejects a job-name label that contradicts the name', () => {
    const clash = { ...template, metadata: { labels: { 'job-name': 'other' } } }
    expect(rendered(createFlow(jobs, job({ template: clash }), uid).errors)).toContain(
      `spec.template.metadata.labels[job-name]: Invalid value: {"job-name":"other","batch.kubernetes.io/job-name":"pi","controller-uid":"${uid}","batch.kubernetes.io/controller-uid":"${uid}"}: must be 'pi'`,
    )
  })

  it('keeps a manual selector as given', () => {
    const manual = { ...template, metadata: { labels: { app: 'pi' } } }
    const { obj: manualJob, errors: manualErrors } = createFlow(jobs, job({ manualSelector: true, selector: { matchLabels: { app: 'pi' } }, template: manual }), uid)
    expect(manualErrors).toEqual([])
    expect(manualJob.spec?.selector).toEqual({ matchLabels: { app: 'pi' } })
  })
})

describe('job update', () => {
  const created = createFlow(jobs, job({ template }), uid).obj

  it('keeps the template immutable', () => {
    const { errors } = updateFlow(jobs, created, (next) => {
      next.spec!.template!.spec!.containers![0].image = 'perl:5.36'
    })
    expect(errors.map((e) => e.field)).toEqual(['spec.template'])
    expect(errors[0].message).toMatch(/: field is immutable$/)
  })

  it('allows suspending, bumping generation', () => {
    const { obj, errors } = updateFlow(jobs, created, (next) => void (next.spec!.suspend = true))
    expect(errors).toEqual([])
    expect(obj.metadata.generation).toBe(2)
  })

  it('selects by status.successful', () => {
    expect(jobs.fieldSelectors?.['status.successful']?.({ ...created, status: { succeeded: 1 } })).toBe('1')
  })
})

describe('cronjob', () => {
  function cronJob(schedule: string | undefined, name = 'hello'): CronJob {
    return {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name, namespace: 'default' },
      spec: { schedule, jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } } },
    }
  }

  it('fills defaults', () => {
    const { obj, errors } = createFlow(cronJobs, cronJob('*/1 * * * *'))
    expect(errors).toEqual([])
    expect(obj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 })
  })

  it('requires a schedule', () => {
    expect(rendered(createFlow(cronJobs, cronJob(undefined)).errors)).toEqual(['spec.schedule: Required value'])
  })

  it('rejects malformed schedules with the cron parser message', () => {
    expect(rendered(createFlow(cronJobs, cronJob('* * *')).errors)).toEqual(['spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]'])
    expect(rendered(createFlow(cronJobs, cronJob('61 * * * *')).errors)).toEqual(['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61'])
    expect(createFlow(cronJobs, cronJob('@hourly')).errors).toEqual([])
    expect(createFlow(cronJobs, cronJob('0 9 * * mon-fri')).errors).toEqual([])
  })

  it('limits the name to 52 characters', () => {
    const long = 'a'.repeat(53)
    expect(rendered(createFlow(cronJobs, cronJob('@daily', long)).errors)).toEqual([`metadata.name: Invalid value: "${long}": must be no more than 52 characters`])
  })
})
