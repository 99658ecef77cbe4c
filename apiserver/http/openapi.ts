// OpenAPI over HTTP, as kube-openapi's handlers serve it:
// - /openapi/v3: the index of group-version documents, each URL carrying the
//   document's hash;
// - /openapi/v3/<gv>: the document; with a current `hash` it may be cached
//   forever (`Cache-Control: public, immutable`), with a stale one the client
//   is redirected (301) to the current URL;
// - /openapi/v2: the Swagger document, as JSON, or as gnostic's protobuf
//   message, the form kubectl asks for (openapi/v2-protobuf.ts).
// Every answer carries a quoted ETag and honours If-None-Match.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { StatusError } from '../status-error.ts'
import type { Registry } from '../registry/registry.ts'
import { OpenApiDocuments, type ServedDocument } from '../openapi/documents.ts'
import { acceptsOpenApiV2Protobuf, encodeSwaggerDocument, openApiV2ProtobufType } from '../openapi/v2-protobuf.ts'

// The protobuf form of a served Swagger document, encoded once per document.
const swaggerProtobufs = new WeakMap<ServedDocument, Buffer>()

/** Whether the Accept header admits JSON (a missing header admits anything). */
function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true
  return accept.split(',').some((clause) => {
    const type = clause.split(';')[0].trim().toLowerCase()
    return type === 'application/json' || type === 'application/*' || type === '*/*'
  })
}

function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match']
  if (!header) return false
  return header.split(',').some((tag) => {
    const t = tag.trim()
    return t === '*' || t === etag || t === `W/${etag}`
  })
}

function send(request: FastifyRequest, reply: FastifyReply, doc: ServedDocument): FastifyReply {
  const etag = `"${doc.etag}"`
  reply.header('etag', etag)
  if (notModified(request, etag)) return reply.code(304).send()
  return reply.header('content-type', 'application/json').send(doc.json)
}

export function registerOpenApiRoutes(app: FastifyInstance, registry: Registry, serverVersion: string): void {
  const docs = new OpenApiDocuments(registry, serverVersion)

  app.get('/openapi/v3', (request, reply) => send(request, reply, docs.index()))

  app.get('/openapi/v3/*', (request, reply) => {
    const path = (request.params as { '*': string })['*'].replace(/\/+$/, '')
    const doc = docs.groupVersion(path)
    if (!doc) throw StatusError.pathNotFound()
    reply.header('vary', 'Accept')
    if (!acceptsJson(request.headers.accept)) throw StatusError.notAcceptable('only application/json is supported')
    const hash = (request.query as Record<string, string | string[] | undefined>).hash
    const wanted = Array.isArray(hash) ? hash[0] : hash
    if (wanted) {
      if (wanted !== doc.etag) return reply.redirect(`/openapi/v3/${path}?hash=${doc.etag}`, 301)
      reply.header('cache-control', 'public, immutable')
      reply.header('expires', new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString())
    }
    return send(request, reply, doc)
  })

  app.get('/openapi/v2', (request, reply) => {
    const doc = docs.swagger()
    if (acceptsOpenApiV2Protobuf(request.headers.accept)) {
      let body = swaggerProtobufs.get(doc)
      if (!body) swaggerProtobufs.set(doc, (body = Buffer.from(encodeSwaggerDocument(JSON.parse(doc.json)))))
      const etag = `"${doc.etag}"`
      reply.header('etag', etag)
      if (notModified(request, etag)) return reply.code(304).send()
      return reply.header('content-type', openApiV2ProtobufType).send(body)
    }
    if (!acceptsJson(request.headers.accept)) throw StatusError.pathNotFound()
    return send(request, reply, doc)
  })
}
