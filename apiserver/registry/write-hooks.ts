// Per-server steps around the one write flow, for what a stateless strategy
// cannot do because it needs this apiserver's own state or flags: upstream's
// mutating admission plugins configured by flags (DefaultTolerationSeconds)
// and the generic store's BeginCreate / BeginUpdate / AfterDelete decorators
// (the Service registry's cluster IP and node port allocators).
import type { KubeObject } from '../../shared/api-types.ts'
import type { WriteContext } from './rest-store.ts'

/**
 * Ends what a begin hook started: `true` once the object is written (drop
 * what the old object held and the new one does not), `false` when the
 * write failed or was a dry run (give back what the hook took).
 */
export type FinishWrite = (success: boolean) => void

export interface WriteHooks {
  /**
   * Mutating admission on create: runs after the kind's defaults and before
   * the strategy's prepareForCreate and validation. Optional.
   */
  admit?(obj: KubeObject): void
  /**
   * Runs once the new object passed validation, just before it is written;
   * may fill fields (allocations) or throw a StatusError. Optional.
   */
  beginCreate?(obj: KubeObject, ctx: WriteContext): FinishWrite
  /**
   * As beginCreate, for updates of the main resource (not status writes).
   * Runs inside the store's synchronous update, so it sees the latest `prev`.
   */
  beginUpdate?(next: KubeObject, prev: KubeObject, ctx: WriteContext): FinishWrite
  /** After the object left storage (a delete, or the last finalizer removed). Optional. */
  afterDelete?(obj: KubeObject): void
}

export function hooksKey(r: { group: string; plural: string }): string {
  return `${r.group}/${r.plural}`
}
