import { describe, expect, it } from 'vitest'
import { quantityString } from './quantity-string.ts'

describe('quantityString', () => {
  it.each([
    ['1', '1'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1.5', '1500m'],
    ['0.5', '500m'],
    ['100m', '100m'],
    ['1000m', '1'],
    ['0', '0'],
    ['0m', '0'],
    ['1Gi', '1Gi'],
    ['2048Mi', '2Gi'],
    ['1.5Gi', '1536Mi'],
    ['512', '512'],
    ['100Ki', '100Ki'],
    ['0.5Ki', '512'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['12e2', '1200'],
    ['5G', '5G'],
    ['5000M', '5G'],
    ['0.1n', '1n'],
    ['-1.5', '-1500m'],
    [10, '10'],
    ['bogus', 'bogus'],
  ])('%s prints as %s', (input, want) => {
    expect(quantityString(input)).toBe(want)
  })
})
