// The REST API as curl sees it: verbs, subresources, selectors, paging and
// the exact Status bodies upstream kube-apiserver answers with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, createNamespace, jsonPatch, merge, strategic, uniqueName, type ApiClient, type ApiResponse, type Json } from '../support/api-client.ts'
import { configMap, deployment, paths, pod } from '../support/manifests.ts'
import { waitFor } from '../support/wait-for.ts'

let server: ApiserverProcess
let api: ApiClient

beforeAll(async () => {
  server = await startApiserverProcess({ storage: 'memory' })
  api = apiClient(server.url)
})

afterAll(async () => {
  await server?.cleanup()
})

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/
const rfc1123Message =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

/** The whole Status body and the HTTP code, as upstream sends them. */
function expectStatus(res: ApiResponse, code: number, reason: string, message: string, details?: Json) {
  expect({ httpCode: res.status, body: res.body }).toEqual({ httpCode: code, body: statusBody(code, reason, message, details) })
}

function statusBody(code: number, reason: string, message: string, details?: Json): Json {
  const expected: Json = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }
  if (details !== undefined) expected.details = details
  return expected
}

function rv(obj: Json): number {
  const value = obj?.metadata?.resourceVersion
  expect(value, `resourceVersion of ${JSON.stringify(obj?.metadata)}`).toMatch(/^[1-9]\d*$/)
  return Number(value)
}

function names(list: Json): string[] {
  return (list.items as Json[]).map((i) => i.metadata.name).sort()
}

function expectSystemMetadata(obj: Json, ns: string | undefined, name: string) {
  expect(obj.metadata.name).toBe(name)
  expect(obj.metadata.namespace).toBe(ns)
  expect(obj.metadata.uid).toMatch(uuid)
  expect(obj.metadata.creationTimestamp).toMatch(rfc3339)
  rv(obj)
}

describe('configmaps: create, get, list, update, patch, delete', () => {
  it('runs the whole life cycle', async () => {
    const ns = await createNamespace(api)
    const res = await api.post(paths.configMaps(ns), configMap('cfg', { a: '1' }, { labels: { app: 'web' } }))
    expect(res.status).toBe(201)
    const created = res.body
    expect(created).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' }, metadata: { labels: { app: 'web' } } })
    expectSystemMetadata(created, ns, 'cfg')

    const got = await api.read(paths.configMap(ns, 'cfg'))
    expect(got).toEqual(created)

    const list = await api.read(paths.configMaps(ns))
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMapList' })
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(rv(created))
    expect(list.items).toHaveLength(1)
    expect(list.items[0].metadata.uid).toBe(created.metadata.uid)
    expect(list.items[0].data).toEqual({ a: '1' })

    const putRes = await api.put(paths.configMap(ns, 'cfg'), { ...got, data: { a: '2', b: '2' } })
    expect(putRes.status).toBe(200)
    expect(putRes.body.data).toEqual({ a: '2', b: '2' })
    expect(putRes.body.metadata.uid).toBe(created.metadata.uid)
    expect(putRes.body.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp)
    expect(rv(putRes.body)).toBeGreaterThan(rv(created))

    const sm = await api.patch(paths.configMap(ns, 'cfg'), strategic, { data: { c: '3' } })
    expect(sm.status).toBe(200)
    expect(sm.body.data).toEqual({ a: '2', b: '2', c: '3' })
    expect(rv(sm.body)).toBeGreaterThan(rv(putRes.body))

    const mp = await api.patch(paths.configMap(ns, 'cfg'), merge, { data: { a: null, d: '4' } })
    expect(mp.status).toBe(200)
    expect(mp.body.data).toEqual({ b: '2', c: '3', d: '4' })

    const jp = await api.patch(paths.configMap(ns, 'cfg'), jsonPatch, [
      { op: 'replace', path: '/data/b', value: 'two' },
      { op: 'remove', path: '/data/c' },
      { op: 'add', path: '/metadata/labels/tier', value: 'fe' },
    ])
    expect(jp.status).toBe(200)
    expect(jp.body.data).toEqual({ b: 'two', d: '4' })
    expect(jp.body.metadata.labels).toEqual({ app: 'web', tier: 'fe' })
    expect(await api.read(paths.configMap(ns, 'cfg'))).toEqual(jp.body)

    const del = await api.delete(paths.configMap(ns, 'cfg'))
    expect(del.status).toBe(200)
    // Upstream answers an immediate configmap delete with a Success Status, not the object.
    expect(del.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'cfg', kind: 'configmaps', uid: created.metadata.uid } })
    expectStatus(await api.get(paths.configMap(ns, 'cfg')), 404, 'NotFound', 'configmaps "cfg" not found', { name: 'cfg', kind: 'configmaps' })
    expect((await api.read(paths.configMaps(ns))).items).toEqual([])
  })

  it('accepts a YAML body', async () => {
    const ns = await createNamespace(api)
    const res = await api.post(paths.configMaps(ns), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  key: "value"\n  n: "1"\n', {
      contentType: 'application/yaml',
    })
    expect(res.status).toBe(201)
    expect(res.body.data).toEqual({ key: 'value', n: '1' })
    expect((await api.read(paths.configMap(ns, 'from-yaml'))).metadata.uid).toBe(res.body.metadata.uid)
  })

  it('gives a generateName object the prefix plus 5 random characters', async () => {
    const ns = await createNamespace(api)
    const a = await api.create(paths.configMaps(ns), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } })
    const b = await api.create(paths.configMaps(ns), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } })
    for (const obj of [a, b]) {
      expect(obj.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/)
      expect(obj.metadata.generateName).toBe('gen-')
    }
    expect(a.metadata.name).not.toBe(b.metadata.name)
    expect(names(await api.read(paths.configMaps(ns)))).toEqual([a.metadata.name, b.metadata.name].sort())
  })
})

describe('pods: create, get, list, update, patch, delete', () => {
  it('runs the whole life cycle', async () => {
    const ns = await createNamespace(api)
    const manifest = pod('web-1', {
      labels: { app: 'web' },
      containers: [
        { name: 'a', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
        { name: 'b', image: 'busybox:1.36', command: ['sleep', '3600'] },
      ],
    })
    const res = await api.post(paths.pods(ns), manifest)
    expect(res.status).toBe(201)
    const created = res.body
    expectSystemMetadata(created, ns, 'web-1')
    expect(created).toMatchObject({ apiVersion: 'v1', kind: 'Pod' })
    expect.soft(created.status, 'pods start Pending').toMatchObject({ phase: 'Pending' })
    expect(created.spec.containers.map((c: Json) => c.name)).toEqual(['a', 'b'])

    expect(await api.read(paths.pod(ns, 'web-1'))).toEqual(created)
    const list = await api.read(paths.pods(ns))
    expect(list.kind).toBe('PodList')
    expect(list.items.map((p: Json) => p.metadata.uid)).toEqual([created.metadata.uid])

    // PUT: labels and the mutable container image.
    const next = structuredClone(created)
    next.metadata.labels.version = 'v2'
    next.spec.containers[0].image = 'nginx:1.28'
    const put = await api.put(paths.pod(ns, 'web-1'), next)
    expect(put.status).toBe(200)
    expect(put.body.metadata.labels).toEqual({ app: 'web', version: 'v2' })
    expect(put.body.spec.containers[0].image).toBe('nginx:1.28')
    expect(rv(put.body)).toBeGreaterThan(rv(created))

    // Strategic merge: containers merge by name, so only b changes.
    const sm = await api.patch(paths.pod(ns, 'web-1'), strategic, { spec: { containers: [{ name: 'b', image: 'busybox:1.37' }] } })
    expect(sm.status).toBe(200)
    expect(sm.body.spec.containers.map((c: Json) => [c.name, c.image])).toEqual([
      ['a', 'nginx:1.28'],
      ['b', 'busybox:1.37'],
    ])
    expect(sm.body.spec.containers[0].ports).toEqual([expect.objectContaining({ containerPort: 80 })])
    expect(sm.body.spec.containers[1].command).toEqual(['sleep', '3600'])

    const mp = await api.patch(paths.pod(ns, 'web-1'), merge, { metadata: { labels: { version: null, tier: 'fe' } } })
    expect(mp.status).toBe(200)
    expect(mp.body.metadata.labels).toEqual({ app: 'web', tier: 'fe' })

    const jp = await api.patch(paths.pod(ns, 'web-1'), jsonPatch, [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.29' }])
    expect(jp.status).toBe(200)
    expect(jp.body.spec.containers.map((c: Json) => c.image)).toEqual(['nginx:1.29', 'busybox:1.37'])

    // Not bound to a node: deleted at once.
    const del = await api.delete(paths.pod(ns, 'web-1'))
    expect(del.status).toBe(200)
    expectStatus(await api.get(paths.pod(ns, 'web-1')), 404, 'NotFound', 'pods "web-1" not found', { name: 'web-1', kind: 'pods' })
  })
})

describe('deployments: create, get, list, update, patch, delete', () => {
  it('runs the whole life cycle', async () => {
    const ns = await createNamespace(api)
    const manifest = deployment('web', {
      replicas: 2,
      containers: [
        { name: 'a', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
        { name: 'b', image: 'busybox:1.36' },
      ],
    })
    const res = await api.post(paths.deployments(ns), manifest)
    expect(res.status, res.text).toBe(201)
    const created = res.body
    expectSystemMetadata(created, ns, 'web')
    expect(created).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { generation: 1 }, spec: { replicas: 2 } })
    // Upstream serializes the empty DeploymentStatus struct as {}.
    expect.soft(created.status, 'a new deployment has an empty status').toEqual({})

    expect(await api.read(paths.deployment(ns, 'web'))).toEqual(created)
    const list = await api.read(paths.deployments(ns))
    expect(list).toMatchObject({ apiVersion: 'apps/v1', kind: 'DeploymentList' })
    expect(list.items.map((d: Json) => d.metadata.uid)).toEqual([created.metadata.uid])

    const next = structuredClone(created)
    next.spec.replicas = 4
    const put = await api.put(paths.deployment(ns, 'web'), next)
    expect(put.status).toBe(200)
    expect(put.body.spec.replicas).toBe(4)
    expect(put.body.metadata.generation).toBe(2)

    // Strategic merge keeps container a and merges b by name.
    const sm = await api.patch(paths.deployment(ns, 'web'), strategic, { spec: { template: { spec: { containers: [{ name: 'b', image: 'busybox:1.37' }] } } } })
    expect(sm.status).toBe(200)
    expect(sm.body.spec.template.spec.containers.map((c: Json) => [c.name, c.image])).toEqual([
      ['a', 'nginx:1.27'],
      ['b', 'busybox:1.37'],
    ])
    expect(sm.body.metadata.generation).toBe(3)

    // A JSON merge patch replaces the list wholesale.
    const mp = await api.patch(paths.deployment(ns, 'web'), merge, { spec: { replicas: 1, template: { spec: { containers: [{ name: 'b', image: 'busybox:1.38' }] } } } })
    expect(mp.status).toBe(200)
    expect(mp.body.spec.replicas).toBe(1)
    expect(mp.body.spec.template.spec.containers.map((c: Json) => [c.name, c.image])).toEqual([['b', 'busybox:1.38']])

    const jp = await api.patch(paths.deployment(ns, 'web'), jsonPatch, [
      { op: 'test', path: '/spec/replicas', value: 1 },
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'add', path: '/metadata/annotations', value: { note: 'json-patched' } },
    ])
    expect(jp.status).toBe(200)
    expect(jp.body.spec.replicas).toBe(5)
    expect(jp.body.metadata.annotations).toEqual({ note: 'json-patched' })
    expect(await api.read(paths.deployment(ns, 'web'))).toEqual(jp.body)

    const del = await api.delete(paths.deployment(ns, 'web'))
    expect(del.status).toBe(200)
    await waitFor('the deployment to be gone', async () => ((await api.get(paths.deployment(ns, 'web'))).status === 404 ? true : undefined))
    expectStatus(await api.get(paths.deployment(ns, 'web')), 404, 'NotFound', 'deployments.apps "web" not found', { name: 'web', group: 'apps', kind: 'deployments' })
  })
})

describe('Status errors', () => {
  it('rejects an invalid name with 422 Invalid and field causes', async () => {
    const ns = await createNamespace(api)
    const cause = { reason: 'FieldValueInvalid', message: `Invalid value: "Bad_Name": ${rfc1123Message}`, field: 'metadata.name' }
    expectStatus(
      await api.post(paths.configMaps(ns), configMap('Bad_Name')),
      422,
      'Invalid',
      `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${rfc1123Message}`,
      { name: 'Bad_Name', kind: 'ConfigMap', causes: [cause] },
    )
    expectStatus(
      await api.post(paths.deployments(ns), deployment('Bad_Name')),
      422,
      'Invalid',
      `Deployment.apps "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${rfc1123Message}`,
      { name: 'Bad_Name', group: 'apps', kind: 'Deployment', causes: [cause] },
    )
    expect((await api.read(paths.configMaps(ns))).items).toEqual([])
  })

  it('rejects a duplicate create with 409 AlreadyExists', async () => {
    const ns = await createNamespace(api)
    await api.create(paths.configMaps(ns), configMap('x', { a: '1' }))
    expectStatus(await api.post(paths.configMaps(ns), configMap('x', { a: '2' })), 409, 'AlreadyExists', 'configmaps "x" already exists', { name: 'x', kind: 'configmaps' })
    expect((await api.read(paths.configMap(ns, 'x'))).data).toEqual({ a: '1' })

    await api.create(paths.deployments(ns), deployment('web'))
    expectStatus(await api.post(paths.deployments(ns), deployment('web')), 409, 'AlreadyExists', 'deployments.apps "web" already exists', {
      name: 'web',
      group: 'apps',
      kind: 'deployments',
    })
  })

  it('rejects an update with a stale resourceVersion with 409 Conflict', async () => {
    const ns = await createNamespace(api)
    const first = await api.create(paths.configMaps(ns), configMap('x', { n: '1' }))
    const second = await api.put(paths.configMap(ns, 'x'), { ...first, data: { n: '2' } })
    expect(second.status).toBe(200)
    expectStatus(
      await api.put(paths.configMap(ns, 'x'), { ...first, data: { n: 'stale' } }),
      409,
      'Conflict',
      'Operation cannot be fulfilled on configmaps "x": the object has been modified; please apply your changes to the latest version and try again',
      { name: 'x', kind: 'configmaps' },
    )
    expect((await api.read(paths.configMap(ns, 'x'))).data).toEqual({ n: '2' })
  })

  it('answers malformed JSON and YAML with 400 BadRequest', async () => {
    const ns = await createNamespace(api)
    for (const [contentType, body] of [
      ['application/json', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"'],
      ['application/yaml', 'metadata:\n  name: [x\n data: {'],
    ]) {
      const res = await api.post(paths.configMaps(ns), body, { contentType })
      expect(res.status, `${contentType}: ${res.text}`).toBe(400)
      expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'BadRequest', code: 400 })
      expect(res.body.message).toEqual(expect.any(String))
      expect(res.body.message.length).toBeGreaterThan(0)
    }
    expect((await api.read(paths.configMaps(ns))).items).toEqual([])
  })

  it('answers an unknown resource path with 404 NotFound', async () => {
    for (const path of ['/api/v1/namespaces/default/foos', '/apis/nope.example.com/v1/things', '/apis/apps/v1/namespaces/default/widgets/x']) {
      expectStatus(await api.get(path), 404, 'NotFound', 'the server could not find the requested resource', {})
    }
  })

  it('answers a create in a missing namespace with 404 NotFound for the namespace', async () => {
    expectStatus(await api.post(paths.configMaps('nope'), configMap('x')), 404, 'NotFound', 'namespaces "nope" not found', { name: 'nope', kind: 'namespaces' })
  })

  it('answers a body over 3 MiB with 413', async () => {
    const ns = await createNamespace(api)
    const big = JSON.stringify(configMap('big', { blob: 'a'.repeat(3 * 1024 * 1024 + 1) }))
    expectStatus(await api.post(paths.configMaps(ns), big), 413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728')
    expectStatus(await api.get(paths.configMap(ns, 'big')), 404, 'NotFound', 'configmaps "big" not found', { name: 'big', kind: 'configmaps' })
  })

  it('answers an unsupported content type with 415', async () => {
    const ns = await createNamespace(api)
    const res = await api.post(paths.configMaps(ns), 'name=x', { contentType: 'text/plain' })
    expect(res.status).toBe(415)
    expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'UnsupportedMediaType', code: 415 })
    expect(res.body.message).toMatch(/^the body of the request was in an unknown format - accepted media types include: application\/json, application\/yaml/)
  })
})

describe('request options and content negotiation', () => {
  it('dryRun=All validates and answers but stores nothing', async () => {
    const ns = await createNamespace(api)
    const dry = await api.post(paths.configMaps(ns), configMap('dry', { a: '1' }), { query: { dryRun: 'All' } })
    expect(dry.status).toBe(201)
    expect(dry.body).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'dry', namespace: ns }, data: { a: '1' } })
    expect((await api.get(paths.configMap(ns, 'dry'))).status).toBe(404)

    const invalid = await api.post(paths.configMaps(ns), configMap('Bad_Name'), { query: { dryRun: 'All' } })
    expect(invalid.status).toBe(422)

    const real = await api.create(paths.configMaps(ns), configMap('real', { a: '1' }))
    const dryPut = await api.put(paths.configMap(ns, 'real'), { ...real, data: { a: '2' } }, { query: { dryRun: 'All' } })
    expect(dryPut.status).toBe(200)
    expect(dryPut.body.data).toEqual({ a: '2' })
    const dryPatch = await api.patch(paths.configMap(ns, 'real'), merge, { data: { a: '3' } }, { query: { dryRun: 'All' } })
    expect(dryPatch.status).toBe(200)
    expect(dryPatch.body.data).toEqual({ a: '3' })
    const dryDelete = await api.delete(paths.configMap(ns, 'real'), { query: { dryRun: 'All' } })
    expect(dryDelete.status).toBe(200)
    expect(await api.read(paths.configMap(ns, 'real'))).toEqual(real)
    expect(names(await api.read(paths.configMaps(ns)))).toEqual(['real'])
  })

  it('?pretty=true indents the JSON', async () => {
    const ns = await createNamespace(api)
    const created = await api.create(paths.configMaps(ns), configMap('p', { a: '1' }))
    const res = await api.get(paths.configMap(ns, 'p'), { query: { pretty: 'true' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.text).toMatch(/^\{\n {2}"/)
    expect(res.text).toContain('\n    "name": "p"')
    expect(res.body).toEqual(created)
    const compact = await api.get(paths.configMap(ns, 'p'))
    expect(compact.text).not.toContain('\n  "')
  })

  it('answers YAML to Accept: application/yaml', async () => {
    const ns = await createNamespace(api)
    const created = await api.create(paths.configMaps(ns), configMap('y', { a: '1', n: '007' }))
    const res = await api.get(paths.configMap(ns, 'y'), { accept: 'application/yaml' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/yaml/)
    expect(res.body).toBeUndefined()
    expect(res.text).toMatch(/^kind: ConfigMap$/m)
    expect(res.text).toMatch(/^ {2}name: y$/m)
    expect(parseYaml(res.text)).toEqual(created)
  })

  it('answers JSON to a client that asks for protobuf first and JSON second', async () => {
    const ns = await createNamespace(api)
    const created = await api.create(paths.configMaps(ns), configMap('pb', { a: '1' }))
    const res = await api.get(paths.configMap(ns, 'pb'), { accept: 'application/vnd.kubernetes.protobuf,application/json' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.body).toEqual(created)
  })
})

describe('resourceVersion and metadata', () => {
  it('increases one global revision across kinds, and the list shows it', async () => {
    const ns = await createNamespace(api)
    const cm1 = await api.create(paths.configMaps(ns), configMap('one'))
    const p = await api.create(paths.pods(ns), pod('p'))
    const otherNs = await api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: uniqueName('rv') } })
    const cm2 = await api.create(paths.configMaps(ns), configMap('two'))
    const revisions = [cm1, p, otherNs, cm2].map(rv)
    for (let i = 1; i < revisions.length; i++) expect(revisions[i]).toBeGreaterThan(revisions[i - 1])
    const list = await api.read(paths.configMaps(ns))
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(rv(cm2))
    const pods = await api.read('/api/v1/pods')
    expect(Number(pods.metadata.resourceVersion)).toBeGreaterThanOrEqual(rv(cm2))
  })

  it('keeps the resourceVersion on a no-op update or patch', async () => {
    const ns = await createNamespace(api)
    const created = await api.create(paths.configMaps(ns), configMap('same', { a: '1' }, { labels: { k: 'v' } }))
    const put = await api.put(paths.configMap(ns, 'same'), created)
    expect(put.status).toBe(200)
    expect(put.body.metadata.resourceVersion).toBe(created.metadata.resourceVersion)
    const patched = await api.patch(paths.configMap(ns, 'same'), merge, { data: { a: '1' } })
    expect(patched.status).toBe(200)
    expect(patched.body.metadata.resourceVersion).toBe(created.metadata.resourceVersion)
    expect(await api.read(paths.configMap(ns, 'same'))).toEqual(created)
  })
})

describe('list paging and selectors', () => {
  it('pages 5 configmaps with limit=2 through continue tokens, from one snapshot', async () => {
    const ns = await createNamespace(api)
    const all = ['cm-a', 'cm-b', 'cm-c', 'cm-d', 'cm-e']
    for (const name of all) await api.create(paths.configMaps(ns), configMap(name))
    const seen: string[] = []
    const pageSizes: number[] = []
    let token: string | undefined
    let snapshot: string | undefined
    let pages = 0
    do {
      const page = await api.read(`${paths.configMaps(ns)}?limit=2${token ? `&continue=${encodeURIComponent(token)}` : ''}`)
      pages++
      expect(pages).toBeLessThanOrEqual(3)
      if (pages === 1) {
        snapshot = page.metadata.resourceVersion
        expect(page.metadata.remainingItemCount).toBe(3)
        // Created after the first page: not part of this list.
        await api.create(paths.configMaps(ns), configMap('cm-late'))
      } else {
        expect(page.metadata.resourceVersion).toBe(snapshot)
      }
      pageSizes.push(page.items.length)
      seen.push(...page.items.map((i: Json) => i.metadata.name))
      token = page.metadata.continue || undefined
    } while (token)
    expect(pageSizes).toEqual([2, 2, 1])
    expect(seen).toHaveLength(5)
    expect(new Set(seen).size).toBe(5)
    expect([...seen].sort()).toEqual(all)
    expect(names(await api.read(paths.configMaps(ns)))).toEqual([...all, 'cm-late'].sort())
  })

  it('filters by label selectors: =, ==, !=, in, notin, exists, !key', async () => {
    const ns = await createNamespace(api)
    await api.create(paths.configMaps(ns), configMap('a', {}, { labels: { env: 'prod', tier: 'fe' } }))
    await api.create(paths.configMaps(ns), configMap('b', {}, { labels: { env: 'dev', tier: 'be' } }))
    await api.create(paths.configMaps(ns), configMap('c', {}, { labels: { env: 'qa' } }))
    await api.create(paths.configMaps(ns), configMap('d'))
    const select = async (labelSelector: string) => names(await api.read(`${paths.configMaps(ns)}?${new URLSearchParams({ labelSelector })}`))
    expect(await select('env=prod')).toEqual(['a'])
    expect(await select('env==dev')).toEqual(['b'])
    expect(await select('env!=prod')).toEqual(['b', 'c', 'd'])
    expect(await select('env in (prod,dev)')).toEqual(['a', 'b'])
    expect(await select('env notin (prod,dev)')).toEqual(['c', 'd'])
    expect(await select('tier')).toEqual(['a', 'b'])
    expect(await select('!tier')).toEqual(['c', 'd'])
    expect(await select('env,!tier')).toEqual(['c'])
    expect(await select('env in (prod,dev),tier!=fe')).toEqual(['b'])
    const bad = await api.get(`${paths.configMaps(ns)}?${new URLSearchParams({ labelSelector: 'env in (prod' })}`)
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 })
  })

  it('filters by field selectors and rejects unsupported fields with 400', async () => {
    const ns = await createNamespace(api)
    await api.create(paths.configMaps(ns), configMap('a'))
    await api.create(paths.configMaps(ns), configMap('b'))
    const select = async (path: string, fieldSelector: string) => names(await api.read(`${path}?${new URLSearchParams({ fieldSelector })}`))
    expect(await select(paths.configMaps(ns), 'metadata.name=a')).toEqual(['a'])
    expect(await select(paths.configMaps(ns), 'metadata.name!=a')).toEqual(['b'])
    expect(await select('/api/v1/configmaps', `metadata.namespace=${ns},metadata.name=b`)).toEqual(['b'])

    await api.create(paths.pods(ns), pod('bound'))
    await api.create(paths.pods(ns), pod('pending'))
    const bind = await api.post(`${paths.pod(ns, 'bound')}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } })
    expect(bind.status).toBe(201)
    expect(await select(paths.pods(ns), 'spec.nodeName=node-1')).toEqual(['bound'])
    expect(await select(paths.pods(ns), 'spec.nodeName=')).toEqual(['pending'])
    expect(await select('/api/v1/pods', `spec.nodeName=node-1,metadata.namespace=${ns}`)).toEqual(['bound'])

    expectStatus(await api.get(`${paths.configMaps(ns)}?${new URLSearchParams({ fieldSelector: 'spec.nodeName=node-1' })}`), 400, 'BadRequest', 'field label not supported: spec.nodeName')
    expectStatus(await api.get(`${paths.pods(ns)}?${new URLSearchParams({ fieldSelector: 'spec.foo=bar' })}`), 400, 'BadRequest', 'field label not supported: spec.foo')
  })
})

describe('subresources', () => {
  it('pods/binding sets spec.nodeName and PodScheduled once; a second binding is 409', async () => {
    const ns = await createNamespace(api)
    const created = await api.create(paths.pods(ns), pod('p'))
    const binding = (node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { apiVersion: 'v1', kind: 'Node', name: node } })
    const res = await api.post(`${paths.pod(ns, 'p')}/binding`, binding('node-1'))
    expect(res.status).toBe(201)
    expect.soft(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Success', code: 201 })
    const bound = await api.read(paths.pod(ns, 'p'))
    expect(bound.spec.nodeName).toBe('node-1')
    expect(bound.status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'PodScheduled', status: 'True' })]))
    expect(rv(bound)).toBeGreaterThan(rv(created))

    expectStatus(
      await api.post(`${paths.pod(ns, 'p')}/binding`, binding('node-2')),
      409,
      'Conflict',
      'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "node-1"',
      { name: 'p', kind: 'pods/binding' },
    )
    expect((await api.read(paths.pod(ns, 'p'))).spec.nodeName).toBe('node-1')
  })

  it('deployment status: /status writes change only status; main writes ignore status', async () => {
    const ns = await createNamespace(api)
    const created = await api.create(paths.deployments(ns), deployment('web', { replicas: 2 }))
    expect.soft(created.status, 'a new deployment has an empty status').toEqual({})

    const statusPut = structuredClone(created)
    statusPut.status = { observedGeneration: 1, replicas: 2, readyReplicas: 1 }
    statusPut.spec.replicas = 7
    statusPut.metadata.labels = { app: 'web', sneaky: 'yes' }
    const put = await api.put(`${paths.deployment(ns, 'web')}/status`, statusPut)
    expect(put.status, put.text).toBe(200)
    expect(put.body.status).toMatchObject({ observedGeneration: 1, replicas: 2, readyReplicas: 1 })
    expect(put.body.spec.replicas).toBe(2)
    expect(put.body.metadata.labels).toEqual({ app: 'web' })
    expect(put.body.metadata.generation).toBe(1)

    const patch = await api.patch(`${paths.deployment(ns, 'web')}/status`, merge, { spec: { replicas: 9 }, status: { availableReplicas: 1 } })
    expect(patch.status).toBe(200)
    expect(patch.body.status).toMatchObject({ replicas: 2, readyReplicas: 1, availableReplicas: 1 })
    expect(patch.body.spec.replicas).toBe(2)
    expect(await api.read(`${paths.deployment(ns, 'web')}/status`)).toEqual(patch.body)

    const mainPut = structuredClone(patch.body)
    mainPut.spec.replicas = 3
    mainPut.status = { replicas: 99 }
    const main = await api.put(paths.deployment(ns, 'web'), mainPut)
    expect(main.status).toBe(200)
    expect(main.body.spec.replicas).toBe(3)
    expect(main.body.metadata.generation).toBe(2)
    expect(main.body.status).toEqual(patch.body.status)

    const mainPatch = await api.patch(paths.deployment(ns, 'web'), merge, { status: { replicas: 42 } })
    expect(mainPatch.status).toBe(200)
    expect(mainPatch.body.status).toEqual(patch.body.status)
    expect(mainPatch.body.metadata.generation).toBe(2)
  })

  it('pod status: /status writes change only status; main writes ignore status', async () => {
    const ns = await createNamespace(api)
    const created = await api.create(paths.pods(ns), pod('p'))
    expect.soft(created.status, 'pods start Pending').toMatchObject({ phase: 'Pending', qosClass: 'BestEffort' })

    const st = await api.patch(`${paths.pod(ns, 'p')}/status`, strategic, {
      spec: { containers: [{ name: 'c', image: 'changed:1' }] },
      status: { phase: 'Running', message: 'started by the test' },
    })
    expect(st.status, st.text).toBe(200)
    expect(st.body.status).toMatchObject({ phase: 'Running', message: 'started by the test' })
    expect(st.body.spec.containers[0].image).toBe('nginx:1.27')

    const main = await api.patch(paths.pod(ns, 'p'), merge, { metadata: { labels: { touched: 'yes' } }, status: { phase: 'Failed' } })
    expect(main.status).toBe(200)
    expect(main.body.metadata.labels).toEqual({ touched: 'yes' })
    expect(main.body.status.phase).toBe('Running')
    expect((await api.read(paths.pod(ns, 'p'))).status.phase).toBe('Running')
  })

  it('deployment scale: GET gives an autoscaling/v1 Scale; PATCH changes spec.replicas', async () => {
    const ns = await createNamespace(api)
    const created = await api.create(paths.deployments(ns), deployment('web', { replicas: 2 }))
    const scale = await api.read(`${paths.deployment(ns, 'web')}/scale`)
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'web', namespace: ns, uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion },
      spec: { replicas: 2 },
      status: { replicas: 0, selector: 'app=web' },
    })

    const res = await api.patch(`${paths.deployment(ns, 'web')}/scale`, merge, { spec: { replicas: 3 } })
    expect(res.status, res.text).toBe(200)
    expect(res.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 } })
    const after = await api.read(paths.deployment(ns, 'web'))
    expect(after.spec.replicas).toBe(3)
    expect(after.metadata.generation).toBe(2)
    expect(res.body.metadata.resourceVersion).toBe(after.metadata.resourceVersion)
  })
})

describe('deletion', () => {
  it('a bound pod stays with deletionTimestamp until deleted with gracePeriodSeconds=0', async () => {
    const ns = await createNamespace(api)
    const created = await api.create(paths.pods(ns), pod('p'))
    expect((await api.post(`${paths.pod(ns, 'p')}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-1' } })).status).toBe(201)

    const del = await api.delete(paths.pod(ns, 'p'))
    expect(del.status).toBe(200)
    expect(del.body.metadata.deletionTimestamp).toMatch(rfc3339)
    expect(del.body.metadata.deletionGracePeriodSeconds).toBe(30)
    const lingering = await api.read(paths.pod(ns, 'p'))
    expect(lingering.metadata.uid).toBe(created.metadata.uid)
    expect(lingering.metadata.deletionTimestamp).toBe(del.body.metadata.deletionTimestamp)

    // What the kubelet sends once the containers are gone.
    const confirm = await api.delete(paths.pod(ns, 'p'), { body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 } })
    expect(confirm.status).toBe(200)
    expectStatus(await api.get(paths.pod(ns, 'p')), 404, 'NotFound', 'pods "p" not found', { name: 'p', kind: 'pods' })
  })

  it('gracePeriodSeconds=0 in the query removes a bound pod at once, and an unbound pod goes at once anyway', async () => {
    const ns = await createNamespace(api)
    await api.create(paths.pods(ns), pod('bound'))
    await api.create(paths.pods(ns), pod('unbound'))
    await api.post(`${paths.pod(ns, 'bound')}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { kind: 'Node', name: 'node-1' } })
    expect((await api.delete(paths.pod(ns, 'bound'), { query: { gracePeriodSeconds: 0 } })).status).toBe(200)
    expect((await api.get(paths.pod(ns, 'bound'))).status).toBe(404)
    expect((await api.delete(paths.pod(ns, 'unbound'))).status).toBe(200)
    expect((await api.get(paths.pod(ns, 'unbound'))).status).toBe(404)
    expect((await api.read(paths.pods(ns))).items).toEqual([])
  })

  it('finalizers hold a configmap with deletionTimestamp until a patch removes them', async () => {
    const ns = await createNamespace(api)
    await api.create(paths.configMaps(ns), configMap('held', { a: '1' }, { finalizers: ['example.com/hold'] }))
    const del = await api.delete(paths.configMap(ns, 'held'))
    expect(del.status).toBe(200)
    expect(del.body.metadata.deletionTimestamp).toMatch(rfc3339)
    expect(del.body.metadata.finalizers).toEqual(['example.com/hold'])
    const held = await api.read(paths.configMap(ns, 'held'))
    expect(held.metadata.deletionTimestamp).toBe(del.body.metadata.deletionTimestamp)
    expect(held.data).toEqual({ a: '1' })

    const release = await api.patch(paths.configMap(ns, 'held'), merge, { metadata: { finalizers: null } })
    expect(release.status).toBe(200)
    expectStatus(await api.get(paths.configMap(ns, 'held')), 404, 'NotFound', 'configmaps "held" not found', { name: 'held', kind: 'configmaps' })
  })

  it('deleting a namespace removes its content, refuses new content with 403, then removes the namespace', async () => {
    const ns = await createNamespace(api, 'doomed')
    const created = await api.read(paths.namespace(ns))
    expect.soft(created, 'namespace defaults').toMatchObject({ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } })
    await api.create(paths.configMaps(ns), configMap('plain'))
    await api.create(paths.pods(ns), pod('p'))
    await api.create(paths.configMaps(ns), configMap('held', {}, { finalizers: ['example.com/hold'] }))

    const del = await api.delete(paths.namespace(ns))
    expect(del.status).toBe(200)
    expect(del.body.metadata.deletionTimestamp).toMatch(rfc3339)
    expect(del.body.status.phase).toBe('Terminating')

    const late = await api.post(paths.configMaps(ns), configMap('late'))
    expect(late.status).toBe(403)
    // Soft, so that the rest of the life cycle is still checked when only the wording differs.
    expect.soft(late.body).toEqual(
      statusBody(403, 'Forbidden', `configmaps "late" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
        name: 'late',
        kind: 'configmaps',
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
      }),
    )

    await waitFor('the namespace content to be deleted', async () => {
      const plain = await api.get(paths.configMap(ns, 'plain'))
      const p = await api.get(paths.pod(ns, 'p'))
      const held = await api.get(paths.configMap(ns, 'held'))
      return plain.status === 404 && p.status === 404 && held.body?.metadata?.deletionTimestamp ? true : undefined
    })
    // The finalizer still holds one object, so the namespace stays.
    expect((await api.read(paths.namespace(ns))).status.phase).toBe('Terminating')

    expect((await api.patch(paths.configMap(ns, 'held'), merge, { metadata: { finalizers: null } })).status).toBe(200)
    await waitFor('the namespace to be removed', async () => ((await api.get(paths.namespace(ns))).status === 404 ? true : undefined))
    expectStatus(await api.get(paths.namespace(ns)), 404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' })
    expect((await api.read(`/api/v1/configmaps?${new URLSearchParams({ fieldSelector: `metadata.namespace=${ns}` })}`)).items).toEqual([])
  })
})
