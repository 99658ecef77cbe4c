import { describe, expect, it } from 'vitest'
import { PatchError } from './patch-error.ts'

const base = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure' }

describe('PatchError.toStatusError', () => {
  it('answers BadRequest with 400 and the decoding message', () => {
    expect(PatchError.badRequest('invalid patch format of retainKeys').toStatusError().status).toEqual({
      ...base,
      message: 'invalid patch format of retainKeys',
      reason: 'BadRequest',
      code: 400,
    })
  })

  it('answers Invalid with upstream\'s fixed 422 message, hiding the library text', () => {
    const err = PatchError.invalid('testing value /a failed: test failed')
    expect(err.code).toBe(422)
    expect(err.toStatusError().status).toEqual({
      ...base,
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    })
  })

  it('answers RequestEntityTooLarge with 413', () => {
    expect(PatchError.tooLarge('too many').toStatusError().status).toMatchObject({ code: 413, reason: 'RequestEntityTooLarge', message: 'Request entity too large: too many' })
  })

  it('answers Internal like a plain Go error: 500, no reason', () => {
    const status = PatchError.internal('map: map[value:b] does not contain declared merge key: name').toStatusError().status
    expect(status).toEqual({ ...base, message: 'map: map[value:b] does not contain declared merge key: name', code: 500 })
  })
})
