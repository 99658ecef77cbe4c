// Writing API objects back in the negotiated form. Stored objects keep their
// JSON serialized once; plain JSON responses send that text as it is.
import type { FastifyReply } from 'fastify'
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
  return `{"kind":${JSON.stringify(listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(metadata)},"items":[${itemJson.join(',')}]}`
}
