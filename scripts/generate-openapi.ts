// Writes apiserver/openapi/generated/definitions.json: the upstream OpenAPI
// definitions (schemas with field documentation and the x-kubernetes-*
// extensions: group-version-kind, list-type, list-map-keys, map-type,
// patch-strategy, patch-merge-key) of every kind the registry serves, plus
// everything they reference, plus the upstream descriptions of the query
// parameters the OpenAPI documents list. Nothing here is typed by hand: it is
// all read from upstream's `api/openapi-spec/swagger.json`.
//
// No package on the npm registry ships that file with its extensions (the type
// packages keep the field docs but drop every x-kubernetes-* extension), so
// the script reads it from a checkout or bare git dir of a repository that
// carries it: kubernetes/kubernetes (`api/openapi-spec/swagger.json`), or
// kubernetes-client/python, whose `kubernetes/swagger.json.unprocessed` at
// tag v35.0.0 is that file of release-1.35.
//
// Usage:
//   node scripts/generate-openapi.ts --swagger path/to/swagger.json [--release 1.35]
//   node scripts/generate-openapi.ts --git /path/to/repo.git --ref v35.0.0 \
//     --file kubernetes/swagger.json.unprocessed [--release 1.35]
//
// Which definitions: the kind of every entry in builtinResources, its List
// kind, the kinds of the subresources the apiserver serves (autoscaling/v1
// Scale, policy/v1 Eviction, core/v1 Binding), the meta kinds operations refer
// to (Status, DeleteOptions, Patch, WatchEvent), and their references. Also
// which kinds answer a DELETE with the object instead of a Status.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { builtinResources } from '../apiserver/registry/resources/index.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outFile = join(root, 'apiserver', 'openapi', 'generated', 'definitions.json')

const subresourceKinds = [
  { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  { group: 'policy', version: 'v1', kind: 'Eviction' },
  { group: '', version: 'v1', kind: 'Binding' },
]
const metaKinds = ['Status', 'DeleteOptions', 'Patch', 'WatchEvent'].map((k) => `io.k8s.apimachinery.pkg.apis.meta.v1.${k}`)

/** Operations whose parameters are copied: upstream's Deployment paths use every one a served verb needs. */
const parameterSources: Array<{ path: string; method: string; suffix?: string }> = [
  { path: '/apis/apps/v1/namespaces/{namespace}/deployments', method: 'get' },
  { path: '/apis/apps/v1/namespaces/{namespace}/deployments', method: 'post' },
  { path: '/apis/apps/v1/namespaces/{namespace}/deployments', method: 'delete' },
  { path: '/apis/apps/v1/namespaces/{namespace}/deployments/{name}', method: 'put' },
  { path: '/apis/apps/v1/namespaces/{namespace}/deployments/{name}', method: 'delete' },
  // PATCH's fieldManager is documented differently: it is required for apply.
  { path: '/apis/apps/v1/namespaces/{namespace}/deployments/{name}', method: 'patch', suffix: '@patch' },
]

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

interface Swagger {
  definitions: Record<string, JsonObject>
  parameters: Record<string, JsonObject>
  paths: Record<string, Record<string, JsonObject | JsonObject[]>>
}

function readSwagger(): { text: string; origin: string; release: string } {
  const { values } = parseArgs({
    options: {
      swagger: { type: 'string' },
      git: { type: 'string' },
      ref: { type: 'string', default: 'HEAD' },
      file: { type: 'string', default: 'api/openapi-spec/swagger.json' },
      release: { type: 'string', default: '1.35' },
    },
  })
  if (values.swagger) return { text: readFileSync(values.swagger, 'utf8'), origin: 'swagger.json', release: values.release }
  if (values.git) {
    const text = execFileSync('git', ['--git-dir', values.git, 'show', `${values.ref}:${values.file}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    return { text, origin: `${values.file} at ${values.ref}`, release: values.release }
  }
  throw new Error('usage: generate-openapi.ts --swagger FILE | --git DIR --ref REF --file PATH [--release 1.35]')
}

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`
}

/** Definition names by GVK, from the definitions' own x-kubernetes-group-version-kind (kinds with one GVK only). */
function kindIndex(defs: Record<string, JsonObject>): Map<string, string> {
  const index = new Map<string, string>()
  for (const [name, schema] of Object.entries(defs)) {
    const gvks = schema['x-kubernetes-group-version-kind'] as Array<{ group: string; version: string; kind: string }> | undefined
    if (gvks?.length === 1) index.set(gvkKey(gvks[0].group, gvks[0].version, gvks[0].kind), name)
  }
  return index
}

function refsOf(value: Json, out: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) refsOf(v, out)
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.add(v.replace('#/definitions/', ''))
      else refsOf(v, out)
    }
  }
}

function closure(defs: Record<string, JsonObject>, roots: Iterable<string>): string[] {
  const seen = new Set<string>()
  const stack = [...roots]
  while (stack.length > 0) {
    const name = stack.pop()!
    if (seen.has(name)) continue
    if (!defs[name]) throw new Error(`definition ${name} is referenced but missing`)
    seen.add(name)
    const refs = new Set<string>()
    refsOf(defs[name], refs)
    stack.push(...refs)
  }
  return [...seen].sort()
}

/** Query parameters by name, `$ref`s resolved; `name` (per kind) and `body` are built by the server. */
function collectParameters(swagger: Swagger): Record<string, JsonObject> {
  const params: Record<string, JsonObject> = {}
  for (const source of parameterSources) {
    const op = swagger.paths[source.path]?.[source.method] as JsonObject | undefined
    if (!op) throw new Error(`upstream has no ${source.method} ${source.path}`)
    for (const p of (op.parameters as JsonObject[] | undefined) ?? []) {
      const param = typeof p.$ref === 'string' ? swagger.parameters[p.$ref.replace('#/parameters/', '')] : p
      if (param.in !== 'query') continue
      const key = `${param.name as string}${source.suffix && param.name === 'fieldManager' ? source.suffix : ''}`
      params[key] ??= param
    }
  }
  // Path-level parameters shared by every operation of a path.
  for (const p of swagger.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].parameters as JsonObject[]) {
    const param = typeof p.$ref === 'string' ? swagger.parameters[p.$ref.replace('#/parameters/', '')] : p
    if (param.name === 'namespace' || param.name === 'pretty') params[param.name] = param
  }
  return Object.fromEntries(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)))
}

/** Kinds whose DELETE answers the object rather than a Status (pods, services, ...), among `names`. */
function deleteReturnsObject(swagger: Swagger, names: Set<string>): string[] {
  const kinds = new Set<string>()
  for (const item of Object.values(swagger.paths)) {
    const op = item.delete as JsonObject | undefined
    if (!op || op['x-kubernetes-action'] !== 'delete') continue
    const ref = ((op.responses as JsonObject)['200'] as JsonObject | undefined)?.schema as JsonObject | undefined
    const name = typeof ref?.$ref === 'string' ? ref.$ref.replace('#/definitions/', '') : ''
    if (names.has(name) && name !== 'io.k8s.apimachinery.pkg.apis.meta.v1.Status') kinds.add(name)
  }
  return [...kinds].sort()
}

function main(): void {
  const { text, origin, release } = readSwagger()
  const swagger = JSON.parse(text) as Swagger
  const defs = swagger.definitions
  const index = kindIndex(defs)
  const roots = new Set<string>(metaKinds)
  const kinds = [...builtinResources.map((d) => ({ group: d.group, version: d.version, kind: d.kind })), ...subresourceKinds]
  for (const k of kinds) {
    const name = index.get(gvkKey(k.group, k.version, k.kind))
    if (!name) throw new Error(`upstream has no definition for ${gvkKey(k.group, k.version, k.kind)}`)
    roots.add(name)
    if (defs[`${name}List`]) roots.add(`${name}List`)
  }
  const names = closure(defs, roots)
  const sha256 = createHash('sha256').update(text).digest('hex')
  // One definition per line: compact, yet a regeneration diffs by definition.
  const lines = names.map((n) => `    ${JSON.stringify(n)}: ${JSON.stringify(defs[n])}`)
  const params = Object.entries(collectParameters(swagger)).map(([n, p]) => `    ${JSON.stringify(n)}: ${JSON.stringify(p)}`)
  const out = [
    '{',
    `  "source": ${JSON.stringify({ kubernetes: release, file: origin, sha256 })},`,
    `  "deleteReturnsObject": ${JSON.stringify(deleteReturnsObject(swagger, new Set(names)))},`,
    '  "parameters": {',
    params.join(',\n'),
    '  },',
    '  "definitions": {',
    lines.join(',\n'),
    '  }',
    '}',
    '',
  ].join('\n')
  mkdirSync(dirname(outFile), { recursive: true })
  writeFileSync(outFile, out)
  console.log(`wrote ${names.length} definitions (${out.length} bytes) to ${outFile}`)
}

main()
