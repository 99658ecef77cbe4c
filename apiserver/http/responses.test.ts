import { describe, expect, it } from 'vitest'
import { listJson, listStream } from './responses.ts'

describe('list bodies', () => {
  it('streams exactly the document listJson builds', async () => {
    for (const count of [0, 1, 256, 257, 1000]) {
      const items = Array.from({ length: count }, (_, i) => JSON.stringify({ metadata: { name: `p-${i}` } }))
      const metadata = { resourceVersion: '42' }
      let streamed = ''
      for await (const chunk of listStream('v1', 'PodList', metadata, items)) streamed += chunk
      expect(streamed).toBe(listJson('v1', 'PodList', metadata, items))
      expect(JSON.parse(streamed).items).toHaveLength(count)
    }
  })
})
