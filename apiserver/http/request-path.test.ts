import { describe, expect, it } from 'vitest'
import { parseResourcePath } from './request-path.ts'

describe('parseResourcePath', () => {
  it.each([
    ['/api/v1', { group: '', version: 'v1', legacyWatch: false }],
    ['/api/v1/pods', { group: '', version: 'v1', resource: 'pods', legacyWatch: false }],
    ['/api/v1/namespaces', { group: '', version: 'v1', resource: 'namespaces', legacyWatch: false }],
    ['/api/v1/namespaces/default', { group: '', version: 'v1', resource: 'namespaces', name: 'default', legacyWatch: false }],
    ['/api/v1/namespaces/ns/status', { group: '', version: 'v1', resource: 'namespaces', name: 'ns', subresource: 'status', legacyWatch: false }],
    ['/api/v1/namespaces/ns/pods', { group: '', version: 'v1', namespace: 'ns', resource: 'pods', legacyWatch: false }],
    ['/api/v1/namespaces/ns/pods/web/binding', { group: '', version: 'v1', namespace: 'ns', resource: 'pods', name: 'web', subresource: 'binding', legacyWatch: false }],
    ['/apis/apps/v1/namespaces/ns/deployments/web/scale', { group: 'apps', version: 'v1', namespace: 'ns', resource: 'deployments', name: 'web', subresource: 'scale', legacyWatch: false }],
    ['/api/v1/watch/namespaces/ns/pods', { group: '', version: 'v1', namespace: 'ns', resource: 'pods', legacyWatch: true }],
    ['/api/v1/nodes/n1/status', { group: '', version: 'v1', resource: 'nodes', name: 'n1', subresource: 'status', legacyWatch: false }],
  ])('%s', (path, want) => {
    expect(parseResourcePath(path)).toEqual(want)
  })

  it('rejects paths that are not API paths', () => {
    expect(parseResourcePath('/healthz')).toBeUndefined()
    expect(parseResourcePath('/apis/apps')).toBeUndefined()
    expect(parseResourcePath('/api/v1/namespaces/ns/pods/a/b/c')).toBeUndefined()
  })
})
