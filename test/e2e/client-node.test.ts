// The official JavaScript client, @kubernetes/client-node, against a real
// apiserver process: typed CoreV1Api/AppsV1Api calls, the three patch types
// chosen through a Content-Type middleware, ApiException Status bodies, label
// and field selectors, Watch from a list's resourceVersion, an informer, the
// deployment scale subresource, deletion and namespace teardown. The client
// only works when the server's wire format is what it was generated from, so
// every response is decoded by its generated models, not by our own code.
// The tests run in file order and build on each other in one namespace.
import * as k8s from '@kubernetes/client-node'
import type { V1Deployment, V1Pod } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { waitFor } from '../support/wait-for.ts'

const image = 'registry.k8s.io/pause:3.9'

function podManifest(name: string, labels: Record<string, string> = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'main', image }] },
  }
}

function deploymentManifest(name: string, replicas: number): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
    },
  }
}

/** The rejection of a call that must fail: its HTTP code and the Status body the server sent. */
async function apiError(call: Promise<unknown>): Promise<{ code: number; status: any }> {
  let result: unknown
  try {
    result = await call
  } catch (err) {
    if (!(err instanceof k8s.ApiException)) throw err
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body
    return { code: err.code, status: body }
  }
  throw new Error(`expected an ApiException, got a success: ${JSON.stringify(result)}`)
}

function statusBody(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  }
}

const names = (items: readonly { metadata?: { name?: string } }[]) => items.map((o) => o.metadata?.name).sort()

const strategic = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch)
const mergePatch = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
const jsonPatch = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch)

describe('@kubernetes/client-node against kubeling', () => {
  let server: ApiserverProcess
  let kc: k8s.KubeConfig
  let core: k8s.CoreV1Api
  let apps: k8s.AppsV1Api
  const ns = `client-node-${process.pid}`

  beforeAll(async () => {
    server = await startApiserverProcess()
    kc = new k8s.KubeConfig()
    // No credentials: the apiserver has no authentication yet. client-node
    // refuses an http: server unless skipTLSVerify opts in to plain HTTP.
    kc.loadFromClusterAndUser({ name: 'kubeling', server: server.url, skipTLSVerify: true }, { name: 'anonymous' })
    core = kc.makeApiClient(k8s.CoreV1Api)
    apps = kc.makeApiClient(k8s.AppsV1Api)
  })
  afterAll(async () => {
    await server?.cleanup()
  })

  it('creates a namespace and lists no pods in it', async () => {
    const created = await core.createNamespace({ body: { metadata: { name: ns } } })
    expect(created.metadata?.name).toBe(ns)
    expect(created.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': ns })
    expect(created.spec?.finalizers).toEqual(['kubernetes'])
    expect(created.status?.phase).toBe('Active')
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date)

    const read = await core.readNamespace({ name: ns })
    expect(read.metadata?.uid).toBe(created.metadata?.uid)

    const pods = await core.listNamespacedPod({ namespace: ns })
    expect(pods.apiVersion).toBe('v1')
    expect(pods.kind).toBe('PodList')
    expect(pods.items).toEqual([])
    expect(pods.metadata?.resourceVersion).toMatch(/^\d+$/)

    const deployments = await apps.listNamespacedDeployment({ namespace: ns })
    expect(deployments.kind).toBe('DeploymentList')
    expect(deployments.items).toEqual([])
  })

  it('creates pods with the defaults the server fills in, reads them, and refuses a duplicate', async () => {
    const created = await core.createNamespacedPod({ namespace: ns, body: podManifest('alpha', { tier: 'web' }) })
    expect(created.metadata?.namespace).toBe(ns)
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/)
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/)
    expect(created.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      enableServiceLinks: true,
      securityContext: {},
    })
    // DefaultTolerationSeconds admission: tolerate an unready or unreachable node for 300 s.
    expect(created.spec?.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ])
    expect(created.spec?.containers[0]).toMatchObject({
      name: 'main',
      image,
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
    })
    expect(created.status?.phase).toBe('Pending')
    expect(created.status?.qosClass).toBe('BestEffort')

    await core.createNamespacedPod({ namespace: ns, body: podManifest('beta', { tier: 'web' }) })
    await core.createNamespacedPod({ namespace: ns, body: podManifest('gamma', { tier: 'db' }) })

    const read = await core.readNamespacedPod({ name: 'alpha', namespace: ns })
    expect(read.metadata?.uid).toBe(created.metadata?.uid)
    expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion)
    expect(read.metadata?.labels).toEqual({ tier: 'web' })

    const dup = await apiError(core.createNamespacedPod({ namespace: ns, body: podManifest('alpha') }))
    expect(dup.code).toBe(409)
    expect(dup.status).toEqual(statusBody(409, 'AlreadyExists', 'pods "alpha" already exists', { name: 'alpha', kind: 'pods' }))

    const missing = await apiError(core.readNamespacedPod({ name: 'nobody', namespace: ns }))
    expect(missing.code).toBe(404)
    expect(missing.status).toEqual(statusBody(404, 'NotFound', 'pods "nobody" not found', { name: 'nobody', kind: 'pods' }))
  })

  it('creates a deployment with the defaults the server fills in and reads it', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: ns, body: deploymentManifest('web', 2) })
    expect(created.metadata?.generation).toBe(1)
    expect(created.spec?.replicas).toBe(2)
    expect(created.spec?.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } })
    expect(created.spec?.revisionHistoryLimit).toBe(10)
    expect(created.spec?.progressDeadlineSeconds).toBe(600)
    expect(created.spec?.template.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
    })
    // Admission defaults such as the 300 s tolerations apply to pods, not to templates.
    expect(created.spec?.template.spec?.tolerations).toBeUndefined()
    expect(created.spec?.template.spec?.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' })

    const read = await apps.readNamespacedDeployment({ name: 'web', namespace: ns })
    expect(read.apiVersion).toBe('apps/v1')
    expect(read.kind).toBe('Deployment')
    expect(read.metadata?.uid).toBe(created.metadata?.uid)
    expect(read.spec?.selector.matchLabels).toEqual({ app: 'web' })
  })

  it('patches a pod with strategic merge, merge and JSON patch', async () => {
    const before = await core.readNamespacedPod({ name: 'alpha', namespace: ns })

    // Strategic merge: containers merge by name, so the one container keeps its
    // other fields and only changes image; labels merge key by key.
    const smp = await core.patchNamespacedPod(
      { name: 'alpha', namespace: ns, body: { metadata: { labels: { stage: 'one' } }, spec: { containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10' }] } } },
      strategic(),
    )
    expect(smp.metadata?.labels).toEqual({ tier: 'web', stage: 'one' })
    expect(smp.spec?.containers).toHaveLength(1)
    expect(smp.spec?.containers[0]).toMatchObject({ name: 'main', image: 'registry.k8s.io/pause:3.10', imagePullPolicy: 'IfNotPresent' })
    expect(Number(smp.metadata?.resourceVersion)).toBeGreaterThan(Number(before.metadata?.resourceVersion))

    // Merge patch: null removes a key.
    const merged = await core.patchNamespacedPod(
      { name: 'alpha', namespace: ns, body: { metadata: { labels: { stage: null, merged: 'yes' }, annotations: { note: 'merge' } } } },
      mergePatch(),
    )
    expect(merged.metadata?.labels).toEqual({ tier: 'web', merged: 'yes' })
    expect(merged.metadata?.annotations).toEqual({ note: 'merge' })

    // JSON patch: a passing test op guards the rest of the operations.
    const patched = await core.patchNamespacedPod(
      {
        name: 'alpha',
        namespace: ns,
        body: [
          { op: 'test', path: '/metadata/labels/merged', value: 'yes' },
          { op: 'remove', path: '/metadata/labels/merged' },
          { op: 'add', path: '/metadata/labels/json', value: 'patched' },
          { op: 'replace', path: '/spec/containers/0/image', value: 'registry.k8s.io/pause:3.9' },
        ],
      },
      jsonPatch(),
    )
    expect(patched.metadata?.labels).toEqual({ tier: 'web', json: 'patched' })
    expect(patched.spec?.containers[0].image).toBe('registry.k8s.io/pause:3.9')

    // A failing test op rejects the whole patch.
    const failed = await apiError(
      core.patchNamespacedPod(
        { name: 'alpha', namespace: ns, body: [{ op: 'test', path: '/metadata/labels/json', value: 'other' }, { op: 'remove', path: '/metadata/labels/tier' }] },
        jsonPatch(),
      ),
    )
    expect(failed.code).toBe(422)
    expect(failed.status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422 })
    expect((await core.readNamespacedPod({ name: 'alpha', namespace: ns })).metadata?.labels).toEqual({ tier: 'web', json: 'patched' })
  })

  it('patches a deployment with each patch type, bumping generation on spec changes', async () => {
    const smp = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'MODE', value: 'smp' }] }] } } } } },
      strategic(),
    )
    expect(smp.spec?.template.spec?.containers).toHaveLength(1)
    expect(smp.spec?.template.spec?.containers[0]).toMatchObject({ name: 'main', image, env: [{ name: 'MODE', value: 'smp' }] })
    expect(smp.metadata?.generation).toBe(2)

    const merged = await apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: { spec: { minReadySeconds: 5 } } }, mergePatch())
    expect(merged.spec?.minReadySeconds).toBe(5)
    expect(merged.metadata?.generation).toBe(3)

    // Metadata-only changes leave generation alone.
    const labelled = await apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: { metadata: { labels: { extra: 'x' } } } }, mergePatch())
    expect(labelled.metadata?.labels).toEqual({ app: 'web', extra: 'x' })
    expect(labelled.metadata?.generation).toBe(3)

    const json = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: ns, body: [{ op: 'replace', path: '/spec/strategy/rollingUpdate/maxSurge', value: 1 }] },
      jsonPatch(),
    )
    expect(json.spec?.strategy?.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: '25%' })
    expect(json.metadata?.generation).toBe(4)
  })

  it('replace with a stale resourceVersion is a 409 Conflict; with the current one it succeeds', async () => {
    const stale = await core.readNamespacedPod({ name: 'beta', namespace: ns })
    await core.patchNamespacedPod({ name: 'beta', namespace: ns, body: { metadata: { labels: { touched: 'yes' } } } }, mergePatch())

    const conflict = await apiError(
      core.replaceNamespacedPod({ name: 'beta', namespace: ns, body: { ...stale, metadata: { ...stale.metadata, labels: { tier: 'web', replaced: 'stale' } } } }),
    )
    expect(conflict.code).toBe(409)
    expect(conflict.status).toEqual(
      statusBody(409, 'Conflict', 'Operation cannot be fulfilled on pods "beta": the object has been modified; please apply your changes to the latest version and try again', {
        name: 'beta',
        kind: 'pods',
      }),
    )

    const current = await core.readNamespacedPod({ name: 'beta', namespace: ns })
    expect(current.metadata?.labels).toEqual({ tier: 'web', touched: 'yes' })
    const replaced = await core.replaceNamespacedPod({ name: 'beta', namespace: ns, body: { ...current, metadata: { ...current.metadata, labels: { tier: 'web', replaced: 'fresh' } } } })
    expect(replaced.metadata?.labels).toEqual({ tier: 'web', replaced: 'fresh' })
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(current.metadata?.resourceVersion))

    const deployment = await apps.readNamespacedDeployment({ name: 'web', namespace: ns })
    await apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: { metadata: { annotations: { bump: '1' } } } }, mergePatch())
    const depConflict = await apiError(apps.replaceNamespacedDeployment({ name: 'web', namespace: ns, body: deployment }))
    expect(depConflict.code).toBe(409)
    expect(depConflict.status).toEqual(
      statusBody(409, 'Conflict', 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again', {
        name: 'web',
        group: 'apps',
        kind: 'deployments',
      }),
    )
  })

  it('lists by label selector and by field selector', async () => {
    expect(names((await core.listNamespacedPod({ namespace: ns, labelSelector: 'tier=web' })).items)).toEqual(['alpha', 'beta'])
    expect(names((await core.listNamespacedPod({ namespace: ns, labelSelector: 'tier!=web' })).items)).toEqual(['gamma'])
    expect(names((await core.listNamespacedPod({ namespace: ns, labelSelector: 'tier in (db,cache)' })).items)).toEqual(['gamma'])
    expect(names((await core.listNamespacedPod({ namespace: ns, labelSelector: 'json' })).items)).toEqual(['alpha'])
    expect(names((await core.listNamespacedPod({ namespace: ns, labelSelector: '!json' })).items)).toEqual(['beta', 'gamma'])
    expect((await core.listNamespacedPod({ namespace: ns, labelSelector: 'tier=none' })).items).toEqual([])

    expect(names((await core.listNamespacedPod({ namespace: ns, fieldSelector: 'metadata.name=beta' })).items)).toEqual(['beta'])
    expect(names((await core.listNamespacedPod({ namespace: ns, fieldSelector: 'metadata.name!=beta' })).items)).toEqual(['alpha', 'gamma'])
    // Nothing schedules these pods: they are Pending on no node.
    expect(names((await core.listNamespacedPod({ namespace: ns, fieldSelector: 'status.phase=Pending,spec.nodeName=' })).items)).toEqual(['alpha', 'beta', 'gamma'])
    expect((await core.listNamespacedPod({ namespace: ns, fieldSelector: 'status.phase=Running' })).items).toEqual([])
    expect(names((await core.listNamespacedPod({ namespace: ns, labelSelector: 'tier=web', fieldSelector: 'metadata.name=alpha' })).items)).toEqual(['alpha'])
    expect(names((await core.listPodForAllNamespaces({ fieldSelector: `metadata.namespace=${ns}`, labelSelector: 'tier=db' })).items)).toEqual(['gamma'])

    expect(names((await apps.listNamespacedDeployment({ namespace: ns, labelSelector: 'app=web' })).items)).toEqual(['web'])
    expect(names((await apps.listNamespacedDeployment({ namespace: ns, fieldSelector: 'metadata.name=web' })).items)).toEqual(['web'])
    expect((await apps.listNamespacedDeployment({ namespace: ns, fieldSelector: 'metadata.name=other' })).items).toEqual([])

    const badField = await apiError(core.listNamespacedPod({ namespace: ns, fieldSelector: 'spec.image=x' }))
    expect(badField.code).toBe(400)
    expect(badField.status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 })
  })

  it('watches pods from a list resourceVersion: ADDED, MODIFIED, DELETED in order, nothing older', async () => {
    const list = await core.listNamespacedPod({ namespace: ns })
    expect(list.items.length).toBeGreaterThan(0)
    const events: { type: string; name: string; resourceVersion: string; labels: Record<string, string> }[] = []
    let ended: unknown = 'still open'
    const watch = new k8s.Watch(kc)
    const controller = await watch.watch(
      `/api/v1/namespaces/${ns}/pods`,
      { resourceVersion: list.metadata?.resourceVersion },
      (type, obj: V1Pod) => events.push({ type, name: obj.metadata!.name!, resourceVersion: obj.metadata!.resourceVersion!, labels: obj.metadata?.labels ?? {} }),
      (err) => (ended = err),
    )
    try {
      const added = await core.createNamespacedPod({ namespace: ns, body: podManifest('watched', { step: 'created' }) })
      const modified = await core.patchNamespacedPod({ name: 'watched', namespace: ns, body: { metadata: { labels: { step: 'patched' } } } }, strategic())
      const deleted = await core.deleteNamespacedPod({ name: 'watched', namespace: ns })
      // Unscheduled pods are deleted at once: the response is the pod as it was removed.
      expect(deleted.metadata?.name).toBe('watched')
      // A later object proves no other event slipped in between.
      const sentinel = await core.createNamespacedPod({ namespace: ns, body: podManifest('sentinel') })

      await waitFor(`4 watch events (have ${events.length})`, () => events.length >= 4 || undefined)
      expect(ended).toBe('still open')
      expect(events).toEqual([
        { type: 'ADDED', name: 'watched', resourceVersion: added.metadata?.resourceVersion, labels: { step: 'created' } },
        { type: 'MODIFIED', name: 'watched', resourceVersion: modified.metadata?.resourceVersion, labels: { step: 'patched' } },
        { type: 'DELETED', name: 'watched', resourceVersion: expect.stringMatching(/^\d+$/), labels: { step: 'patched' } },
        { type: 'ADDED', name: 'sentinel', resourceVersion: sentinel.metadata?.resourceVersion, labels: {} },
      ])
      const rvs = events.map((e) => Number(e.resourceVersion))
      expect(rvs).toEqual([...rvs].sort((a, b) => a - b))
      expect(rvs[2]).toBeGreaterThan(rvs[1])
    } finally {
      controller.abort()
    }
    await core.deleteNamespacedPod({ name: 'sentinel', namespace: ns })
  })

  it('an informer over deployments fills its cache and reports add, update and delete', async () => {
    const informer = k8s.makeInformer(kc, `/apis/apps/v1/namespaces/${ns}/deployments`, () => apps.listNamespacedDeployment({ namespace: ns }))
    const seen: [string, string, string | undefined][] = []
    const errors: unknown[] = []
    informer.on('add', (d) => seen.push(['add', d.metadata!.name!, d.metadata?.labels?.phase]))
    informer.on('update', (d) => seen.push(['update', d.metadata!.name!, d.metadata?.labels?.phase]))
    informer.on('delete', (d) => seen.push(['delete', d.metadata!.name!, d.metadata?.labels?.phase]))
    informer.on('error', (err) => errors.push(err))
    await informer.start()
    try {
      await waitFor('the informer cache to hold "web"', () => informer.get('web', ns))
      expect(seen).toEqual([['add', 'web', undefined]])

      await apps.createNamespacedDeployment({ namespace: ns, body: deploymentManifest('api', 1) })
      await waitFor('an add for "api"', () => seen.some(([verb, name]) => verb === 'add' && name === 'api') || undefined)

      await apps.patchNamespacedDeployment({ name: 'api', namespace: ns, body: { metadata: { labels: { phase: 'two' } } } }, strategic())
      await waitFor('an update for "api" with phase=two', () => seen.some(([verb, name, phase]) => verb === 'update' && name === 'api' && phase === 'two') || undefined)
      expect(informer.get('api', ns)?.metadata?.labels).toEqual({ app: 'api', phase: 'two' })

      await apps.deleteNamespacedDeployment({ name: 'api', namespace: ns })
      await waitFor('a delete for "api"', () => seen.some(([verb, name]) => verb === 'delete' && name === 'api') || undefined)
      expect(informer.get('api', ns)).toBeUndefined()
      expect(names(informer.list(ns))).toEqual(['web'])
      expect(seen).toEqual([
        ['add', 'web', undefined],
        ['add', 'api', undefined],
        ['update', 'api', 'two'],
        ['delete', 'api', 'two'],
      ])
      expect(errors).toEqual([])
    } finally {
      await informer.stop()
    }
  })

  it('reads, replaces and patches the deployment scale subresource', async () => {
    const deployment = await apps.readNamespacedDeployment({ name: 'web', namespace: ns })
    const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: ns })
    expect(scale.apiVersion).toBe('autoscaling/v1')
    expect(scale.kind).toBe('Scale')
    expect(scale.metadata).toMatchObject({ name: 'web', namespace: ns, uid: deployment.metadata?.uid, resourceVersion: deployment.metadata?.resourceVersion })
    expect(scale.spec?.replicas).toBe(2)
    // No controller-manager runs, so nothing has been counted yet.
    expect(scale.status).toEqual({ replicas: 0, selector: 'app=web' })

    const replaced = await apps.replaceNamespacedDeploymentScale({ name: 'web', namespace: ns, body: { ...scale, spec: { replicas: 5 } } })
    expect(replaced.spec?.replicas).toBe(5)
    const after = await apps.readNamespacedDeployment({ name: 'web', namespace: ns })
    expect(after.spec?.replicas).toBe(5)
    expect(after.metadata?.generation).toBe((deployment.metadata?.generation ?? 0) + 1)
    expect(after.metadata?.resourceVersion).toBe(replaced.metadata?.resourceVersion)

    const staleScale = await apiError(apps.replaceNamespacedDeploymentScale({ name: 'web', namespace: ns, body: { ...scale, spec: { replicas: 7 } } }))
    expect(staleScale.code).toBe(409)
    expect(staleScale.status).toMatchObject({ reason: 'Conflict', details: { name: 'web', group: 'apps', kind: 'deployments' } })

    const patched = await apps.patchNamespacedDeploymentScale({ name: 'web', namespace: ns, body: { spec: { replicas: 3 } } }, mergePatch())
    expect(patched.spec?.replicas).toBe(3)
    expect((await apps.readNamespacedDeployment({ name: 'web', namespace: ns })).spec?.replicas).toBe(3)
  })

  it('deletes pods and the deployment; reading them afterwards is a 404', async () => {
    for (const name of ['alpha', 'beta', 'gamma']) {
      const deleted = await core.deleteNamespacedPod({ name, namespace: ns, gracePeriodSeconds: 0 })
      expect(deleted.kind).toBe('Pod')
      expect(deleted.metadata?.name).toBe(name)
      const gone = await apiError(core.readNamespacedPod({ name, namespace: ns }))
      expect(gone.code).toBe(404)
      expect(gone.status).toEqual(statusBody(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' }))
    }
    expect((await core.listNamespacedPod({ namespace: ns })).items).toEqual([])

    await apps.deleteNamespacedDeployment({ name: 'web', namespace: ns })
    const gone = await apiError(apps.readNamespacedDeployment({ name: 'web', namespace: ns }))
    expect(gone.code).toBe(404)
    expect(gone.status).toEqual(statusBody(404, 'NotFound', 'deployments.apps "web" not found', { name: 'web', group: 'apps', kind: 'deployments' }))
    const again = await apiError(apps.deleteNamespacedDeployment({ name: 'web', namespace: ns }))
    expect(again.code).toBe(404)
  })

  it('deletes the namespace: Terminating first, then gone', async () => {
    await core.createNamespacedPod({ namespace: ns, body: podManifest('leftover') })
    // The server answers with the Namespace, now Terminating; the client decodes
    // every delete answer as a V1Status, which keeps kind and status but not metadata.name.
    const deleting = await core.deleteNamespace({ name: ns })
    expect(deleting).toMatchObject({ kind: 'Namespace', status: { phase: 'Terminating' } })

    await waitFor(`namespace ${ns} to be removed`, async () => {
      const r = await apiError(core.readNamespace({ name: ns }))
      return r.code === 404 ? true : undefined
    })
    const gone = await apiError(core.readNamespace({ name: ns }))
    expect(gone.status).toEqual(statusBody(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' }))
    expect((await core.listPodForAllNamespaces({ fieldSelector: `metadata.namespace=${ns}` })).items).toEqual([])
  })

  describe('delete answers', () => {
    const bugNs = `client-node-bugs-${process.pid}`
    let created: V1Deployment

    beforeAll(async () => {
      await core.createNamespace({ body: { metadata: { name: bugNs } } })
      created = await apps.createNamespacedDeployment({ namespace: bugNs, body: deploymentManifest('short-lived', 1) })
    })
    afterAll(async () => {
      await core.deleteNamespace({ name: bugNs }).catch(() => undefined)
    })

    // Upstream's generic store answers an immediate delete with a Success
    // Status unless the store sets ReturnDeletedObject (pods do, deployments do not).
    it('deleting a deployment answers with a Success Status', async () => {
      const deleted = await apps.deleteNamespacedDeployment({ name: 'short-lived', namespace: bugNs })
      expect(deleted).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name: 'short-lived', group: 'apps', kind: 'deployments', uid: created.metadata?.uid },
      })
    })
  })
})
