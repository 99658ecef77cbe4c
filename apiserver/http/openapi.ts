// OpenAPI v3: an index of group-versions and one document per group-version.
// kubectl create/apply/replace refuse to send anything without it; they look
// for PATCH operations carrying the kind's GVK and a `fieldValidation`
// parameter, and then leave field validation to the server. Full schemas with
// field documentation (for `kubectl explain`) are generated in a later step.
import { createHash } from 'node:crypto'
import type { Registry } from '../registry/registry.ts'
import type { ResourceDefinition } from '../registry/types.ts'

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`
}

function itemPath(def: ResourceDefinition): string {
  const root = `/${gvPath(def.group, def.version)}`
  return def.namespaced ? `${root}/namespaces/{namespace}/${def.plural}/{name}` : `${root}/${def.plural}/{name}`
}

const fieldValidationParam = {
  name: 'fieldValidation',
  in: 'query',
  description:
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
  schema: { type: 'string', uniqueItems: true },
}

function groupVersionDocument(registry: Registry, group: string, version: string, serverVersion: string) {
  const paths: Record<string, unknown> = {}
  for (const def of registry.resourcesOf(group, version)) {
    const gvk = { group: def.group, version: def.version, kind: def.kind }
    paths[itemPath(def)] = {
      patch: {
        description: `partially update the specified ${def.kind}`,
        operationId: `patch${def.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
        parameters: [fieldValidationParam],
        responses: { '200': { description: 'OK' } },
      },
    }
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: serverVersion }, paths, components: { schemas: {} } }
}

/** Serves the documents, re-generating them (and their hashes) when the registry changes. */
export class OpenApiV3 {
  private readonly registry: Registry
  private readonly serverVersion: string
  private docs: Map<string, { json: string; hash: string }> | undefined

  constructor(registry: Registry, serverVersion: string) {
    this.registry = registry
    this.serverVersion = serverVersion
    registry.onChange(() => (this.docs = undefined))
  }

  private build(): Map<string, { json: string; hash: string }> {
    if (this.docs) return this.docs
    const docs = new Map<string, { json: string; hash: string }>()
    for (const group of this.registry.groups()) {
      for (const version of this.registry.versionsOf(group)) {
        const json = JSON.stringify(groupVersionDocument(this.registry, group, version, this.serverVersion))
        const hash = createHash('sha512').update(json).digest('hex').slice(0, 128).toUpperCase()
        docs.set(gvPath(group, version), { json, hash })
      }
    }
    this.docs = docs
    return docs
  }

  index(): unknown {
    const paths: Record<string, unknown> = {}
    for (const [path, doc] of this.build()) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${doc.hash}` }
    return { paths }
  }

  document(path: string): { json: string; hash: string } | undefined {
    return this.build().get(path)
  }
}
