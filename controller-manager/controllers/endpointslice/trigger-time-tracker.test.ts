import { describe, expect, it } from 'vitest'
import type { Pod } from '../../../shared/core-types.ts'
import type { Service } from '../endpoint/service-types.ts'
import { formatTriggerTime, TriggerTimeTracker } from './trigger-time-tracker.ts'

const service: Service = { metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T10:00:00Z' } }
const pod = (name: string, readySince: string): Pod => ({ metadata: { name }, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: readySince }] } })

describe('TriggerTimeTracker', () => {
  it('reports the Service\'s creation first, then the earliest newer pod change, then nothing', () => {
    const tracker = new TriggerTimeTracker()
    expect(tracker.compute(service, [pod('a', '2024-05-01T10:00:05Z')])).toBe(Date.parse('2024-05-01T10:00:00Z'))
    const later = [pod('a', '2024-05-01T10:00:05Z'), pod('b', '2024-05-01T10:01:00Z'), pod('c', '2024-05-01T10:00:30Z')]
    expect(tracker.compute(service, later)).toBe(Date.parse('2024-05-01T10:00:30Z'))
    expect(tracker.compute(service, later)).toBeUndefined()
    tracker.deleteService('default', 'web')
    expect(tracker.compute(service, later)).toBe(Date.parse('2024-05-01T10:00:00Z'))
  })

  it('formats as RFC 3339 without trailing zeros', () => {
    expect(formatTriggerTime(Date.parse('2024-05-01T10:00:00Z'))).toBe('2024-05-01T10:00:00Z')
    expect(formatTriggerTime(Date.parse('2024-05-01T10:00:00.120Z'))).toBe('2024-05-01T10:00:00.12Z')
  })
})
