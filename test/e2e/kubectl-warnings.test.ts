// Warning headers reach kubectl's stderr as upstream's do: deprecated fields
// (from the kind's strategy) and unknown fields (from field validation).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'

const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      nodeSelector: {beta.kubernetes.io/os: linux}
      containers: [{name: c, image: nginx}]
`

describe.each(kubectlVersions())('kubectl $name prints server warnings', ({ binary }) => {
  let server: ApiserverProcess
  let kubectl: Kubectl
  let dir: string

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory' })
    kubectl = kubectlFor(binary, server.url)
    dir = mkdtempSync(join(tmpdir(), 'kubeling-warnings-'))
  })
  afterAll(async () => {
    await server?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
    if (kubectl) rmSync(kubectl.home, { recursive: true, force: true })
  })

  it('for a deprecated node label in a pod template, on create and when the template changes', async () => {
    const file = join(dir, 'old.yaml')
    writeFileSync(file, deployment('old'))
    const created = await kubectl(['apply', '-f', file])
    expect(created.code).toBe(0)
    expect(created.stdout).toBe('deployment.apps/old created\n')
    expect(created.stderr).toContain('Warning: spec.template.spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use "kubernetes.io/os" instead')

    const labelled = await kubectl(['label', 'deployment', 'old', 'tier=web'])
    expect(labelled.stderr).not.toContain('Warning:')

    writeFileSync(file, deployment('old').replace('image: nginx', 'image: nginx:1.27'))
    const changed = await kubectl(['apply', '-f', file])
    expect(changed.stdout).toBe('deployment.apps/old configured\n')
    expect(changed.stderr).toContain('Warning: spec.template.spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14')
  })

  it('for unknown fields with --validate=warn', async () => {
    const file = join(dir, 'unknown.yaml')
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: "1"}\nbogus: true\n')
    const created = await kubectl(['create', '--validate=warn', '-f', file])
    expect(created.stdout).toBe('configmap/cm created\n')
    expect(created.stderr).toContain('Warning: unknown field "bogus"')
  })
})
