import { describe, expect, it } from 'vitest'
import { userAgentFor } from '../../shared/client/client.ts'
import { managerFromUserAgent } from './system-metadata.ts'

describe('managerFromUserAgent', () => {
  it('takes the product of the first token, as upstream does', () => {
    expect(managerFromUserAgent('kubectl/v1.32.2 (linux/amd64) kubernetes/67a30c0')).toBe('kubectl')
    expect(managerFromUserAgent(undefined)).toBe('unknown')
  })

  it('leaves the kubelet\'s manager as it was when its User-Agent names its node', () => {
    expect(managerFromUserAgent(userAgentFor('kubelet', 'node-1'))).toBe('kubeling-kubelet')
    expect(managerFromUserAgent(userAgentFor('kubelet'))).toBe('kubeling-kubelet')
  })
})
