// The DaemonSet and StatefulSet controllers, run in this process against
// real apiserver, scheduler and kubelet (sim runtime, 3 nodes, later a 4th)
// processes, driven with real kubectl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, userAgentFor, type Client } from '../../shared/client/index.ts'
import { realClock } from '../../shared/clock.ts'
import type { Pod } from '../../shared/core-types.ts'
import { Informer, SharedInformerFactory } from '../../shared/informer/index.ts'
import { createLogger } from '../../shared/logger.ts'
import { createControllerContext } from '../../controller-manager/controller-context.ts'
import { daemonSetController } from '../../controller-manager/controllers/daemonset/daemonset-controller.ts'
import { statefulSetController } from '../../controller-manager/controllers/statefulset/statefulset-controller.ts'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { startKubeletProcess, type KubeletProcess } from '../support/kubelet-process.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { startSchedulerProcess, type SchedulerProcess } from '../support/scheduler-process.ts'
import { waitFor } from '../support/wait-for.ts'

const ns = 'default'

function daemonSetManifest(name: string, image: string, strategy: Record<string, unknown> = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } }): string {
  return JSON.stringify({
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: strategy,
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'agent', image }] } },
    },
  })
}

const isReady = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false

describe('daemonset and statefulset controllers', () => {
  let apiserver: ApiserverProcess
  let scheduler: SchedulerProcess
  const kubelets: KubeletProcess[] = []
  let client: Client
  let informers: SharedInformerFactory
  let kubectl: Kubectl
  let watchPods: Informer<Pod>
  const stop = new AbortController()
  let running: Promise<unknown> = Promise.resolve()

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory' })
    scheduler = await startSchedulerProcess(apiserver.url, { args: ['--leader-elect=false'], logLevel: 'warn' })
    kubelets.push(await startKubeletProcess(apiserver.url, { runtime: 'sim', args: ['--nodes', '3', '--node-name-prefix', 'sim-'], nodeIP: '127.0.80.1', logLevel: 'warn' }))
    client = createClient({ server: apiserver.url, userAgent: userAgentFor('controller-manager') })
    informers = new SharedInformerFactory({ client })
    const log = createLogger('controller-manager', 'warn')
    const ctx = createControllerContext({ client, informers, clock: realClock, log, workers: () => 2 })
    const runs = [daemonSetController, statefulSetController].map((definition) => definition.init(ctx))
    // The test's own view of pods, for watchers that check every intermediate state.
    watchPods = informers.informerFor<Pod>({ group: '', version: 'v1', plural: 'pods', namespaced: true })
    informers.start()
    await informers.whenSynced()
    running = Promise.all(runs.map((run) => run(stop.signal)))
    kubectl = kubectlFor(kubectlVersions()[0].binary, apiserver.url)
    await waitFor('3 ready nodes', async () => {
      const nodes = (await client.nodes.list()).items
      return nodes.length === 3 ? nodes : undefined
    }, 30_000)
  }, 90_000)

  afterAll(async () => {
    stop.abort()
    await running
    await informers?.stop()
    await client?.close()
    for (const kubelet of kubelets) await kubelet.cleanup()
    await scheduler?.stop()
    await apiserver?.cleanup()
  }, 60_000)

  const podsWith = (app: string) => watchPods.list().filter((p) => p.metadata.namespace === ns && p.metadata.labels?.app === app)
  const dsLine = async (name: string) => (await kubectl.ok(['get', 'ds', name, '--no-headers'])).trim().split(/\s+/)

  it('runs one pod per node, adds one for a new node, and reports kubectl get ds columns', async () => {
    await kubectl.ok(['create', '-f', '-'], { input: daemonSetManifest('agent', 'agent:1') })
    const pods = await waitFor('3 ready agent pods on 3 nodes', () => {
      const found = podsWith('agent').filter((p) => p.spec?.nodeName && isReady(p))
      return found.length === 3 ? found : undefined
    }, 30_000)
    expect(new Set(pods.map((p) => p.spec?.nodeName))).toEqual(new Set(['sim-0000', 'sim-0001', 'sim-0002']))
    for (const pod of pods) {
      // Pinned by affinity, not nodeName: the scheduler binds it.
      const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms
      expect(terms).toEqual([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [pod.spec?.nodeName] }] }])
      expect(pod.spec?.tolerations).toContainEqual({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' })
      expect(pod.metadata.labels?.['controller-revision-hash']).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/)
    }
    const revisions = await kubectl.ok(['get', 'controllerrevisions', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.revision}{"\\n"}{end}'])
    expect(revisions.trim()).toBe(`agent-${pods[0].metadata.labels?.['controller-revision-hash']} 1`)
    await waitFor('kubectl get ds to show 3 3 3 3 3', async () => {
      const line = await dsLine('agent')
      return line.slice(0, 6).join(' ') === 'agent 3 3 3 3 3' ? line : undefined
    })

    kubelets.push(await startKubeletProcess(apiserver.url, { runtime: 'sim', nodeName: 'extra-0000', nodeIP: '127.0.80.2', logLevel: 'warn' }))
    await waitFor('a ready agent pod on the new node', () => podsWith('agent').find((p) => p.spec?.nodeName === 'extra-0000' && isReady(p)), 30_000)
    await waitFor('kubectl get ds to show 4 4 4 4 4', async () => {
      const line = await dsLine('agent')
      return line.slice(0, 6).join(' ') === 'agent 4 4 4 4 4' ? line : undefined
    })
    const events = await kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=agent', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}:{.source.component}{"\\n"}{end}'])
    expect(events).toMatch(/SuccessfulCreate:Created pod: agent-\w+:daemonset-controller/)
  }, 90_000)

  it('rolls an update out one node at a time, never more than maxUnavailable down', async () => {
    const desired = 4
    let worst = desired
    const check = () => {
      const up = new Set(podsWith('agent').filter((p) => isReady(p) && !p.metadata.deletionTimestamp && p.spec?.nodeName).map((p) => p.spec?.nodeName))
      worst = Math.min(worst, up.size)
    }
    const remove = watchPods.addEventHandler({ onAdd: check, onUpdate: check, onDelete: check })
    try {
      await kubectl.ok(['set', 'image', 'ds/agent', 'agent=agent:2'])
      await kubectl.ok(['rollout', 'status', 'ds/agent', '--timeout=60s'], { timeoutMs: 70_000 })
    } finally {
      remove()
    }
    const pods = podsWith('agent').filter((p) => !p.metadata.deletionTimestamp)
    expect(pods).toHaveLength(desired)
    expect(pods.every((p) => (p.spec?.containers?.[0]?.image) === 'agent:2')).toBe(true)
    expect(worst).toBeGreaterThanOrEqual(desired - 1)
    const line = await dsLine('agent')
    expect(line.slice(0, 6).join(' ')).toBe('agent 4 4 4 4 4')
    const numbers = await kubectl.ok(['get', 'controllerrevisions', '-o', 'jsonpath={range .items[*]}{.revision}{"\\n"}{end}'])
    expect(numbers.trim().split('\n').sort()).toEqual(['1', '2'])
  }, 90_000)

  it('OnDelete replaces only the pods that are deleted', async () => {
    await kubectl.ok(['patch', 'ds', 'agent', '--type=merge', '-p', JSON.stringify({ spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null } } })])
    await kubectl.ok(['set', 'image', 'ds/agent', 'agent=agent:3'])
    const ds = await waitFor('the DaemonSet to observe the new template', async () => {
      const d = await client.daemonSets.namespace(ns).get('agent') as { metadata: { generation?: number }; status?: { observedGeneration?: number; updatedNumberScheduled?: number } }
      return d.status?.observedGeneration === d.metadata.generation ? d : undefined
    })
    expect(ds.status?.updatedNumberScheduled ?? 0).toBe(0)
    const victim = podsWith('agent').find((p) => p.spec?.nodeName === 'sim-0001')!
    await kubectl.ok(['delete', 'pod', victim.metadata.name!, '--wait=false'])
    const replacement = await waitFor('a new agent:3 pod on sim-0001', () =>
      podsWith('agent').find((p) => p.spec?.nodeName === 'sim-0001' && p.metadata.uid !== victim.metadata.uid && isReady(p)), 30_000)
    expect(replacement.spec?.containers?.[0]?.image).toBe('agent:3')
    const others = podsWith('agent').filter((p) => p.spec?.nodeName !== 'sim-0001' && !p.metadata.deletionTimestamp)
    expect(others.map((p) => p.spec?.containers?.[0]?.image)).toEqual(['agent:2', 'agent:2', 'agent:2'])
    await waitFor('UP-TO-DATE 1', async () => ((await dsLine('agent'))[4] === '1' ? true : undefined))
  }, 60_000)

  it('creates web-0, web-1, web-2 in order with their claims, and scales down from the top', async () => {
    const created: string[] = []
    const readyBefore: Record<string, string[]> = {}
    const remove = watchPods.addEventHandler({
      onAdd: (pod) => {
        if (pod.metadata.labels?.app !== 'web') return
        created.push(pod.metadata.name!)
        readyBefore[pod.metadata.name!] = podsWith('web').filter((p) => p.metadata.name !== pod.metadata.name && isReady(p)).map((p) => p.metadata.name!).sort()
      },
    })
    const sts = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' },
      spec: {
        replicas: 3, serviceName: 'web', selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
        volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    }
    try {
      await kubectl.ok(['create', '-f', '-'], { input: JSON.stringify(sts) })
      await waitFor('kubectl get sts web to show 3/3', async () => {
        const out = await kubectl.ok(['get', 'sts', 'web', '--no-headers'])
        return /^web\s+3\/3\s/.test(out) ? out : undefined
      }, 60_000)
    } finally {
      remove()
    }
    expect(created).toEqual(['web-0', 'web-1', 'web-2'])
    // OrderedReady: each pod is created only once all before it are ready.
    expect(readyBefore).toEqual({ 'web-0': [], 'web-1': ['web-0'], 'web-2': ['web-0', 'web-1'] })
    const web1 = podsWith('web').find((p) => p.metadata.name === 'web-1')!
    expect(web1.metadata.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'web-1', 'apps.kubernetes.io/pod-index': '1' })
    expect(web1.spec).toMatchObject({ hostname: 'web-1', subdomain: 'web' })
    expect(web1.spec?.volumes).toContainEqual({ name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } })
    const claims = await kubectl.ok(['get', 'pvc', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'])
    expect(claims.trim().split('\n').sort()).toEqual(['www-web-0', 'www-web-1', 'www-web-2'])
    const events = await kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=web,reason=SuccessfulCreate', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}'])
    const podCreates = events.trim().split('\n').filter((m) => m.startsWith('create Pod'))
    expect(podCreates).toEqual(['create Pod web-0 in StatefulSet web successful', 'create Pod web-1 in StatefulSet web successful', 'create Pod web-2 in StatefulSet web successful'])
    const status = (await client.statefulSets.namespace(ns).get('web')).status as Record<string, unknown>
    expect(status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3 })
    expect(status.currentRevision).toBe(status.updateRevision)
    expect(web1.metadata.labels?.['controller-revision-hash']).toBe(status.updateRevision)

    // Scale down: web-2 goes first, and web-1 only once web-2 is gone.
    const deletions: string[] = []
    const removeWatch = watchPods.addEventHandler({
      onUpdate: (old, pod) => {
        if (pod.metadata.labels?.app === 'web' && pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) deletions.push(`${pod.metadata.name} marked`)
      },
      onDelete: (pod) => {
        if (pod.metadata.labels?.app === 'web') deletions.push(`${pod.metadata.name} gone`)
      },
    })
    try {
      await kubectl.ok(['scale', 'sts', 'web', '--replicas=1'])
      await waitFor('only web-0 left', () => {
        const names = podsWith('web').map((p) => p.metadata.name)
        return names.length === 1 && names[0] === 'web-0' ? true : undefined
      }, 60_000)
    } finally {
      removeWatch()
    }
    const order = deletions.filter((d, i) => deletions.indexOf(d) === i)
    expect(order.indexOf('web-2 marked')).toBeGreaterThanOrEqual(0)
    expect(order.indexOf('web-1 marked')).toBeGreaterThan(order.indexOf('web-2 gone'))
    await waitFor('kubectl get sts web to show 1/1', async () => {
      const out = await kubectl.ok(['get', 'sts', 'web', '--no-headers'])
      return /^web\s+1\/1\s/.test(out) ? out : undefined
    })
  }, 120_000)
})
