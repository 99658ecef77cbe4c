// The FailedScheduling message, as upstream's FitError.Error(): how many
// nodes said what, e.g.
//   0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: x},
//   2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is
//   not helpful for scheduling.
// Users and tests read it verbatim, so the wording, the (byte-wise) sort
// order and the punctuation are upstream's.
import type { Status } from './framework.ts'

/** Upstream's ErrNoNodesAvailable: the cluster has no node at all, so neither filters nor preemption ran. */
export const noNodesAvailableMessage = 'no nodes available to schedule pods'

/** Upstream's NoteLengthLimit: an Event's message is cut to this many bytes. */
export const eventMessageLimit = 1024

export interface FailureMessageOptions {
  /**
   * A preFilter rejected the pod everywhere: its reasons (joined with ", ")
   * replace the per-node histogram, as upstream's Diagnosis.PreFilterMsg.
   */
  preFilterMessage?: string
  /** Counted for each of the numNodes nodes missing from statuses (upstream's absent-nodes status). */
  absentStatus?: Status
}

const encoder = new TextEncoder()

// Go's sort.Strings compares bytes; JS compares UTF-16 units, which differs past the BMP.
function compareBytes(a: string, b: string): number {
  const x = encoder.encode(a)
  const y = encoder.encode(b)
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i]
  return x.length - y.length
}

/** "0/N nodes are available: <count> <reason>, ... ." without the preemption part. */
export function nodesAvailableMessage(numNodes: number, statuses: ReadonlyMap<string, Status>, options: FailureMessageOptions = {}): string {
  let message = `0/${numNodes} nodes are available:`
  if (options.preFilterMessage) return `${message} ${options.preFilterMessage}.`
  const counts = new Map<string, number>()
  for (const status of statuses.values()) for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1)
  if (options.absentStatus && statuses.size < numNodes) {
    for (const reason of options.absentStatus.reasons) counts.set(reason, (counts.get(reason) ?? 0) + numNodes - statuses.size)
  }
  // The count is part of the sorted string, as upstream: "10 x" sorts before "2 y".
  const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort(compareBytes)
  if (histogram.length > 0) message += ` ${histogram.join(', ')}.`
  return message
}

/**
 * The whole FailedScheduling message (and PodScheduled condition message):
 * the node histogram, then preemption's own message (which starts with
 * "preemption: " and carries its own period) when preemption ran and found
 * nothing. With no nodes at all, upstream's "no nodes available to schedule pods".
 */
export function failureMessage(numNodes: number, statuses: ReadonlyMap<string, Status>, preemptionMessage?: string, options?: FailureMessageOptions): string {
  if (numNodes === 0) return noNodesAvailableMessage
  const message = nodesAvailableMessage(numNodes, statuses, options)
  return preemptionMessage ? `${message} ${preemptionMessage}` : message
}

/** Upstream's truncateMessage for the Event (the condition keeps the whole text): at most 1024 bytes, ending " ...". */
export function truncateEventMessage(message: string): string {
  const bytes = encoder.encode(message)
  if (bytes.length <= eventMessageLimit) return message
  let end = eventMessageLimit - ' ...'.length
  // Do not cut a UTF-8 sequence in half (continuation bytes are 10xxxxxx).
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--
  return `${new TextDecoder().decode(bytes.subarray(0, end))} ...`
}
