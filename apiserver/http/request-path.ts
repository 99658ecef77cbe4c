// Splits an API path into what it addresses: group, version, resource,
// namespace, name and subresource, exactly as kube-apiserver's routes do.
//   /api/v1/pods                                  list across namespaces
//   /api/v1/namespaces/ns/pods/web/status         namespaced subresource
//   /apis/apps/v1/namespaces/ns/deployments/web   named group
//   /api/v1/namespaces/ns(/status|/finalize)      the namespace object itself
//   /api/v1/watch/namespaces/ns/pods              legacy watch prefix
export interface ResourcePath {
  group: string
  version: string
  /** Plural resource name; undefined for the group-version root (discovery). */
  resource?: string
  namespace?: string
  name?: string
  subresource?: string
  /** The legacy `/watch/` prefix was used. */
  legacyWatch: boolean
}

export function parseResourcePath(pathname: string): ResourcePath | undefined {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent)
  let group: string
  let rest: string[]
  if (parts[0] === 'api' && parts.length >= 2) {
    group = ''
    rest = parts.slice(1)
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1]
    rest = parts.slice(2)
  } else {
    return undefined
  }
  const version = rest[0]
  let segs = rest.slice(1)
  let legacyWatch = false
  if (segs[0] === 'watch') {
    legacyWatch = true
    segs = segs.slice(1)
  }
  const path: ResourcePath = { group, version, legacyWatch }
  if (segs.length === 0) return path
  if (segs[0] === 'namespaces' && segs.length >= 3) {
    // /namespaces/{ns}/status and /finalize address the namespace itself.
    if (segs.length === 3 && (segs[2] === 'status' || segs[2] === 'finalize') && group === '') {
      return { ...path, resource: 'namespaces', name: segs[1], subresource: segs[2] }
    }
    path.namespace = segs[1]
    segs = segs.slice(2)
  }
  if (segs.length > 3) return undefined
  path.resource = segs[0]
  if (segs.length >= 2) path.name = segs[1]
  if (segs.length === 3) path.subresource = segs[2]
  return path
}
