import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { FlowUnavailableError, subscribeFlow } from './flow-stream.ts'

let server: Server | undefined

afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
  server = undefined
})

/** A server whose /debug/flow answers with status and then writes chunks one by one. */
async function serve(status: number, contentType: string, chunks: string[]): Promise<{ url: string; queries: string[] }> {
  const queries: string[] = []
  server = createServer((req, res) => {
    queries.push(req.url ?? '')
    res.writeHead(status, { 'content-type': contentType })
    let i = 0
    const next = () => {
      if (i < chunks.length) res.write(chunks[i++])
      if (i < chunks.length) setTimeout(next, 10)
    }
    next()
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, queries }
}

describe('subscribeFlow', () => {
  it('collects a chunked text stream line by line, lines split across chunks included', async () => {
    const { url, queries } = await serve(200, 'text/plain', ['kubectl → apiserver  POST /api/v1/namespaces/default/pods nginx → 201 rv=4', '12\napiserver → scheduler  watch ADDED pod default/nginx rv=412\n'])
    const flow = await subscribeFlow(url, { namespace: 'default', name: 'nginx' })
    expect(await flow.waitForLine(/scheduler/)).toBe('apiserver → scheduler  watch ADDED pod default/nginx rv=412')
    expect(flow.lines).toEqual(['kubectl → apiserver  POST /api/v1/namespaces/default/pods nginx → 201 rv=412', 'apiserver → scheduler  watch ADDED pod default/nginx rv=412'])
    expect(queries).toEqual(['/debug/flow?namespace=default&name=nginx'])
    flow.close()
  })

  it('reads server-sent events as their data lines', async () => {
    const { url } = await serve(200, 'text/event-stream', [': hello\n\n', 'data: a → b  one\n\n', 'event: flow\ndata: b → c  two\n\n'])
    const flow = await subscribeFlow(url, {})
    await flow.waitForLine(/two/)
    expect(flow.lines).toEqual(['a → b  one', 'b → c  two'])
    flow.close()
  })

  it('fails with FlowUnavailableError when the apiserver has no flow stream', async () => {
    const { url } = await serve(404, 'application/json', ['{"kind":"Status","code":404}'])
    await expect(subscribeFlow(url, { name: 'nginx' })).rejects.toBeInstanceOf(FlowUnavailableError)
  })

  it('says what it saw when the line it waits for never comes', async () => {
    const { url } = await serve(200, 'text/plain', ['only this\n'])
    const flow = await subscribeFlow(url, {})
    await expect(flow.waitForLine(/binding/, 300)).rejects.toThrow(/no flow line matching \/binding\/ within 300 ms; the stream had:\nonly this/)
    flow.close()
  })
})
