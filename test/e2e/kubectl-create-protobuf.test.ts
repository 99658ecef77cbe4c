// kubectl's typed `create <subcommand>` and `auth can-i` send protobuf bodies
// with no JSON fallback (contract §0.1, §13): real kubectl 1.32 and 1.35
// against the apiserver, asserting what kubectl prints and what was stored.
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, type ApiClient, type Json } from '../support/api-client.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { paths } from '../support/manifests.ts'

describe.each(kubectlVersions())('kubectl $name create <subcommand> (protobuf bodies)', ({ binary }) => {
  let server: ApiserverProcess
  let api: ApiClient
  let kubectl: Kubectl

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(server.url)
    kubectl = kubectlFor(binary, server.url)
  })
  afterAll(async () => {
    await server?.cleanup()
    if (kubectl) rmSync(kubectl.home, { recursive: true, force: true })
  })

  const managers = (obj: Json) => obj.metadata.managedFields.map((m: Json) => m.manager)

  it('create deployment', async () => {
    expect(await kubectl.ok(['create', 'deployment', 'd', '--image=nginx', '--replicas=2'])).toBe('deployment.apps/d created\n')
    const stored = await api.read(paths.deployment('default', 'd'))
    expect(stored.metadata.labels).toEqual({ app: 'd' })
    expect(stored.spec.replicas).toBe(2)
    expect(stored.spec.selector).toEqual({ matchLabels: { app: 'd' } })
    expect(stored.spec.template.metadata.labels).toEqual({ app: 'd' })
    expect(stored.spec.template.spec.containers).toEqual([expect.objectContaining({ name: 'nginx', image: 'nginx', resources: {} })])
    expect(managers(stored)).toEqual(['kubectl-create'])
  })

  it('create configmap', async () => {
    expect(await kubectl.ok(['create', 'configmap', 'cm1', '--from-literal=a=b', '--from-literal=c=d'])).toBe('configmap/cm1 created\n')
    const stored = await api.read(paths.configMap('default', 'cm1'))
    expect(stored.data).toEqual({ a: 'b', c: 'd' })
    expect(stored.binaryData).toBeUndefined()
  })

  it('create secret generic', async () => {
    expect(await kubectl.ok(['create', 'secret', 'generic', 's1', '--from-literal=user=admin'])).toBe('secret/s1 created\n')
    const stored = await api.read('/api/v1/namespaces/default/secrets/s1')
    expect(stored.data).toEqual({ user: Buffer.from('admin').toString('base64') })
    expect(stored.type).toBe('Opaque')
  })

  it('create namespace', async () => {
    expect(await kubectl.ok(['create', 'namespace', 'ns1'])).toBe('namespace/ns1 created\n')
    const stored = await api.read(paths.namespace('ns1'))
    expect(stored.metadata.name).toBe('ns1')
    expect(stored.status.phase).toBe('Active')
  })

  it('create serviceaccount', async () => {
    expect(await kubectl.ok(['create', 'serviceaccount', 'sa1'])).toBe('serviceaccount/sa1 created\n')
    const stored = await api.read('/api/v1/namespaces/default/serviceaccounts/sa1')
    expect(stored).toMatchObject({ kind: 'ServiceAccount', apiVersion: 'v1', metadata: { name: 'sa1', namespace: 'default' } })
  })

  it('create job', async () => {
    expect(await kubectl.ok(['create', 'job', 'j1', '--image=busybox', '--', 'echo', 'hello'])).toBe('job.batch/j1 created\n')
    const stored = await api.read('/apis/batch/v1/namespaces/default/jobs/j1')
    const pod = stored.spec.template.spec
    expect(pod.containers).toEqual([expect.objectContaining({ name: 'j1', image: 'busybox', command: ['echo', 'hello'] })])
    expect(pod.restartPolicy).toBe('Never')
  })

  it('create cronjob', async () => {
    expect(await kubectl.ok(['create', 'cronjob', 'cj1', '--image=busybox', '--schedule=*/1 * * * *', '--', 'echo', 'hello'])).toBe('cronjob.batch/cj1 created\n')
    const stored = await api.read('/apis/batch/v1/namespaces/default/cronjobs/cj1')
    expect(stored.spec.schedule).toBe('*/1 * * * *')
    expect(stored.spec.jobTemplate.metadata.name).toBe('cj1')
    const pod = stored.spec.jobTemplate.spec.template.spec
    expect(pod.containers).toEqual([expect.objectContaining({ name: 'cj1', image: 'busybox', command: ['echo', 'hello'] })])
    expect(pod.restartPolicy).toBe('OnFailure')
  })

  it('create service clusterip', async () => {
    expect(await kubectl.ok(['create', 'service', 'clusterip', 'svc1', '--tcp=80:8080'])).toBe('service/svc1 created\n')
    const stored = await api.read('/api/v1/namespaces/default/services/svc1')
    expect(stored.metadata.labels).toEqual({ app: 'svc1' })
    expect(stored.spec.type).toBe('ClusterIP')
    expect(stored.spec.selector).toEqual({ app: 'svc1' })
    expect(stored.spec.ports).toEqual([{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }])
  })

  it('auth can-i create pods', async () => {
    expect(await kubectl.ok(['auth', 'can-i', 'create', 'pods'])).toBe('yes\n')
  })

  it('a protobuf body the server cannot use is a 400 kubectl prints', async () => {
    const result = await kubectl(['create', 'deployment', 'bad', '--image=nginx', '--replicas=-1'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('spec.replicas: Invalid value: -1: must be greater than or equal to 0')
  })
})
