// OpenAPI and server-side field validation as real kubectl (v1.32 and v1.35)
// and a plain HTTP client see them: explain prints upstream's documentation,
// create/apply leave field validation to the server, client-side apply
// computes its patch from the served schema, and the documents are cached the
// way kube-apiserver lets them be.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, merge, strategic, type ApiClient, type Json } from '../support/api-client.ts'
import { kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { kubectlSession } from '../support/kubectl-session.ts'
import { paths } from '../support/manifests.ts'

function deploymentYaml(options: { extraSpec?: string; containers: string }): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
${options.extraSpec ?? ''}  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
${options.containers}`
}

const twoContainers = `      - name: app
        image: nginx:1.27
        env:
        - name: MODE
          value: "one"
        - name: LEVEL
          value: "debug"
        ports:
        - containerPort: 80
      - name: sidecar
        image: busybox:1.36
`
const oneContainer = `      - name: app
        image: nginx:1.27
        env:
        - name: MODE
          value: "two"
        ports:
        - containerPort: 80
`

describe.each(kubectlVersions())('OpenAPI with kubectl $name', ({ binary }) => {
  const session = kubectlSession(binary)
  const { manifest } = session
  let api: ApiClient
  let kubectl: Kubectl
  beforeAll(() => void ({ api, kubectl } = session))

  it('explain pods prints the kind and its fields with upstream descriptions', async () => {
    const out = await kubectl.ok(['explain', 'pods'])
    expect(out).toContain('KIND:       Pod\nVERSION:    v1\n')
    expect(out).toContain('Pod is a collection of containers that can run on a host.')
    expect(out).toMatch(/ {2}spec\t<PodSpec>\n {4}Specification of the desired behavior of the pod\./)
    expect(out).toMatch(/ {2}metadata\t<ObjectMeta>\n/)
  })

  it('explain pod.spec.containers walks into the referenced schema', async () => {
    const out = await kubectl.ok(['explain', 'pod.spec.containers'])
    expect(out).toContain('FIELD: containers <[]Container>')
    expect(out).toContain('List of containers belonging to the pod.')
    expect(out).toContain('A single application container that you want to run within a pod.')
    expect(out).toMatch(/ {2}name\t<string> -required-\n {4}Name of the container specified as a DNS_LABEL\./)
    expect(out).toMatch(/ {2}env\t<\[\]EnvVar>\n/)
    expect(out).toMatch(/ {2}resources\t<ResourceRequirements>\n/)
  })

  it('explain deployment.spec --recursive lists nested fields with their types', async () => {
    const out = await kubectl.ok(['explain', 'deployment.spec', '--recursive'])
    expect(out).toContain('GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n')
    expect(out).toContain('FIELD: spec <DeploymentSpec>')
    expect(out).toMatch(/ {2}selector\t<LabelSelector> -required-\n {4}matchExpressions\t<\[\]LabelSelectorRequirement>\n/)
    expect(out).toMatch(/ {6}maxSurge\t<IntOrString>\n/)
    expect(out).toMatch(/ {2}template\t<PodTemplateSpec> -required-\n/)
    expect(out).toMatch(/ {8}limits\t<map\[string\]Quantity>\n/)
  })

  it('apply -f with an unknown field is rejected by the server (default --validate=strict)', async () => {
    const file = manifest('unknown.yaml', deploymentYaml({ extraSpec: '  foo: 1\n', containers: `      - name: app\n        image: nginx:1.27\n        bar: true\n` }))
    const res = await kubectl(['apply', '-f', file])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain(
      `Error from server (BadRequest): error when creating "${file}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].bar"`,
    )
    expect((await api.get(paths.deployment('default', 'web'))).status).toBe(404)
  })

  it('create --validate=warn prints one warning per unknown field and drops the fields', async () => {
    const file = manifest('warn.yaml', deploymentYaml({ extraSpec: '  foo: 1\n', containers: twoContainers }).replace('name: web', 'name: warned'))
    const res = await kubectl(['create', '-f', file, '--validate=warn'])
    expect(res.code).toBe(0)
    expect(res.stdout).toBe('deployment.apps/warned created\n')
    expect(res.stderr).toContain('Warning: unknown field "spec.foo"')
    const stored = await api.read(paths.deployment('default', 'warned'))
    expect(stored.spec.foo).toBeUndefined()
  })

  it('create --validate=false sends Ignore: no warning, unknown fields dropped', async () => {
    const file = manifest('ignore.yaml', deploymentYaml({ extraSpec: '  foo: 1\n', containers: twoContainers }).replace('name: web', 'name: ignored'))
    const res = await kubectl(['create', '-f', file, '--validate=false'])
    expect(res.code).toBe(0)
    expect(res.stderr).toBe('')
    expect((await api.read(paths.deployment('default', 'ignored'))).spec.foo).toBeUndefined()
  })

  it('a manifest of a removed version (batch/v2alpha1) passes client-side validation and fails on the mapping, as on a real cluster', async () => {
    const file = manifest('cronjob-v2alpha1.yaml', 'apiVersion: batch/v2alpha1\nkind: CronJob\nmetadata:\n  name: hello\nspec:\n  schedule: "*/1 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: hello\n            image: busybox\n          restartPolicy: OnFailure\n')
    const res = await kubectl(['apply', '-f', file])
    expect(res.code).toBe(1)
    expect(res.stderr).toBe(`error: resource mapping not found for name: "hello" namespace: "" from "${file}": no matches for kind "CronJob" in version "batch/v2alpha1"\nensure CRDs are installed first\n`)
  })

  it('apply -f again with a container removed and an env var changed patches by merge keys', async () => {
    const first = manifest('web-1.yaml', deploymentYaml({ containers: twoContainers }))
    expect(await kubectl.ok(['apply', '-f', first])).toBe('deployment.apps/web created\n')
    const second = manifest('web-2.yaml', deploymentYaml({ containers: oneContainer }))
    expect(await kubectl.ok(['apply', '-f', second])).toBe('deployment.apps/web configured\n')
    const stored = await api.read(paths.deployment('default', 'web'))
    const containers = stored.spec.template.spec.containers
    expect(containers.map((c: Json) => c.name)).toEqual(['app'])
    expect(containers[0].env).toEqual([{ name: 'MODE', value: 'two' }])
    expect(containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }])
    expect(await kubectl.ok(['apply', '-f', second])).toBe('deployment.apps/web unchanged\n')
  })
})

describe('OpenAPI over HTTP', () => {
  let server: ApiserverProcess
  let api: ApiClient

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(server.url)
  })
  afterAll(async () => {
    await server?.cleanup()
  })

  it('serves hashed v3 documents as upstream: immutable with the hash, 301 to the current hash, 304 on a matching ETag', async () => {
    const index = await api.get('/openapi/v3')
    expect(index.status).toBe(200)
    const url: string = index.body.paths['apis/apps/v1'].serverRelativeURL
    const hash = new URL(url, server.url).searchParams.get('hash')!
    expect(hash).toMatch(/^[0-9A-F]{128}$/)

    const doc = await fetch(new URL(url, server.url))
    expect(doc.status).toBe(200)
    expect(doc.headers.get('etag')).toBe(`"${hash}"`)
    expect(doc.headers.get('cache-control')).toBe('public, immutable')
    expect(doc.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await doc.json()) as Json
    expect(body.openapi).toBe('3.0.0')

    const stale = await fetch(new URL('/openapi/v3/apis/apps/v1?hash=0000', server.url), { redirect: 'manual' })
    expect(stale.status).toBe(301)
    expect(stale.headers.get('location')).toBe(url)

    const cached = await fetch(new URL('/openapi/v3/apis/apps/v1', server.url), { headers: { 'if-none-match': `"${hash}"` } })
    expect(cached.status).toBe(304)
    expect(cached.headers.get('cache-control')).toBeNull()

    expect((await api.get('/openapi/v3/apis/nope/v1')).body).toMatchObject({ kind: 'Status', code: 404 })
  })

  it('answers /openapi/v2 in JSON, and in protobuf to kubectl\'s protobuf-only request', async () => {
    const json = await api.get('/openapi/v2', { accept: 'application/json' })
    expect(json.status).toBe(200)
    expect(json.body.swagger).toBe('2.0')
    expect(json.body.definitions['io.k8s.api.core.v1.Pod']).toBeDefined()
    const proto = await fetch(new URL('/openapi/v2', server.url), { headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } })
    expect(proto.status).toBe(200)
    expect(proto.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf')
    const body = new Uint8Array(await proto.arrayBuffer())
    // Field 1 (swagger), length 3, "2.0"; the same ETag as the JSON form.
    expect([...body.slice(0, 5)]).toEqual([0x0a, 3, 0x32, 0x2e, 0x30])
    expect(proto.headers.get('etag')).toBe(json.headers.get('etag'))
  })

  it('rejects an unsupported fieldValidation value with the options kind', async () => {
    const res = await api.post(paths.configMaps('default'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, { query: { fieldValidation: 'Loud' } })
    expect(res.status).toBe(422)
    expect(res.body.message).toBe('CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"')
  })

  it('warns by default (no fieldValidation), on create, update and patch', async () => {
    const created = await api.post(paths.configMaps('default'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', colour: 'red' }, data: { a: '1' }, extra: 1 })
    expect(created.status).toBe(201)
    expect(created.headers.get('warning')).toBe('299 - "unknown field \\"metadata.colour\\"", 299 - "unknown field \\"extra\\""')
    expect(created.body.extra).toBeUndefined()

    const updated = await api.put(paths.configMap('default', 'cm'), { ...created.body, data: { a: '2' }, more: true })
    expect(updated.status).toBe(200)
    expect(updated.headers.get('warning')).toBe('299 - "unknown field \\"more\\""')

    const patched = await api.patch(paths.configMap('default', 'cm'), merge, { data: { b: '3' }, stray: 1 })
    expect(patched.status).toBe(200)
    expect(patched.headers.get('warning')).toBe('299 - "unknown field \\"stray\\""')
    expect(patched.body.stray).toBeUndefined()
    expect(patched.body.data).toEqual({ a: '2', b: '3' })
  })

  it('Strict patches fail with upstream\'s 422 on the field patch; duplicates in a JSON body are caught', async () => {
    const res = await api.patch(paths.configMap('default', 'cm'), strategic, { stray: 1 }, { query: { fieldValidation: 'Strict' } })
    expect(res.status).toBe(422)
    expect(res.body.message).toBe(' "" is invalid: patch: Invalid value: "map[stray:1]": strict decoding error: unknown field "stray"')
    expect(res.body.details.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'patch', message: 'Invalid value: "map[stray:1]": strict decoding error: unknown field "stray"' }])

    const dup = await api.post(paths.configMaps('default'), '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d","name":"d"}}', { query: { fieldValidation: 'Strict' } })
    expect(dup.status).toBe(400)
    expect(dup.body.message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.name"')
  })
})
