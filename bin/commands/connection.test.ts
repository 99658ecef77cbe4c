import { describe, expect, it } from 'vitest'
import { chooseTarget, defaultServer } from './connection.ts'

describe('chooseTarget', () => {
  const exists = (path: string) => path === '/home/me/kubeconfig'

  it('takes --server over any kubeconfig', () => {
    expect(chooseTarget({ server: 'http://127.0.0.1:9000', kubeconfig: '/k' }, { KUBECONFIG: '/home/me/kubeconfig' }, exists)).toEqual({ server: 'http://127.0.0.1:9000' })
  })

  it('takes --kubeconfig, then the first existing $KUBECONFIG file', () => {
    expect(chooseTarget({ kubeconfig: '/k', context: 'c' }, { KUBECONFIG: '/home/me/kubeconfig' }, exists)).toEqual({ kubeconfig: '/k', context: 'c' })
    expect(chooseTarget({}, { KUBECONFIG: '/missing:/home/me/kubeconfig' }, exists)).toEqual({ kubeconfig: '/home/me/kubeconfig', context: undefined })
  })

  it('falls back to the launcher\'s default address, never ~/.kube/config', () => {
    expect(chooseTarget({}, {}, () => true)).toEqual({ server: defaultServer })
    expect(chooseTarget({}, { KUBECONFIG: '/missing' }, exists)).toEqual({ server: 'http://127.0.0.1:8080' })
  })
})
