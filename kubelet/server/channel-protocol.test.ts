import { describe, expect, it } from 'vitest'
import { channel, decodeChannelMessage, encodeChannelMessage, exitCodeStatus, parseResize } from './channel-protocol.ts'

describe('channel protocol', () => {
  it('prefixes every message with its channel byte', () => {
    expect([...encodeChannelMessage(channel.stdout, 'hi')]).toEqual([1, 0x68, 0x69])
    expect(decodeChannelMessage(Buffer.from([0, 0x69, 0x6e]))).toEqual({ channel: 0, payload: Buffer.from('in') })
    expect(decodeChannelMessage(Buffer.from([255, 0]))).toEqual({ channel: 255, payload: Buffer.from([0]) })
    expect(decodeChannelMessage(Buffer.alloc(0))).toBeUndefined()
  })

  it('parses resize messages and rejects junk', () => {
    expect(parseResize(Buffer.from('{"Width":80,"Height":24}'))).toEqual({ width: 80, height: 24 })
    expect(parseResize(Buffer.from('{"Width":-1,"Height":24}'))).toBeUndefined()
    expect(parseResize(Buffer.from('{"Width":"80"}'))).toBeUndefined()
    expect(parseResize(Buffer.from('not json'))).toBeUndefined()
    expect(parseResize(Buffer.from('null'))).toBeUndefined()
  })

  it('reports a non-zero exit as NonZeroExitCode with an ExitCode cause', () => {
    expect(exitCodeStatus(['sh', '-c', 'exit 3'], 3)).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    })
  })
})
