// Writing API objects back in the negotiated form. Stored objects keep their
// JSON serialized once; plain JSON responses send that text as it is.
import type { FastifyReply } from 'fastify'
import { Readable } from 'node:stream'
import { stringify as toYaml } from 'yaml'
import type { OutputFormat } from './negotiation.ts'

export const jsonContentType = 'application/json'

/** Sends a value given either as an object or as its JSON text. */
export function sendBody(reply: FastifyReply, code: number, body: unknown, json: string | undefined, format: OutputFormat, pretty: boolean): FastifyReply {
  reply.code(code)
  if (format.type === 'yaml') {
    const value = body ?? JSON.parse(json!)
    return reply.header('content-type', 'application/yaml').send(toYaml(value, { aliasDuplicateObjects: false }))
  }
  let text = json ?? JSON.stringify(body)
  if (pretty) text = JSON.stringify(body ?? JSON.parse(text), null, 2) + '\n'
  return reply.header('content-type', jsonContentType).send(text)
}

/** `{"kind":"PodList",...,"items":[...]}` built from stored JSON without re-serializing items. */
export function listJson(apiVersion: string, listKind: string, metadata: Record<string, unknown>, itemJson: string[]): string {
  return listHead(apiVersion, listKind, metadata) + itemJson.join(',') + ']}'
}

function listHead(apiVersion: string, listKind: string, metadata: Record<string, unknown>): string {
  return `{"kind":${JSON.stringify(listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(metadata)},"items":[`
}

/** Items per written chunk of a large list: big enough for few writes, small enough to start sending early. */
const itemsPerChunk = 256

/**
 * The same document as listJson, streamed in chunks: a large LIST is not
 * first joined into one string of tens of megabytes, and the client starts
 * receiving while the rest is encoded.
 */
export function listStream(apiVersion: string, listKind: string, metadata: Record<string, unknown>, itemJson: string[]): Readable {
  return Readable.from(
    (function* () {
      yield listHead(apiVersion, listKind, metadata)
      for (let i = 0; i < itemJson.length; i += itemsPerChunk) {
        const chunk = itemJson.slice(i, i + itemsPerChunk).join(',')
        yield i === 0 ? chunk : ',' + chunk
      }
      yield ']}'
    })(),
    { objectMode: false },
  )
}
