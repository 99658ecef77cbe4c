// Everyday kubectl writes (v1.32 and v1.35, or $KUBECTL): edit, run, scale,
// set and apply -f on a directory, asserting on what kubectl prints and on
// what reached the server. wait and delete --cascade: kubectl-wait-delete.test.ts.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, createNamespace, type ApiClient, type Json } from '../support/api-client.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { lines } from '../support/kubectl-output.ts'
import { deployment, pod } from '../support/manifests.ts'

const managers = (obj: Json): string[] => obj.metadata.managedFields.map((m: Json) => m.manager)
const containers = (obj: Json): Json[] => obj.spec.template.spec.containers

describe.each(kubectlVersions())('kubectl $name workflows', ({ binary }) => {
  let server: ApiserverProcess
  let api: ApiClient
  let kubectl: Kubectl
  let dir: string
  let ns: string

  // The namespace goes first: anything after `--` belongs to the container.
  const k = (...args: string[]) => kubectl.ok(['-n', ns, ...args])
  const deployments = () => `/apis/apps/v1/namespaces/${ns}/deployments`
  const pods = () => `/api/v1/namespaces/${ns}/pods`

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(server.url)
    kubectl = kubectlFor(binary, server.url)
    dir = mkdtempSync(join(tmpdir(), 'kubeling-workflows-'))
    ns = await createNamespace(api, 'workflows')
  })
  afterAll(async () => {
    await server?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
    if (kubectl) rmSync(kubectl.home, { recursive: true, force: true })
  })

  it('edit: the editor sees the object as YAML, its change is patched in and kubectl prints edited', async () => {
    await api.create(deployments(), deployment('edited', { replicas: 1 }))
    const seen = join(dir, 'seen.yaml')
    const editor = join(dir, 'editor.sh')
    writeFileSync(editor, `#!/bin/sh\ncp "$1" "${seen}"\nsed -i -e 's/replicas: 1$/replicas: 3/' -e 's/image: nginx:1.27$/image: nginx:1.28/' "$1"\n`)
    chmodSync(editor, 0o755)

    // kubectl keeps its temp files (and copies of rejected edits) in TMPDIR.
    const res = await kubectl(['edit', 'deployment', 'edited', '-n', ns], { env: { EDITOR: editor, TMPDIR: dir } })
    expect(res.stderr).toBe('')
    expect(res.stdout).toBe('deployment.apps/edited edited\n')
    const shown = readFileSync(seen, 'utf8')
    expect(shown).toMatch(/^# Please edit the object below\./)
    expect(shown).toMatch(/^kind: Deployment$/m)
    expect(shown).toMatch(/^ {2}replicas: 1$/m)

    const stored = await api.read(`${deployments()}/edited`)
    expect(stored.spec.replicas).toBe(3)
    expect(containers(stored)[0].image).toBe('nginx:1.28')
    expect(stored.metadata.generation).toBe(2)
    expect(managers(stored)).toContain('kubectl-edit')

    const unchanged = await kubectl(['edit', 'deployment', 'edited', '-n', ns], { env: { EDITOR: 'true', TMPDIR: dir } })
    expect(unchanged.code).toBe(0)
    expect(unchanged.stderr).toBe('Edit cancelled, no changes made.\n')
    expect((await api.read(`${deployments()}/edited`)).metadata.resourceVersion).toBe(stored.metadata.resourceVersion)
  })

  it('edit: an invalid change is rejected with the server\'s causes and the editor reopens with them', async () => {
    await api.create(deployments(), deployment('rejected', { replicas: 2 }))
    const seen = join(dir, 'rejected-seen.yaml')
    const editor = join(dir, 'invalid-editor.sh')
    writeFileSync(editor, `#!/bin/sh\ncat "$1" >> "${seen}"\nsed -i 's/replicas: 2$/replicas: -1/' "$1"\n`)
    chmodSync(editor, 0o755)

    const res = await kubectl(['edit', 'deployment', 'rejected', '-n', ns], { env: { EDITOR: editor, TMPDIR: dir } })
    expect(res.code).toBe(1)
    expect(res.stdout).toBe('')
    expect(res.stderr).toMatch(/^error: deployments\.apps "rejected" is invalid\nA copy of your changes has been stored to ".+\.yaml"\nerror: Edit cancelled, no valid changes were saved\.\n$/)
    // The second time round the editor shows the Status causes the server sent.
    expect(readFileSync(seen, 'utf8')).toContain('# deployments.apps "rejected" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n')
    const stored = await api.read(`${deployments()}/rejected`)
    expect(stored.spec.replicas).toBe(2)
    expect(stored.metadata.generation).toBe(1)
  })

  it('run creates a pod labelled run=<name>, with its port, env and restart policy', async () => {
    expect(await k('run', 'runner', '--image=nginx:1.27', '--port=80', '--env=MODE=fast')).toBe('pod/runner created\n')
    const stored = await api.read(`${pods()}/runner`)
    expect(stored.metadata.labels).toEqual({ run: 'runner' })
    expect(stored.spec.containers).toEqual([
      expect.objectContaining({ name: 'runner', image: 'nginx:1.27', ports: [expect.objectContaining({ containerPort: 80 })], env: [{ name: 'MODE', value: 'fast' }] }),
    ])
    expect(stored.spec.restartPolicy).toBe('Always')
    expect(managers(stored)).toEqual(['kubectl-run'])

    expect(await k('run', 'once', '--image=busybox:1.36', '--restart=Never', '--labels=app=once,tier=batch', '--', 'echo', 'hi')).toBe('pod/once created\n')
    const once = await api.read(`${pods()}/once`)
    expect(once.metadata.labels).toEqual({ app: 'once', tier: 'batch' })
    expect(once.spec.restartPolicy).toBe('Never')
    expect(once.spec.containers[0].args).toEqual(['echo', 'hi'])

    expect(await k('run', 'dry', '--image=nginx', '--dry-run=server', '-o', 'name')).toBe('pod/dry\n')
    expect((await api.get(`${pods()}/dry`)).status).toBe(404)
  })

  it('scale --replicas and --current-replicas go through the scale subresource', async () => {
    await api.create(deployments(), deployment('scaled', { replicas: 1 }))
    expect(await k('scale', 'deployment/scaled', '--replicas=3')).toBe('deployment.apps/scaled scaled\n')
    let stored = await api.read(`${deployments()}/scaled`)
    expect(stored.spec.replicas).toBe(3)
    expect(stored.metadata.generation).toBe(2)
    expect(stored.metadata.managedFields).toContainEqual(expect.objectContaining({ operation: 'Update', subresource: 'scale' }))

    expect(await k('scale', 'deploy', 'scaled', '--current-replicas=3', '--replicas=5')).toBe('deployment.apps/scaled scaled\n')
    expect((await api.read(`${deployments()}/scaled/scale`)).spec.replicas).toBe(5)

    const stale = await kubectl(['scale', 'deploy', 'scaled', '--current-replicas=3', '--replicas=6', '-n', ns])
    expect(stale.code).toBe(1)
    expect(stale.stderr).toBe('error: Expected replicas to be 3, was 5\n')
    stored = await api.read(`${deployments()}/scaled`)
    expect(stored.spec.replicas).toBe(5)

    const rs = { ...deployment('scaled-rs'), kind: 'ReplicaSet' }
    await api.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, rs)
    expect(await k('scale', 'rs', 'scaled-rs', '--replicas=0')).toBe('replicaset.apps/scaled-rs scaled\n')
    expect((await api.read(`/apis/apps/v1/namespaces/${ns}/replicasets/scaled-rs`)).spec.replicas).toBe(0)
  })

  it('set image, set env and set resources patch the pod template', async () => {
    await api.create(
      deployments(),
      deployment('configured', {
        containers: [
          { name: 'app', image: 'nginx:1.27' },
          { name: 'sidecar', image: 'busybox:1.36' },
        ],
      }),
    )
    const read = () => api.read(`${deployments()}/configured`)

    expect(await k('set', 'image', 'deployment/configured', 'app=nginx:1.28')).toBe('deployment.apps/configured image updated\n')
    expect(containers(await read()).map((c) => [c.name, c.image])).toEqual([
      ['app', 'nginx:1.28'],
      ['sidecar', 'busybox:1.36'],
    ])
    const missing = await kubectl(['set', 'image', 'deployment/configured', 'nope=nginx', '-n', ns])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe('error: unable to find container named "nope"\n')

    expect(await k('set', 'env', 'deployment/configured', '-c', 'app', 'MODE=fast', 'LEVEL=debug')).toBe('deployment.apps/configured env updated\n')
    expect(containers(await read())[0].env).toEqual([
      { name: 'MODE', value: 'fast' },
      { name: 'LEVEL', value: 'debug' },
    ])
    expect(await k('set', 'env', 'deployment/configured', '-c', 'app', '--list')).toBe('# Deployment configured, container app\nMODE=fast\nLEVEL=debug\n')
    expect(await k('set', 'env', 'deployment/configured', '-c', 'app', 'LEVEL-')).toBe('deployment.apps/configured env updated\n')
    expect(containers(await read())[0].env).toEqual([{ name: 'MODE', value: 'fast' }])

    expect(await k('set', 'resources', 'deployment', 'configured', '-c', 'sidecar', '--limits=cpu=200m,memory=512Mi', '--requests=cpu=100m')).toBe(
      'deployment.apps/configured resource requirements updated\n',
    )
    const stored = await read()
    expect(containers(stored)[1].resources).toEqual({ limits: { cpu: '200m', memory: '512Mi' }, requests: { cpu: '100m' } })
    expect(containers(stored)[0].resources).toEqual({})
    expect(stored.metadata.generation).toBe(5)
    expect(managers(stored)).toContain('kubectl-set')

    // A pod's image is one of the few fields a pod update may change.
    await api.create(pods(), pod('bare'))
    expect(await k('set', 'image', 'pod/bare', 'c=nginx:1.28')).toBe('pod/bare image updated\n')
    expect((await api.read(`${pods()}/bare`)).spec.containers[0].image).toBe('nginx:1.28')
  })

  it('apply -f dir/: a directory of single manifests and a multi-document file is created, then unchanged, then configured', async () => {
    const manifests = join(dir, 'manifests')
    mkdirSync(manifests)
    const configMapYaml = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n${data}`
    writeFileSync(join(manifests, 'config.yaml'), configMapYaml('  mode: fast\n  extra: "1"\n'))
    writeFileSync(
      join(manifests, 'service.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: app\nspec:\n  clusterIP: 10.96.0.50\n  selector:\n    app: app\n  ports:\n  - port: 80\n    targetPort: 8080\n',
    )
    const appYaml = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels:
    app: app
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      containers:
      - name: app
        image: nginx:1.27
---
apiVersion: v1
kind: Secret
metadata:
  name: app-token
type: Opaque
data:
  token: c2VjcmV0
`
    writeFileSync(join(manifests, 'app.yaml'), appYaml(1))
    const apply = async () => {
      const res = await kubectl(['apply', '-f', `${manifests}/`, '-n', ns])
      expect(res.stderr).toBe('')
      expect(res.code).toBe(0)
      return lines(res.stdout)
    }

    // Files in name order, documents in file order.
    expect(await apply()).toEqual(['deployment.apps/app created', 'secret/app-token created', 'configmap/app-config created', 'service/app created'])
    const cm = await api.read(`/api/v1/namespaces/${ns}/configmaps/app-config`)
    expect(cm.data).toEqual({ mode: 'fast', extra: '1' })
    expect(JSON.parse(cm.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'])).toMatchObject({ kind: 'ConfigMap', data: { mode: 'fast', extra: '1' } })
    expect(managers(cm)).toEqual(['kubectl-client-side-apply'])
    expect((await api.read(`${deployments()}/app`)).spec.replicas).toBe(1)

    expect(await apply()).toEqual(['deployment.apps/app unchanged', 'secret/app-token unchanged', 'configmap/app-config unchanged', 'service/app unchanged'])

    // Someone else labels the configmap; the file then changes one key, drops another, and scales the deployment.
    expect(await k('label', 'configmap', 'app-config', 'team=web')).toBe('configmap/app-config labeled\n')
    writeFileSync(join(manifests, 'config.yaml'), configMapYaml('  mode: slow\n'))
    writeFileSync(join(manifests, 'app.yaml'), appYaml(2))
    expect(await apply()).toEqual(['deployment.apps/app configured', 'secret/app-token unchanged', 'configmap/app-config configured', 'service/app unchanged'])
    const changed = await api.read(`/api/v1/namespaces/${ns}/configmaps/app-config`)
    expect(changed.data).toEqual({ mode: 'slow' })
    expect(changed.metadata.labels).toEqual({ team: 'web' })
    const app = await api.read(`${deployments()}/app`)
    expect(app.spec.replicas).toBe(2)
    expect(app.metadata.generation).toBe(2)
    expect((await api.read(`/api/v1/namespaces/${ns}/services/app`)).spec.clusterIP).toBe('10.96.0.50')
  })
})
