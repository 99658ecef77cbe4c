// The real kubectl (v1.32 and v1.35) against the apiserver: what it prints
// and what it leaves on the server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, createNamespace, type ApiClient, type Json } from '../support/api-client.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { kubectlSession } from '../support/kubectl-session.ts'
import { configMap, paths, pod } from '../support/manifests.ts'

const configMapYaml = (name: string, data: Record<string, string>) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels:\n    app: web\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"\n`)
    .join('')}`

const deploymentYaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
`

const podYaml = `apiVersion: v1
kind: Pod
metadata:
  name: pod-1
  labels:
    app: pod-1
spec:
  containers:
  - name: a
    image: nginx:1.27
  - name: b
    image: busybox:1.36
    command: ["sleep", "3600"]
`

const lines = (text: string) => text.split('\n').filter((l) => l !== '')

/** kubectl's server object as -o json/yaml shows it: managedFields are hidden by default. */
function withoutManagedFields(obj: Json): Json {
  const copy = structuredClone(obj)
  delete copy.metadata.managedFields
  return copy
}

describe.each(kubectlVersions())('kubectl $name against a random port', ({ binary }) => {
  const session = kubectlSession(binary)
  const { manifest } = session
  let api: ApiClient
  let kubectl: Kubectl
  beforeAll(() => void ({ api, kubectl } = session))

  it('create -f a configmap; a second create reports AlreadyExists', async () => {
    const file = manifest('cfg.yaml', configMapYaml('cfg', { greeting: 'hello' }))
    expect(await kubectl.ok(['create', '-f', file])).toBe('configmap/cfg created\n')
    const stored = await api.read(paths.configMap('default', 'cfg'))
    expect(stored.data).toEqual({ greeting: 'hello' })
    expect(stored.metadata.labels).toEqual({ app: 'web' })
    expect(stored.metadata.managedFields.map((m: Json) => m.manager)).toEqual(['kubectl-create'])

    const again = await kubectl(['create', '-f', file])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(`Error from server (AlreadyExists): error when creating "${file}": configmaps "cfg" already exists`)
  })

  it('create -f a deployment', async () => {
    const file = manifest('deploy.yaml', deploymentYaml)
    expect(await kubectl.ok(['create', '-f', file])).toBe('deployment.apps/web created\n')
    const stored = await api.read(paths.deployment('default', 'web'))
    expect(stored.spec.replicas).toBe(2)
    expect(stored.spec.template.spec.containers).toEqual([expect.objectContaining({ name: 'nginx', image: 'nginx:1.27', ports: [expect.objectContaining({ containerPort: 80 })] })])
    expect(stored.metadata.generation).toBe(1)
  })

  it('create -f a pod', async () => {
    const file = manifest('pod.yaml', podYaml)
    expect(await kubectl.ok(['create', '-f', file])).toBe('pod/pod-1 created\n')
    const stored = await api.read(paths.pod('default', 'pod-1'))
    expect(stored.spec.containers.map((c: Json) => [c.name, c.image])).toEqual([
      ['a', 'nginx:1.27'],
      ['b', 'busybox:1.36'],
    ])
  })

  it('get -o json, -o yaml and -o name', async () => {
    await api.create(paths.configMaps('default'), configMap('shown', { k: 'v' }, { labels: { show: 'yes' } }))
    const stored = await api.read(paths.configMap('default', 'shown'))

    const asJson = JSON.parse(await kubectl.ok(['get', 'configmap', 'shown', '-o', 'json']))
    expect(asJson).toEqual(withoutManagedFields(stored))
    const asYaml = parseYaml(await kubectl.ok(['get', 'cm', 'shown', '-o', 'yaml']))
    expect(asYaml).toEqual(withoutManagedFields(stored))

    const listJson = JSON.parse(await kubectl.ok(['get', 'cm', '-l', 'show=yes', '-o', 'json']))
    expect(listJson).toMatchObject({ apiVersion: 'v1', kind: 'List' })
    expect(listJson.items.map((i: Json) => [i.kind, i.metadata.name, i.metadata.uid])).toEqual([['ConfigMap', 'shown', stored.metadata.uid]])

    expect(await kubectl.ok(['get', 'configmaps', 'shown', '-o', 'name'])).toBe('configmap/shown\n')
    expect(lines(await kubectl.ok(['get', 'cm', '-o', 'name']))).toContain('configmap/shown')
  })

  it('get -o name names deployments with their group', async () => {
    await api.create(paths.deployments('default'), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'named' },
      spec: { selector: { matchLabels: { app: 'named' } }, template: { metadata: { labels: { app: 'named' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    })
    expect(await kubectl.ok(['get', 'deploy', 'named', '-o', 'name'])).toBe('deployment.apps/named\n')
  })

  it('get -l with equality, set and existence selectors', async () => {
    const ns = await createNamespace(api, 'labels')
    await api.create(paths.configMaps(ns), configMap('a', {}, { labels: { app: 'web', tier: 'fe' } }))
    await api.create(paths.configMaps(ns), configMap('b', {}, { labels: { app: 'web' } }))
    await api.create(paths.configMaps(ns), configMap('c', {}, { labels: { app: 'db', tier: 'be' } }))
    const get = async (selector: string) => lines(await kubectl.ok(['get', 'cm', '-n', ns, '-l', selector, '-o', 'name']))
    expect(await get('app=web')).toEqual(['configmap/a', 'configmap/b'])
    expect(await get('app!=web')).toEqual(['configmap/c'])
    expect(await get('tier in (fe,be)')).toEqual(['configmap/a', 'configmap/c'])
    expect(await get('app=web,!tier')).toEqual(['configmap/b'])
    const none = await kubectl(['get', 'cm', '-n', ns, '-l', 'app=nothing'])
    expect(none.code).toBe(0)
    expect(none.stdout).toBe('')
    expect(none.stderr).toContain(`No resources found in ${ns} namespace.`)
  })

  it('get --field-selector on configmaps', async () => {
    const ns = await createNamespace(api, 'fields')
    await api.create(paths.configMaps(ns), configMap('a'))
    await api.create(paths.configMaps(ns), configMap('b'))
    expect(await kubectl.ok(['get', 'cm', '-n', ns, '--field-selector', 'metadata.name=b', '-o', 'name'])).toBe('configmap/b\n')
    expect(await kubectl.ok(['get', 'cm', '-n', ns, '--field-selector', 'metadata.name!=b', '-o', 'name'])).toBe('configmap/a\n')
    const bad = await kubectl(['get', 'cm', '-n', ns, '--field-selector', 'spec.nope=x'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain(
      `Error from server (BadRequest): Unable to find "/v1, Resource=configmaps" that match label selector "", field selector "spec.nope=x": field label not supported: spec.nope`,
    )
  })

  it('get --field-selector spec.nodeName on pods', async () => {
    const ns = await createNamespace(api, 'podfields')
    await api.create(paths.pods(ns), pod('bound'))
    await api.create(paths.pods(ns), pod('waiting'))
    const bind = await api.post(`${paths.pod(ns, 'bound')}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { kind: 'Node', name: 'node-1' } })
    expect(bind.status).toBe(201)
    expect(await kubectl.ok(['get', 'pods', '-n', ns, '--field-selector', 'spec.nodeName=node-1', '-o', 'name'])).toBe('pod/bound\n')
    expect(await kubectl.ok(['get', 'pods', '-n', ns, '--field-selector', 'spec.nodeName=', '-o', 'name'])).toBe('pod/waiting\n')
  })

  it('get -A lists every namespace', async () => {
    const ns1 = await createNamespace(api, 'all-a')
    const ns2 = await createNamespace(api, 'all-b')
    await api.create(paths.configMaps(ns1), configMap('first'))
    await api.create(paths.configMaps(ns2), configMap('second'))
    const out = await kubectl.ok(['get', 'cm', '-A'])
    expect(lines(out)[0]).toMatch(/^NAMESPACE\s+NAME\s/)
    expect(out).toMatch(new RegExp(`^${ns1}\\s+first\\s`, 'm'))
    expect(out).toMatch(new RegExp(`^${ns2}\\s+second\\s`, 'm'))
    const asJson = JSON.parse(await kubectl.ok(['get', 'configmaps', '--all-namespaces', '-o', 'json']))
    const found = asJson.items.map((i: Json) => `${i.metadata.namespace}/${i.metadata.name}`)
    expect(found).toEqual(expect.arrayContaining([`${ns1}/first`, `${ns2}/second`]))
  })

  it('get --chunk-size=2 pages through 5 objects', async () => {
    const ns = await createNamespace(api, 'chunks')
    const all = ['c1', 'c2', 'c3', 'c4', 'c5']
    for (const name of all) await api.create(paths.configMaps(ns), configMap(name))
    const res = await kubectl(['get', 'cm', '-n', ns, '--chunk-size=2', '-o', 'name', '-v=6'])
    expect(res.code, res.stderr).toBe(0)
    expect(lines(res.stdout)).toEqual(all.map((n) => `configmap/${n}`))
    // Three list requests: the first with limit=2, then two with a continue token.
    const listCalls = res.stderr.match(new RegExp(`/api/v1/namespaces/${ns}/configmaps\\?[^ "]*limit=2`, 'g')) ?? []
    expect(listCalls).toHaveLength(3)
    expect(listCalls.filter((c) => c.includes('continue=')).length).toBe(2)

    const table = lines(await kubectl.ok(['get', 'cm', '-n', ns, '--chunk-size=2']))
    expect(table[0]).toMatch(/^NAME\s/)
    expect(table.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(all)
  })

  it('label and annotate', async () => {
    await api.create(paths.configMaps('default'), configMap('marked', { a: '1' }, { labels: { app: 'web' } }))
    expect(await kubectl.ok(['label', 'cm', 'marked', 'tier=fe'])).toBe('configmap/marked labeled\n')
    expect((await api.read(paths.configMap('default', 'marked'))).metadata.labels).toEqual({ app: 'web', tier: 'fe' })
    expect(await kubectl.ok(['label', 'cm', 'marked', 'app=api', '--overwrite'])).toBe('configmap/marked labeled\n')
    expect(await kubectl.ok(['label', 'cm', 'marked', 'tier-'])).toBe('configmap/marked unlabeled\n')
    expect((await api.read(paths.configMap('default', 'marked'))).metadata.labels).toEqual({ app: 'api' })

    expect(await kubectl.ok(['annotate', 'cm', 'marked', 'note=hello world'])).toBe('configmap/marked annotated\n')
    const annotated = await api.read(paths.configMap('default', 'marked'))
    expect(annotated.metadata.annotations).toEqual({ note: 'hello world' })
    expect(annotated.data).toEqual({ a: '1' })
  })

  it('patch: strategic merge by default keeps the other containers', async () => {
    await api.create(paths.pods('default'), pod('two', { containers: [{ name: 'a', image: 'nginx:1.27' }, { name: 'b', image: 'busybox:1.36' }] }))
    expect(await kubectl.ok(['patch', 'pod', 'two', '-p', '{"spec":{"containers":[{"name":"b","image":"busybox:1.37"}]}}'])).toBe('pod/two patched\n')
    const stored = await api.read(paths.pod('default', 'two'))
    expect(stored.spec.containers.map((c: Json) => [c.name, c.image])).toEqual([
      ['a', 'nginx:1.27'],
      ['b', 'busybox:1.37'],
    ])
  })

  it('patch --type=merge, and a repeat reports no change', async () => {
    await api.create(paths.configMaps('default'), configMap('merged', { keep: '1', old: 'x' }))
    const patch = '{"data":{"new":"2","old":null}}'
    expect(await kubectl.ok(['patch', 'cm', 'merged', '--type=merge', '-p', patch])).toBe('configmap/merged patched\n')
    const stored = await api.read(paths.configMap('default', 'merged'))
    expect(stored.data).toEqual({ keep: '1', new: '2' })
    expect(await kubectl.ok(['patch', 'cm', 'merged', '--type=merge', '-p', patch])).toBe('configmap/merged patched (no change)\n')
    expect((await api.read(paths.configMap('default', 'merged'))).metadata.resourceVersion).toBe(stored.metadata.resourceVersion)
  })

  it('patch --type=json', async () => {
    await api.create(paths.configMaps('default'), configMap('jsonp', { a: '1', b: '2' }))
    expect(await kubectl.ok(['patch', 'cm', 'jsonp', '--type=json', '-p', '[{"op":"remove","path":"/data/a"},{"op":"add","path":"/data/c","value":"3"}]'])).toBe(
      'configmap/jsonp patched\n',
    )
    expect((await api.read(paths.configMap('default', 'jsonp'))).data).toEqual({ b: '2', c: '3' })

    await api.create(paths.deployments('default'), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'jsonp' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'jsonp' } }, template: { metadata: { labels: { app: 'jsonp' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    })
    expect(await kubectl.ok(['patch', 'deployment', 'jsonp', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":3}]'])).toBe('deployment.apps/jsonp patched\n')
    const stored = await api.read(paths.deployment('default', 'jsonp'))
    expect(stored.spec.replicas).toBe(3)
    expect(stored.metadata.generation).toBe(2)
  })

  it('replace -f with a changed field', async () => {
    const created = await api.create(paths.configMaps('default'), configMap('swapped', { v: 'one' }))
    const file = manifest('swapped.yaml', configMapYaml('swapped', { v: 'two', extra: 'yes' }))
    expect(await kubectl.ok(['replace', '-f', file])).toBe('configmap/swapped replaced\n')
    const stored = await api.read(paths.configMap('default', 'swapped'))
    expect(stored.data).toEqual({ v: 'two', extra: 'yes' })
    expect(stored.metadata.labels).toEqual({ app: 'web' })
    expect(stored.metadata.uid).toBe(created.metadata.uid)
    expect(Number(stored.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion))
  })

  it('delete a configmap and an unbound pod', async () => {
    await api.create(paths.configMaps('default'), configMap('doomed'))
    expect(await kubectl.ok(['delete', 'cm', 'doomed'])).toMatch(/^configmap "doomed" deleted( from default namespace)?\n$/)
    expect((await api.get(paths.configMap('default', 'doomed'))).status).toBe(404)

    await api.create(paths.pods('default'), pod('doomed-pod'))
    expect(await kubectl.ok(['delete', 'pod', 'doomed-pod'])).toMatch(/^pod "doomed-pod" deleted( from default namespace)?\n$/)
    expect((await api.get(paths.pod('default', 'doomed-pod'))).status).toBe(404)

    const missing = await kubectl(['delete', 'cm', 'never-was'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('Error from server (NotFound): configmaps "never-was" not found')
  })

  it('delete --all', async () => {
    const ns = await createNamespace(api, 'wipe')
    for (const name of ['x1', 'x2', 'x3']) await api.create(paths.configMaps(ns), configMap(name))
    const out = await kubectl.ok(['delete', 'cm', '--all', '-n', ns])
    expect(lines(out)).toEqual(['x1', 'x2', 'x3'].map((n) => expect.stringMatching(new RegExp(`^configmap "${n}" deleted( from ${ns} namespace)?$`))))
    expect((await api.read(paths.configMaps(ns))).items).toEqual([])
    expect((await api.read(paths.configMaps('default'))).items.length).toBeGreaterThan(0)
  })
})

/** True if nothing listens on the port at this address (or the address does not exist here). */
function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT'))
    probe.listen(port, host, () => probe.close(() => resolve(true)))
  })
}

describe('kubectl v1.32 with no kubeconfig against the default port 8080', () => {
  let server: ApiserverProcess | undefined
  let kubectl: Kubectl | undefined
  let dir: string | undefined

  beforeAll(async () => {
    for (const host of ['127.0.0.1', '::1']) {
      if (!(await portIsFree(8080, host))) {
        throw new Error(`port 8080 is already in use on ${host}: this test starts the apiserver on kubectl's default port 8080 and needs it free`)
      }
    }
    server = await startApiserverProcess({ storage: 'memory', port: 8080 })
    kubectl = kubectlFor('kubectl', undefined)
    dir = mkdtempSync(join(tmpdir(), 'kubeling-manifests-'))
  })
  afterAll(async () => {
    await server?.cleanup()
    if (kubectl) rmSync(kubectl.home, { recursive: true, force: true })
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('kubectl get ns lists the four built-in namespaces', async () => {
    expect(kubectl!.kubeconfig).toBeUndefined()
    const table = lines(await kubectl!.ok(['get', 'ns']))
    expect(table[0]).toMatch(/^NAME\s/)
    expect(table.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system'])
    expect(lines(await kubectl!.ok(['get', 'namespaces', '-o', 'name']))).toEqual(['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system'])
  })

  it('create -f, get and delete work without a kubeconfig', async () => {
    const file = join(dir!, 'cm.yaml')
    writeFileSync(file, configMapYaml('no-config', { a: '1' }))
    expect(await kubectl!.ok(['create', '-f', file])).toBe('configmap/no-config created\n')
    const api = apiClient(server!.url)
    expect((await api.read(paths.configMap('default', 'no-config'))).data).toEqual({ a: '1' })
    expect(await kubectl!.ok(['get', 'cm', 'no-config', '-o', 'name'])).toBe('configmap/no-config\n')
    expect(await kubectl!.ok(['delete', '-f', file])).toBe('configmap "no-config" deleted\n')
    expect((await api.get(paths.configMap('default', 'no-config'))).status).toBe(404)
  })
})
