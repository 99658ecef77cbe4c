// Registration, as upstream's registerWithAPIServer: create the Node; if it
// exists (a restarted kubelet, or a node authorizer that answers 403 for an
// existing Node), read it and reconcile what the kubelet owns at
// registration: the attach-detach annotation, the default labels, extended
// resources zeroed (their device plugins must re-register) and hugepages.
// Everything else in status is brought up to date by the first status sync.
// Attempts back off 100 ms, doubling, to 7 s, and go on until they succeed.
import type { Client } from '../../shared/client/index.ts'
import { ClientStatusError, isAlreadyExists } from '../../shared/client/index.ts'
import { realClock, type Clock } from '../../shared/clock.ts'
import type { Node } from '../../shared/core-types.ts'
import type { Logger } from '../../shared/logger.ts'
import { controllerManagedAttachAnnotation, kubeletDefaultLabels } from './node-object.ts'
import { nodeStatusPatch } from './node-status.ts'

export interface RegisterOptions {
  client: Pick<Client, 'nodes'>
  /** The Node as buildNode made it. */
  node: Node
  /** @default realClock */
  clock?: Clock
  log?: Logger
  /** Aborting stops the retries; the promise rejects with the signal's reason. */
  signal?: AbortSignal
}

const maxStepMs = 7_000

/** The apiserver's gitVersion from /version: what the kubelet reports as its own version. */
export async function serverGitVersion(client: Pick<Client, 'transport'>): Promise<string> {
  const info = await client.transport.json<{ gitVersion?: string }>({ method: 'GET', path: '/version' })
  if (!info.gitVersion) throw new Error('/version has no gitVersion')
  return info.gitVersion
}

/** Registers until it succeeds; resolves with the Node as stored. */
export async function registerNode(options: RegisterOptions): Promise<Node> {
  const clock = options.clock ?? realClock
  let step = 100
  for (;;) {
    await sleep(clock, step, options.signal)
    step = Math.min(step * 2, maxStepMs)
    try {
      const node = await tryRegister(options)
      options.log?.info({ node: options.node.metadata.name }, 'successfully registered node')
      return node
    } catch (err) {
      options.log?.error({ err, node: options.node.metadata.name }, 'unable to register node with API server')
    }
  }
}

function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted()
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      cancel()
      reject(signal!.reason)
    }
    const cancel = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

async function tryRegister({ client, node, log }: RegisterOptions): Promise<Node> {
  const name = node.metadata.name!
  try {
    const created = (await client.nodes.create(node)) as Node
    // An apiserver that drops status on create (ours keeps it, as upstream's) still gets one.
    if (!created.status?.conditions?.length && node.status) {
      const patch = nodeStatusPatch(created.status, node.status)
      if (patch) return (await client.nodes.patch(name, patch, 'strategic', { subresource: 'status' })) as Node
    }
    return created
  } catch (err) {
    const forbidden = err instanceof ClientStatusError && err.code === 403
    if (!isAlreadyExists(err) && !forbidden) throw err
  }
  const existing = (await client.nodes.get(name)) as Node
  log?.info({ node: name }, 'node was previously registered')
  const metadata = reconcileMetadata(node, existing)
  const status = reconcileStatusResources(node, existing)
  let current: Node = existing
  // Our apiserver's nodes/status takes only status, so labels and annotations go through the Node itself.
  if (metadata) current = (await client.nodes.patch(name, { metadata }, 'strategic')) as Node
  if (status) current = (await client.nodes.patch(name, { status }, 'strategic', { subresource: 'status' })) as Node
  return current
}

/** The annotation and default-label edits upstream makes to an existing Node, as a patch of metadata. */
export function reconcileMetadata(initial: Node, existing: Node): Record<string, unknown> | undefined {
  const annotations: Record<string, string | null> = {}
  const want = initial.metadata.annotations?.[controllerManagedAttachAnnotation]
  const have = existing.metadata.annotations?.[controllerManagedAttachAnnotation]
  if (want !== have) annotations[controllerManagedAttachAnnotation] = want ?? null
  const labels: Record<string, string | null> = {}
  for (const key of kubeletDefaultLabels) {
    if (!(key in (initial.metadata.labels ?? {}))) continue
    const value = initial.metadata.labels![key]
    const current = existing.metadata.labels?.[key]
    if (current !== value) labels[key] = value === '' ? null : value
  }
  const patch: Record<string, unknown> = {}
  if (Object.keys(annotations).length > 0) patch.annotations = annotations
  if (Object.keys(labels).length > 0) patch.labels = labels
  return Object.keys(patch).length > 0 ? patch : undefined
}

const nonExtended = /^(cpu|memory|pods|ephemeral-storage|storage|hugepages-.*|requests\..*|limits\..*)$/

function isExtendedResource(name: string): boolean {
  // v1helper.IsExtendedResourceName: a qualified name outside kubernetes.io, not prefixed requests.
  return !nonExtended.test(name) && name.includes('/') && !name.startsWith('kubernetes.io/') && !name.split('/')[0].endsWith('.kubernetes.io')
}

/**
 * reconcileExtendedResource and reconcileHugePageResource: extended
 * resources drop to 0 until their device plugin reports again; hugepage
 * sizes follow the initial node's.
 */
export function reconcileStatusResources(initial: Node, existing: Node): Record<string, unknown> | undefined {
  const capacity: Record<string, string | null> = {}
  const allocatable: Record<string, string | null> = {}
  const have = existing.status?.capacity ?? {}
  for (const name of Object.keys(have)) {
    if (isExtendedResource(name) && String(have[name]) !== '0') {
      capacity[name] = '0'
      allocatable[name] = '0'
    }
  }
  const want = initial.status?.capacity ?? {}
  for (const name of Object.keys(have)) {
    if (name.startsWith('hugepages-') && !(name in want)) {
      capacity[name] = null
      allocatable[name] = null
    }
  }
  for (const [name, quantity] of Object.entries(want)) {
    if (!name.startsWith('hugepages-')) continue
    if (String(have[name]) !== String(quantity)) capacity[name] = String(quantity)
    const alloc = initial.status?.allocatable?.[name]
    if (alloc !== undefined && String(existing.status?.allocatable?.[name]) !== String(alloc)) allocatable[name] = String(alloc)
  }
  const patch: Record<string, unknown> = {}
  if (Object.keys(capacity).length > 0) patch.capacity = capacity
  if (Object.keys(allocatable).length > 0) patch.allocatable = allocatable
  return Object.keys(patch).length > 0 ? patch : undefined
}
