import { describe, expect, it } from 'vitest'
import { isAlreadyExists, isConflict, isGone, isNotFound, isTooManyRequests, parseRetryAfter, statusErrorFrom } from './status-error.ts'

describe('statusErrorFrom', () => {
  it('keeps the Status body', () => {
    const err = statusErrorFrom(409, JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 409, reason: 'AlreadyExists', message: 'configmaps "a" already exists', details: { name: 'a', kind: 'configmaps' } }))
    expect(err.code).toBe(409)
    expect(err.details?.name).toBe('a')
    expect(isAlreadyExists(err)).toBe(true)
    expect(isConflict(err)).toBe(false)
  })

  it('synthesizes a Status from a body that is not one', () => {
    const err = statusErrorFrom(503, '<html>busy</html>', '2')
    expect(err.reason).toBe('ServiceUnavailable')
    expect(err.retryAfterSeconds).toBe(2)
    expect(isNotFound(statusErrorFrom(404, ''))).toBe(true)
    expect(isTooManyRequests(statusErrorFrom(429, ''))).toBe(true)
    expect(isGone(statusErrorFrom(410, ''))).toBe(true)
  })

  it('prefers details.retryAfterSeconds and reads HTTP-date Retry-After', () => {
    const err = statusErrorFrom(429, JSON.stringify({ kind: 'Status', code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 7 } }), '1')
    expect(err.retryAfterSeconds).toBe(7)
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 5_000)).toBe(5)
    expect(parseRetryAfter('soon')).toBeUndefined()
  })
})
