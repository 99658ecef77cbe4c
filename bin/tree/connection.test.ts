import { describe, expect, it } from 'vitest'
import { contextNamespace, resolveConnection } from './connection.ts'

const config = `
current-context: dev
contexts:
- name: dev
  context: { cluster: c, user: u, namespace: team-a }
- name: prod
  context: { cluster: c, user: u }
`

function env(files: Record<string, string>, KUBECONFIG?: string) {
  return { home: '/home/me', KUBECONFIG, exists: (p: string) => p in files, read: (p: string) => files[p] }
}

describe('resolveConnection', () => {
  it('falls back to localhost:8080 and default with no kubeconfig, as kubectl does', () => {
    expect(resolveConnection({}, env({}))).toEqual({ server: 'http://localhost:8080', namespace: 'default', context: undefined })
  })

  it('takes ~/.kube/config and its current context namespace', () => {
    expect(resolveConnection({}, env({ '/home/me/.kube/config': config }))).toEqual({
      server: undefined, kubeconfig: '/home/me/.kube/config', context: undefined, namespace: 'team-a',
    })
  })

  it('prefers the first existing $KUBECONFIG file over ~/.kube/config', () => {
    const c = resolveConnection({}, env({ '/b': config, '/home/me/.kube/config': '' }, '/a:/b'))
    expect(c.kubeconfig).toBe('/b')
  })

  it('lets flags win: --server, --kubeconfig, --context, -n', () => {
    const files = { '/k': config }
    expect(resolveConnection({ kubeconfig: '/k', context: 'prod' }, env(files)).namespace).toBe('default')
    expect(resolveConnection({ kubeconfig: '/k', namespace: 'x', server: 'http://s:1' }, env(files))).toEqual({
      server: 'http://s:1', kubeconfig: '/k', context: undefined, namespace: 'x',
    })
  })
})

describe('contextNamespace', () => {
  it('is undefined for an empty file or a context without a namespace', () => {
    expect(contextNamespace('')).toBeUndefined()
    expect(contextNamespace(config, 'prod')).toBeUndefined()
    expect(contextNamespace(config, 'missing')).toBeUndefined()
  })
})
