import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadKubeconfig, parseKubeconfig } from './kubeconfig.ts'

const b64 = (s: string) => Buffer.from(s).toString('base64')

describe('kubeconfig', () => {
  const dirs: string[] = []
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }) })

  it('reads the current context with inline data fields and a token', () => {
    const config = parseKubeconfig(`
apiVersion: v1
kind: Config
current-context: b
clusters:
- name: one
  cluster: { server: https://one:6443 }
- name: two
  cluster:
    server: https://two:6443
    certificate-authority-data: ${b64('CA PEM')}
contexts:
- name: a
  context: { cluster: one, user: u1 }
- name: b
  context: { cluster: two, user: u2 }
users:
- name: u1
  user: { token: nope }
- name: u2
  user:
    token: secret
    client-certificate-data: ${b64('CERT PEM')}
    client-key-data: ${b64('KEY PEM')}
`, '/nowhere')
    expect(config).toEqual({ server: 'https://two:6443', ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM', token: 'secret' })
  })

  it('resolves file paths against the kubeconfig directory and honours insecure-skip-tls-verify and --context', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'ca.crt'), 'CA FILE')
    writeFileSync(join(dir, 'client.crt'), 'CERT FILE')
    writeFileSync(join(dir, 'client.key'), 'KEY FILE')
    writeFileSync(join(dir, 'config'), `
current-context: main
clusters:
- name: c
  cluster: { server: 'https://127.0.0.1:6443', certificate-authority: ca.crt }
- name: lax
  cluster: { server: 'https://lax:6443', insecure-skip-tls-verify: true }
contexts:
- name: main
  context: { cluster: c, user: u }
- name: other
  context: { cluster: lax }
users:
- name: u
  user: { client-certificate: client.crt, client-key: ${join(dir, 'client.key')} }
`)
    expect(loadKubeconfig(join(dir, 'config'))).toEqual({ server: 'https://127.0.0.1:6443', ca: 'CA FILE', cert: 'CERT FILE', key: 'KEY FILE' })
    expect(loadKubeconfig(join(dir, 'config'), 'other')).toEqual({ server: 'https://lax:6443', insecureSkipTLSVerify: true })
  })

  it('names what is missing', () => {
    expect(() => parseKubeconfig('clusters: []', '/')).toThrow(/no current-context/)
    expect(() => parseKubeconfig('current-context: x\ncontexts: []', '/')).toThrow(/context "x" not found/)
  })
})
