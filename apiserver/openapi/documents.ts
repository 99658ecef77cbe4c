// The OpenAPI documents of whatever the registry serves right now: the v3
// index and per group-version documents, and the v2 document. Each is built
// on first request and kept, with its ETag (upstream's: the SHA-512 of the
// JSON, upper-case hex, which is also the `hash` of its v3 URL), until the
// registry changes. Kinds without a generated upstream schema (custom
// resources added at run time) get an open schema that keeps unknown fields.
import { createHash } from 'node:crypto'
import type { Registry } from '../registry/registry.ts'
import type { ResourceDefinition } from '../registry/types.ts'
import { definitionClosure, definitionNameFor, deleteReturnsObject, generatedDefinitions, type GroupVersionKind, type Schema } from './definitions.ts'
import { customDefinitionName } from './kind-schema.ts'
import { groupVersionPath, pathItems, type PathItem, type SchemaNames } from './operations.ts'
import { groupVersionDocument, toV3Schema } from './v3-document.ts'
import { swaggerDocument } from './v2-document.ts'

export interface ServedDocument {
  json: string
  /** SHA-512 of `json`, upper-case hex. */
  etag: string
}

const objectMeta = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'
const listMeta = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta'

function served(doc: unknown): ServedDocument {
  const json = JSON.stringify(doc)
  return { json, etag: createHash('sha512').update(json).digest('hex').toUpperCase() }
}

const schemaNames: SchemaNames = {
  kind: (gvk) => definitionNameFor(gvk) ?? customDefinitionName(gvk),
  list: (gvk) => {
    const name = definitionNameFor(gvk)
    return name && generatedDefinitions().definitions[`${name}List`] ? `${name}List` : `${customDefinitionName(gvk)}List`
  },
  deleteReturnsObject,
}

/** The open schemas (v2 form) of a kind without an upstream definition, and of its list. */
function customSchemas(gvk: GroupVersionKind): Record<string, Schema> {
  const meta = generatedDefinitions().definitions['io.k8s.api.core.v1.ConfigMap'].properties!
  const name = customDefinitionName(gvk)
  return {
    [name]: {
      type: 'object',
      properties: { apiVersion: meta.apiVersion, kind: meta.kind, metadata: meta.metadata },
      'x-kubernetes-group-version-kind': [gvk],
      'x-kubernetes-preserve-unknown-fields': true,
    },
    [`${name}List`]: {
      description: `${gvk.kind}List is a list of ${gvk.kind}`,
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: meta.apiVersion,
        items: { description: `List of ${gvk.kind.toLowerCase()}s.`, type: 'array', items: { $ref: `#/definitions/${name}` } },
        kind: meta.kind,
        metadata: { $ref: `#/definitions/${listMeta}`, description: 'Standard list metadata.' },
      },
      'x-kubernetes-group-version-kind': [{ ...gvk, kind: `${gvk.kind}List` }],
    },
  }
}

/** Every schema the operations of `defs` reach, in v2 form, sorted by name. */
function schemasOf(defs: readonly ResourceDefinition[], items: PathItem[]): Record<string, Schema> {
  const roots = new Set<string>()
  for (const item of items) {
    for (const op of item.operations) {
      if (op.body) roots.add(op.body.schema)
      for (const r of op.responses) if (r.schema) roots.add(r.schema)
    }
  }
  const custom: Record<string, Schema> = {}
  for (const def of defs) {
    const gvk = { group: def.group, version: def.version, kind: def.kind }
    if (!definitionNameFor(gvk)) Object.assign(custom, customSchemas(gvk))
  }
  if (Object.keys(custom).length > 0) roots.add(objectMeta).add(listMeta)
  const generated = generatedDefinitions().definitions
  const all: Record<string, Schema> = { ...custom }
  for (const name of definitionClosure(roots)) all[name] = generated[name]
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

export class OpenApiDocuments {
  private readonly registry: Registry
  private readonly serverVersion: string
  private v3: Map<string, ServedDocument> | undefined
  private v2: ServedDocument | undefined
  private readonly v3Schemas = new Map<string, Schema>()

  constructor(registry: Registry, serverVersion: string) {
    this.registry = registry
    this.serverVersion = serverVersion
    registry.onChange(() => {
      this.v3 = undefined
      this.v2 = undefined
    })
  }

  /** `{"paths": {"apis/apps/v1": {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=..."}}}` */
  index(): ServedDocument {
    const paths: Record<string, { serverRelativeURL: string }> = {}
    for (const [path, doc] of this.groupVersions()) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${doc.etag}` }
    return served({ paths })
  }

  /** The v3 document of `api/v1` or `apis/<group>/<version>`. */
  groupVersion(path: string): ServedDocument | undefined {
    return this.groupVersions().get(path)
  }

  swagger(): ServedDocument {
    if (!this.v2) {
      const defs = this.registry.all()
      const items = defs.flatMap((def) => pathItems(def, schemaNames))
      this.v2 = served(swaggerDocument(items, schemasOf(defs, items), this.serverVersion))
    }
    return this.v2
  }

  private groupVersions(): Map<string, ServedDocument> {
    if (this.v3) return this.v3
    const docs = new Map<string, ServedDocument>()
    for (const group of this.registry.groups()) {
      for (const version of this.registry.versionsOf(group)) {
        const defs = this.registry.resourcesOf(group, version)
        const items = defs.flatMap((def) => pathItems(def, schemaNames))
        const schemas: Record<string, Schema> = {}
        for (const [name, schema] of Object.entries(schemasOf(defs, items))) schemas[name] = this.v3Schema(name, schema)
        docs.set(groupVersionPath(group, version).slice(1), served(groupVersionDocument(items, schemas, this.serverVersion)))
      }
    }
    this.v3 = docs
    return docs
  }

  /** Generated schemas convert once; custom ones each time their document is built. */
  private v3Schema(name: string, schema: Schema): Schema {
    if (generatedDefinitions().definitions[name] !== schema) return toV3Schema(schema, name)
    let v3 = this.v3Schemas.get(name)
    if (!v3) {
      v3 = toV3Schema(schema, name)
      this.v3Schemas.set(name, v3)
    }
    return v3
  }
}
