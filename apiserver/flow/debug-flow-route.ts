// GET /debug/flow: the flow as a long-lived stream, one line per request and
// watch event, optionally only one object's (?namespace=&name=). Server-sent
// events for clients that accept text/event-stream, else plain text, one line
// per record, so `curl -N …/debug/flow?name=nginx` follows one pod's life.
import type { FastifyInstance } from 'fastify'
import { flowLine, type FlowFilter, type FlowRecorder } from './flow-recorder.ts'

export interface DebugFlowOptions {
  /** A reader whose unsent bytes exceed this is cut off rather than buffered without bound. @default 8 MiB */
  maxBufferedBytes?: number
  /** SSE comment sent this often so proxies keep an idle stream open. @default 15_000 */
  heartbeatMs?: number
}

type Query = Record<string, string | string[] | undefined>

function last(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[value.length - 1] : value
  return v === '' ? undefined : v
}

export function flowFilterFrom(query: Query): FlowFilter {
  return { namespace: last(query.namespace), name: last(query.name) }
}

export function registerDebugFlowRoute(app: FastifyInstance, flow: FlowRecorder, options: DebugFlowOptions = {}): void {
  const maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024
  const heartbeatMs = options.heartbeatMs ?? 15_000
  app.get('/debug/flow', (request, reply) => {
    const filter = flowFilterFrom((request.query ?? {}) as Query)
    const sse = (request.headers.accept ?? '').includes('text/event-stream')
    const res = reply.raw
    reply.hijack()

    let closed = false
    let pending = ''
    let heartbeat: NodeJS.Timeout | undefined
    // Lines of one tick leave in one write, as watch events do.
    const flush = () => {
      const chunk = pending
      pending = ''
      if (closed || chunk === '' || res.destroyed) return
      res.write(chunk)
      if (res.writableLength > maxBuffered) {
        request.log.warn({ buffered: res.writableLength }, 'flow reader too slow; closing its stream')
        close()
        res.destroy()
      }
    }
    const unsubscribe = flow.subscribe(filter, (record) => {
      if (closed) return
      if (pending === '') process.nextTick(flush)
      pending += sse ? `data: ${flowLine(record)}\n\n` : `${flowLine(record)}\n`
    })
    const close = () => {
      if (closed) return
      closed = true
      unsubscribe()
      clearInterval(heartbeat)
      if (!res.destroyed) res.end()
    }
    request.raw.on('close', close)
    res.on('close', close)

    res.writeHead(200, {
      'content-type': sse ? 'text/event-stream; charset=utf-8' : 'text/plain; charset=utf-8',
      'cache-control': 'no-cache, private',
      'x-content-type-options': 'nosniff',
    })
    if (sse) {
      // A comment: EventSource ignores it, and the reader knows it is subscribed.
      res.write(': kubeling flow\n\n')
      heartbeat = setInterval(() => {
        if (pending === '') process.nextTick(flush)
        pending += ': keep-alive\n\n'
      }, heartbeatMs)
      heartbeat.unref()
    } else {
      res.flushHeaders()
    }
  })
}
