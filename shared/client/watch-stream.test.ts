import { describe, expect, it } from 'vitest'
import { parseWatchStream, watchEventError } from './watch-stream.ts'
import { isExpired } from './status-error.ts'

async function* chunks(...parts: (string | Uint8Array)[]) { for (const p of parts) yield p }
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> { const out: T[] = []; for await (const v of it) out.push(v); return out }

const added = '{"type":"ADDED","object":{"metadata":{"name":"é-a"}}}\n'
const deleted = '{"type":"DELETED","object":{"metadata":{"name":"b"}}}\n'

describe('parseWatchStream', () => {
  it('parses events however the bytes are cut, including inside a UTF-8 character', async () => {
    const bytes = new TextEncoder().encode(added + deleted)
    for (let cut = 1; cut < bytes.length; cut++) {
      const events = await collect(parseWatchStream(chunks(bytes.slice(0, cut), bytes.slice(cut))))
      expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'é-a'], ['DELETED', 'b']])
    }
  })

  it('yields byte-at-a-time input and a last line without newline', async () => {
    const bytes = new TextEncoder().encode(added + deleted.trimEnd())
    const events = await collect(parseWatchStream(chunks(...Array.from(bytes, (b) => Uint8Array.of(b)))))
    expect(events).toHaveLength(2)
  })

  it('skips blank lines and rejects malformed ones', async () => {
    expect(await collect(parseWatchStream(chunks('\n\n', added, '\r\n')))).toHaveLength(1)
    await expect(collect(parseWatchStream(chunks('{"type":'+ '\n')))).rejects.toThrow(/malformed watch event/)
  })

  it('turns an ERROR event into a typed error', () => {
    const err = watchEventError({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version' } })
    expect(isExpired(err)).toBe(true)
    expect(err.message).toBe('too old resource version')
  })
})
