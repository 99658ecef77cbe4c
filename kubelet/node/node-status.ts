// NodeStatus as upstream's setters write it (pkg/kubelet/nodestatus), when it
// counts as changed (nodeStatusHasChanged: heartbeat times do not count), and
// the strategic-merge patch of nodes/<name>/status that carries the change
// (nodeutil.PatchNodeStatus).
import { isDeepStrictEqual } from 'node:util'
import type { Condition, Node, NodeStatus } from '../../shared/core-types.ts'
import { setNodeConditions, type ConditionOverride, type NodeHealth } from './conditions.ts'
import type { NodeConfig } from './node-object.ts'

export type { NodeHealth, ConditionOverride }

export interface ContainerImage {
  names: string[]
  sizeBytes?: number
}

/** --node-status-max-images default; upstream reports at most 5 names per image. */
const maxImages = 50
const maxNamesPerImage = 5

/**
 * Runs the setters on `node` in upstream's order: addresses, machine info
 * (capacity, allocatable, IDs), version info, daemon endpoints, images, then
 * the conditions. Fields other writers own (volumesAttached, other
 * conditions) are left as they are.
 */
export function setNodeStatus(node: Node, config: NodeConfig, now: number, health?: NodeHealth, overrides?: readonly ConditionOverride[]): void {
  const status = (node.status ??= {})
  status.addresses = [
    { type: 'InternalIP', address: config.nodeIP },
    { type: 'Hostname', address: config.hostname },
  ]
  // Extended resources other agents (device plugins) advertise survive; ours are set.
  status.capacity = { ...status.capacity, ...config.capacity }
  status.allocatable = { ...status.allocatable, ...config.allocatable }
  status.nodeInfo = { ...status.nodeInfo, ...config.nodeInfo }
  status.daemonEndpoints = { kubeletEndpoint: { Port: config.kubeletPort } }
  if (config.images) {
    const images = config.images().slice(0, maxImages).map((i) => ({ names: i.names.slice(0, maxNamesPerImage), sizeBytes: i.sizeBytes ?? 0 }))
    if (images.length > 0) status.images = images
    else delete status.images
  }
  setNodeConditions(node, now, health, overrides)
}

/** JSON equality: `undefined` fields and absent ones are the same on the wire. */
function sameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)))
}

function withoutHeartbeat(conditions: Condition[] | undefined): Condition[] {
  return [...(conditions ?? [])].map((c) => ({ ...c, lastHeartbeatTime: undefined })).sort((a, b) => ((a.type ?? '') < (b.type ?? '') ? -1 : (a.type ?? '') > (b.type ?? '') ? 1 : 0))
}

/** Upstream's nodeStatusHasChanged: any difference except conditions' lastHeartbeatTime (and their order). */
export function nodeStatusHasChanged(prev: NodeStatus | undefined, next: NodeStatus | undefined): boolean {
  if (!prev || !next) return prev !== next
  if (!sameJson(withoutHeartbeat(prev.conditions), withoutHeartbeat(next.conditions))) return true
  return !sameJson({ ...prev, conditions: undefined }, { ...next, conditions: undefined })
}

/** A two-way diff of JSON maps: changed keys, and null for removed ones (as CreateTwoWayMergePatch). */
function diffMap(prev: Record<string, unknown> | undefined, next: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(next ?? {})) {
    if (v === undefined) continue
    const old = prev?.[k]
    if (sameJson(old, v)) continue
    const bothMaps = isMap(old) && isMap(v)
    out[k] = bothMaps ? diffMap(old, v) : v
  }
  for (const k of Object.keys(prev ?? {})) if (prev![k] !== undefined && next?.[k] === undefined) out[k] = null
  return Object.keys(out).length > 0 ? out : undefined
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * The strategic-merge patch from `prev` to `next` status, or undefined when
 * nothing differs. Conditions merge by type, so only changed ones are sent
 * and conditions other writers set stay; a new type is appended, as ours
 * come last in `next` too. Addresses are replaced whole: their merge key
 * (type) is not unique, which is why upstream appends `$patch: replace`.
 */
export function nodeStatusPatch(prev: NodeStatus | undefined, next: NodeStatus): { status: Record<string, unknown> } | undefined {
  const { conditions: prevConditions, addresses: prevAddresses, ...prevRest } = prev ?? {}
  const { conditions, addresses, ...rest } = next
  const status: Record<string, unknown> = diffMap(prevRest, rest) ?? {}
  if (addresses && !sameJson(prevAddresses, addresses)) status.addresses = prevAddresses?.length ? [...addresses, { $patch: 'replace' }] : addresses
  if (conditions) {
    const changed = conditions.filter((c) => !sameJson(prevConditions?.find((p) => p.type === c.type), c))
    if (changed.length > 0) status.conditions = changed
  }
  return Object.keys(status).length > 0 ? { status } : undefined
}
