// Seeing the flow: a cluster of real processes (startCluster with flow on, the
// scheduler on its own with --log-format flow, one process-runtime kubelet),
// /debug/flow subscribed before real `kubectl run`, and the stream holding,
// in order, the create, the scheduler's watch event, the binding, the
// kubelet's watch event and the kubelet's status update. Once per kubectl
// version: v1.32 in namespace default read as plain text, the other in its
// own namespace read as server-sent events, each filter keeping the other out.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type Cluster } from '../../bin/launcher/cluster.ts'
import { kubectlFor, kubectlVersions } from '../support/kubectl.ts'
import { startSchedulerProcess, type SchedulerProcess } from '../support/scheduler-process.ts'
import { waitFor } from '../support/wait-for.ts'

interface FlowStream {
  /** The flow lines so far, without their timestamps (SSE data lines unwrapped). */
  lines(): string[]
  raw(): string
  contentType: string | null
  close(): void
}

async function subscribe(url: string, sse: boolean): Promise<FlowStream> {
  const abort = new AbortController()
  const res = await fetch(url, { headers: sse ? { accept: 'text/event-stream' } : {}, signal: abort.signal })
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`)
  let raw = ''
  const decoder = new TextDecoder()
  void (async () => {
    try {
      for await (const chunk of res.body!) raw += decoder.decode(chunk, { stream: true })
    } catch {
      // closed by the test
    }
  })()
  const stamp = /^\d\d:\d\d:\d\d\.\d{3} /
  return {
    raw: () => raw,
    lines: () => {
      const complete = raw.slice(0, raw.lastIndexOf('\n') + 1)
      const lines = sse
        ? complete.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice('data: '.length))
        : complete.split('\n').filter(Boolean)
      return lines.map((l) => l.replace(stamp, ''))
    },
    contentType: res.headers.get('content-type'),
    close: () => abort.abort(),
  }
}

/** The life of pod `name` in `namespace` as the issue lists it, each step after the one before. */
function podLife(namespace: string, name: string): Array<[string, RegExp]> {
  const pods = `/api/v1/namespaces/${namespace}/pods`
  return [
    ['the create', new RegExp(`^kubectl → apiserver  POST ${pods} ${name} → 201 rv=\\d+$`)],
    ['the scheduler\'s watch event', new RegExp(`^apiserver → scheduler  watch ADDED pod ${namespace}/${name} rv=\\d+$`)],
    ['the binding', new RegExp(`^scheduler → apiserver  POST ${pods}/${name}/binding node-1 → 201$`)],
    ['the kubelet\'s watch event', new RegExp(`^apiserver → kubelet\\(node-1\\)  watch ADDED pod ${namespace}/${name} rv=\\d+$`)],
    ['the kubelet\'s status update', new RegExp(`^kubelet\\(node-1\\) → apiserver  PATCH ${pods}/${name}/status (Pending|Running) → 200 rv=\\d+$`)],
  ]
}

/** Index of each step in `lines`, each searched after the previous; -1 from the first missing one on. */
function stepsInOrder(lines: string[], steps: Array<[string, RegExp]>): number[] {
  const found: number[] = []
  let from = 0
  for (const [, pattern] of steps) {
    const at = found.includes(-1) ? -1 : lines.findIndex((l, i) => i >= from && pattern.test(l))
    found.push(at)
    from = at + 1
  }
  return found
}

describe('the flow of kubectl run through a cluster of real processes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-flow-e2e-'))
  const clusterLines: Array<[string, string]> = []
  let cluster: Cluster
  let scheduler: SchedulerProcess
  let inDefault: FlowStream
  let inOther: FlowStream
  const otherNamespace = 'flow-other'

  beforeAll(async () => {
    cluster = await startCluster({
      port: 0, nodes: 1, dataDir, fresh: true, nodeIPPrefix: '127.0.97.',
      scheduler: false, controllerManager: false, flow: true,
      events: { line: (component, line) => void clusterLines.push([component, line]) },
    })
    scheduler = await startSchedulerProcess(cluster.url, { args: ['--log-format', 'flow'], logLevel: 'info' })
    // Subscribed before any kubectl runs; the walkthrough reads this URL shape.
    inDefault = await subscribe(`${cluster.url}/debug/flow?namespace=default&name=nginx`, false)
    inOther = await subscribe(`${cluster.url}/debug/flow?namespace=${otherNamespace}&name=nginx`, true)
  }, 90_000)

  afterAll(async () => {
    inDefault?.close()
    inOther?.close()
    await scheduler?.stop()
    await cluster?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const [v132, other] = kubectlVersions()

  it(`kubectl ${v132.name} run nginx: create, scheduler's event, binding, kubelet's event and status update, in order (plain text)`, async () => {
    expect(inDefault.contentType).toMatch(/^text\/plain/)
    const kubectl = kubectlFor(v132.binary, cluster.url)
    await kubectl.ok(['run', 'nginx', '--image=nginx'])
    const steps = podLife('default', 'nginx')
    const found = await waitFor('the whole life of default/nginx in /debug/flow', () => {
      const at = stepsInOrder(inDefault.lines(), steps)
      return at.includes(-1) ? undefined : at
    }, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\nsteps found: ${stepsInOrder(inDefault.lines(), steps).map((at, i) => `${steps[i][0]}=${at}`).join(', ')}\nstream:\n${inDefault.lines().join('\n')}`)
    })
    expect(found).toEqual([...found].sort((a, b) => a - b))
    // Only default/nginx: no other object, no other namespace.
    for (const line of inDefault.lines()) expect(line).toMatch(/default\/(pods\/)?nginx\b|\/namespaces\/default\/pods nginx /)
  })

  it(`kubectl ${v132.name} exec: a line as the stream opens and one as it ends`, async () => {
    const kubectl = kubectlFor(v132.binary, cluster.url)
    await waitFor('nginx Running', async () => ((await kubectl.ok(['get', 'pod', 'nginx', '-o', 'jsonpath={.status.phase}'])) === 'Running' ? true : undefined), 30_000)
    expect(await kubectl.ok(['exec', 'nginx', '--', 'echo', 'hi'])).toBe('hi\n')
    const exec = /^kubectl → apiserver {2}(GET|POST) \/api\/v1\/namespaces\/default\/pods\/nginx\/exec → 101 \((websocket|SPDY\/3\.1) stream opened\)$/i
    await waitFor('the exec stream\'s lines', () => {
      const lines = inDefault.lines()
      const opened = lines.findIndex((l) => exec.test(l))
      return opened >= 0 && lines.slice(opened + 1).some((l) => /\/pods\/nginx\/exec → 101 \(stream closed after \d+\.\d s\)$/.test(l)) ? true : undefined
    }, 15_000).catch((err: Error) => {
      throw new Error(`${err.message}\nstream:\n${inDefault.lines().join('\n')}`)
    })
  })

  it(`kubectl ${other.name} run nginx in another namespace: the same steps, as server-sent events`, async () => {
    expect(inOther.contentType).toMatch(/^text\/event-stream/)
    const kubectl = kubectlFor(other.binary, cluster.url)
    await kubectl.ok(['create', 'namespace', otherNamespace])
    await kubectl.ok(['run', 'nginx', '--image=nginx', '-n', otherNamespace])
    const steps = podLife(otherNamespace, 'nginx')
    await waitFor(`the whole life of ${otherNamespace}/nginx in /debug/flow`, () => (stepsInOrder(inOther.lines(), steps).includes(-1) ? undefined : true), 30_000)
      .catch((err: Error) => {
        throw new Error(`${err.message}\nstream:\n${inOther.raw()}`)
      })
    // SSE framing: a comment first, then each record one `data:` line and a blank line.
    const raw = inOther.raw()
    expect(raw.slice(0, raw.lastIndexOf('\n\n') + 2)).toMatch(/^: kubeling flow\n\n(data: \d\d:\d\d:\d\d\.\d{3} [^\n]+\n\n|: keep-alive\n\n)+$/)
    // Each filter keeps the other namespace's pod out.
    expect(inOther.lines().some((l) => l.includes('default'))).toBe(false)
    expect(inDefault.lines().some((l) => l.includes(otherNamespace))).toBe(false)
  })

  it('the apiserver\'s flow lines reach the launcher, and the scheduler prints its own side', async () => {
    const apiserverLines = () => clusterLines.filter(([c]) => c === 'apiserver').map(([, l]) => l.replace(/^\d\d:\d\d:\d\d\.\d{3} /, ''))
    await waitFor('the create in the apiserver\'s output', () => apiserverLines().some((l) => /^kubectl → apiserver {2}POST \/api\/v1\/namespaces\/default\/pods nginx → 201/.test(l)))
    // No JSON request log beside the flow lines.
    expect(clusterLines.some(([c, l]) => c === 'apiserver' && l.includes('"msg":"request"'))).toBe(false)

    const schedulerLines = () => scheduler.output().split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d\.\d{3} /, ''))
    await waitFor('the scheduler\'s own binding line', () => schedulerLines().some((l) => l === 'scheduler → apiserver  POST /api/v1/namespaces/default/pods/nginx/binding node-1 → 201'))
    expect(schedulerLines().some((l) => /^apiserver → scheduler {2}watch ADDED pod default\/nginx rv=\d+$/.test(l))).toBe(true)
    // Its other messages are short text lines, not JSON.
    expect(scheduler.output()).toMatch(/\n\d\d:\d\d:\d\d\.\d{3} INFO {2}caches synced /)
    expect(scheduler.output()).not.toMatch(/^\{"level"/m)
  })
})
