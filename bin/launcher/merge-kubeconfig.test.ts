import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { testTempDir } from '../../test/support/global-temp-dir.ts'
import { mergeKubeconfig } from './merge-kubeconfig.ts'

describe('mergeKubeconfig', () => {
  it('adds the kubeling context and makes it current, keeping the others', () => {
    const path = join(testTempDir('kubeling-kc-'), 'config')
    writeFileSync(path, 'apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster: {server: "https://prod:6443"}\ncontexts:\n- name: prod\n  context: {cluster: prod, user: admin}\nusers:\n- name: admin\n  user: {token: secret}\ncurrent-context: prod\n')
    mergeKubeconfig(path, 'http://127.0.0.1:8080')
    mergeKubeconfig(path, 'http://127.0.0.1:9090')
    const config = parse(readFileSync(path, 'utf8'))
    expect(config['current-context']).toBe('kubeling')
    expect(config.clusters).toEqual([{ name: 'prod', cluster: { server: 'https://prod:6443' } }, { name: 'kubeling', cluster: { server: 'http://127.0.0.1:9090' } }])
    expect(config.users.map((u: { name: string }) => u.name)).toEqual(['admin', 'kubeling'])
    expect(config.users[0].user.token).toBe('secret')
    expect(config.contexts.map((c: { name: string }) => c.name)).toEqual(['prod', 'kubeling'])
  })

  it('creates the file when there is none', () => {
    const path = join(testTempDir('kubeling-kc-'), '.kube', 'config')
    mergeKubeconfig(path, 'http://127.0.0.1:8080')
    expect(parse(readFileSync(path, 'utf8')).contexts).toEqual([{ name: 'kubeling', context: { cluster: 'kubeling', user: 'kubeling' } }])
  })
})
