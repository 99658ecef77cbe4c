// The operations of one served resource, in upstream's naming: paths,
// operationIds (`patchAppsV1NamespacedDeployment`), tags (`apps_v1`),
// descriptions, parameters and the schemas of bodies and responses. The v3
// and v2 documents render these same operations in their own formats.
import type { ResourceDefinition } from '../registry/types.ts'
import { defaultVerbs } from '../registry/types.ts'
import type { GroupVersionKind } from './definitions.ts'

export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete'

export interface Response {
  code: string
  description: string
  /** Definition name of the body, if any. */
  schema?: string
}

export interface Operation {
  method: Method
  /** x-kubernetes-action */
  action: 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection'
  operationId: string
  description: string
  tag: string
  gvk: GroupVersionKind
  /** Query parameters by their key in the generated parameters (`fieldManager@patch`). */
  parameters: string[]
  /** Definition name of the request body; `patch` bodies take the four patch media types. */
  body?: { schema: string; required: boolean; patch?: boolean }
  responses: Response[]
}

export interface PathItem {
  path: string
  /** Path-level parameters: `name` (described per kind), `namespace`, then `pretty`. */
  named?: string
  namespaced: boolean
  operations: Operation[]
}

export interface SchemaNames {
  /** The schema of a served kind (upstream name, or a custom resource's). */
  kind(gvk: GroupVersionKind): string
  /** The schema of its list kind. */
  list(gvk: GroupVersionKind): string
  /** Whether its DELETE answers the object itself. */
  deleteReturnsObject(gvk: GroupVersionKind): boolean
}

const listParams = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch']
const writeParams = ['dryRun', 'fieldManager', 'fieldValidation']
const patchParams = ['dryRun', 'fieldManager@patch', 'fieldValidation', 'force']
const deleteParams = ['dryRun', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'propagationPolicy']
const deleteCollectionParams = [
  'continue', 'dryRun', 'fieldSelector', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'labelSelector',
  'limit', 'orphanDependents', 'propagationPolicy', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds',
]

const status = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status'
const deleteOptions = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions'
const patch = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch'
const scale = { group: 'autoscaling', version: 'v1', kind: 'Scale' }
const binding = { group: '', version: 'v1', kind: 'Binding' }

/** `rbac.authorization.k8s.io` → `RbacAuthorization`; the core group is `Core`. */
function groupWord(group: string): string {
  if (group === '') return 'Core'
  return group.replace(/\.k8s\.io$/, '').split('.').map(capitalize).join('')
}
function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`
}

/** Every path and operation upstream lists for a resource, limited to the verbs and subresources kubeling serves. */
export function pathItems(def: ResourceDefinition, names: SchemaNames): PathItem[] {
  const gvk = { group: def.group, version: def.version, kind: def.kind }
  const verbs = new Set(def.verbs ?? defaultVerbs)
  const gv = `${groupWord(def.group)}${capitalize(def.version)}`
  const tag = `${groupWord(def.group).charAt(0).toLowerCase()}${groupWord(def.group).slice(1)}_${def.version}`
  const scope = def.namespaced ? 'Namespaced' : ''
  const root = groupVersionPath(def.group, def.version)
  const collection = def.namespaced ? `${root}/namespaces/{namespace}/${def.plural}` : `${root}/${def.plural}`
  const item = `${collection}/{name}`
  const kind = names.kind(gvk)
  const op = (o: Omit<Operation, 'tag' | 'gvk'> & { gvk?: GroupVersionKind }): Operation => ({ tag, gvk, ...o })
  const ok = (schema: string): Response => ({ code: '200', description: 'OK', schema })
  const created = (schema: string): Response => ({ code: '201', description: 'Created', schema })
  const accepted = (schema: string): Response => ({ code: '202', description: 'Accepted', schema })

  const items: PathItem[] = []
  const collectionOps: Operation[] = []
  if (verbs.has('list')) {
    collectionOps.push(op({ method: 'get', action: 'list', operationId: `list${gv}${scope}${def.kind}`, description: `list or watch objects of kind ${def.kind}`, parameters: listParams, responses: [ok(names.list(gvk))] }))
  }
  if (verbs.has('create')) {
    collectionOps.push(op({
      method: 'post', action: 'post', operationId: `create${gv}${scope}${def.kind}`, description: withArticle('create', def.kind),
      parameters: writeParams, body: { schema: kind, required: true }, responses: [ok(kind), created(kind), accepted(kind)],
    }))
  }
  if (verbs.has('deletecollection')) {
    collectionOps.push(op({
      method: 'delete', action: 'deletecollection', operationId: `delete${gv}Collection${scope}${def.kind}`, description: `delete collection of ${def.kind}`,
      parameters: deleteCollectionParams, body: { schema: deleteOptions, required: false }, responses: [ok(status)],
    }))
  }
  if (collectionOps.length > 0) items.push({ path: collection, namespaced: def.namespaced, operations: collectionOps })

  const itemOps: Operation[] = []
  if (verbs.has('get')) itemOps.push(op({ method: 'get', action: 'get', operationId: `read${gv}${scope}${def.kind}`, description: `read the specified ${def.kind}`, parameters: [], responses: [ok(kind)] }))
  if (verbs.has('update')) {
    itemOps.push(op({
      method: 'put', action: 'put', operationId: `replace${gv}${scope}${def.kind}`, description: `replace the specified ${def.kind}`,
      parameters: writeParams, body: { schema: kind, required: true }, responses: [ok(kind), created(kind)],
    }))
  }
  if (verbs.has('patch')) {
    itemOps.push(op({
      method: 'patch', action: 'patch', operationId: `patch${gv}${scope}${def.kind}`, description: `partially update the specified ${def.kind}`,
      parameters: patchParams, body: { schema: patch, required: true, patch: true }, responses: [ok(kind), created(kind)],
    }))
  }
  if (verbs.has('delete')) {
    const answer = names.deleteReturnsObject(gvk) ? kind : status
    itemOps.push(op({
      method: 'delete', action: 'delete', operationId: `delete${gv}${scope}${def.kind}`, description: withArticle('delete', def.kind),
      parameters: deleteParams, body: { schema: deleteOptions, required: false }, responses: [ok(answer), accepted(answer)],
    }))
  }
  if (itemOps.length > 0) items.push({ path: item, named: def.kind, namespaced: def.namespaced, operations: itemOps })

  if (def.namespaced && verbs.has('list')) {
    items.push({
      path: `${root}/${def.plural}`,
      namespaced: false,
      operations: [op({ method: 'get', action: 'list', operationId: `list${gv}${def.kind}ForAllNamespaces`, description: `list or watch objects of kind ${def.kind}`, parameters: listParams, responses: [ok(names.list(gvk))] })],
    })
  }
  if (def.subresources?.status) {
    items.push({ path: `${item}/status`, named: def.kind, namespaced: def.namespaced, operations: readReplacePatch('status', `${gv}${scope}${def.kind}Status`, def.kind, kind, gvk, op) })
  }
  if (def.subresources?.scale) {
    const scaleKind = names.kind(scale)
    items.push({ path: `${item}/scale`, named: 'Scale', namespaced: def.namespaced, operations: readReplacePatch('scale', `${gv}${scope}${def.kind}Scale`, def.kind, scaleKind, scale, op) })
  }
  if (def.group === '' && def.kind === 'Pod') {
    const bindingKind = names.kind(binding)
    items.push({
      path: `${item}/binding`,
      named: 'Binding',
      namespaced: true,
      operations: [op({
        method: 'post', action: 'post', gvk: binding, operationId: `create${gv}NamespacedPodBinding`, description: 'create binding of a Pod',
        parameters: writeParams, body: { schema: bindingKind, required: true }, responses: [ok(bindingKind), created(bindingKind), accepted(bindingKind)],
      })],
    })
  }
  if (def.group === '' && def.kind === 'Namespace') {
    items.push({
      path: `${item}/finalize`,
      named: 'Namespace',
      namespaced: false,
      operations: [op({
        method: 'put', action: 'put', operationId: `replace${gv}NamespaceFinalize`, description: 'replace finalize of the specified Namespace',
        parameters: ['dryRun', 'fieldManager', 'fieldValidation'], body: { schema: kind, required: true }, responses: [ok(kind), created(kind)],
      })],
    })
  }
  return items
}

function readReplacePatch(
  sub: 'status' | 'scale',
  suffix: string,
  kindName: string,
  schema: string,
  gvk: GroupVersionKind,
  op: (o: Omit<Operation, 'tag' | 'gvk'> & { gvk?: GroupVersionKind }) => Operation,
): Operation[] {
  return [
    op({ method: 'get', action: 'get', gvk, operationId: `read${suffix}`, description: `read ${sub} of the specified ${kindName}`, parameters: [], responses: [{ code: '200', description: 'OK', schema }] }),
    op({
      method: 'put', action: 'put', gvk, operationId: `replace${suffix}`, description: `replace ${sub} of the specified ${kindName}`,
      parameters: writeParams, body: { schema, required: true }, responses: [{ code: '200', description: 'OK', schema }, { code: '201', description: 'Created', schema }],
    }),
    op({
      method: 'patch', action: 'patch', gvk, operationId: `patch${suffix}`, description: `partially update ${sub} of the specified ${kindName}`,
      parameters: patchParams, body: { schema: patch, required: true, patch: true }, responses: [{ code: '200', description: 'OK', schema }, { code: '201', description: 'Created', schema }],
    }),
  ]
}

/** Upstream writes `create an IngressClass`, `delete a Pod`, and no article before a plural (`create Endpoints`). */
function withArticle(verb: string, kind: string): string {
  const a = article(kind)
  return a ? `${verb} ${a} ${kind}` : `${verb} ${kind}`
}

function article(kind: string): string {
  if (kind.endsWith('s') && !kind.endsWith('ss')) return ''
  return /^[AEIOUaeiou]/.test(kind) ? 'an' : 'a'
}

export const patchMediaTypes = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']
export const responseMediaTypes = ['application/json', 'application/yaml']
