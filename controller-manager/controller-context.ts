// What every controller gets from the controller-manager: the API client,
// the shared informers (one watch per resource for the whole process), Event
// recorders named as upstream's controllers name themselves, a clock and a
// logger. Controllers write only through the API.
import type { Client } from '../shared/client/index.ts'
import type { Clock } from '../shared/clock.ts'
import { EventRecorder } from '../shared/event-recorder.ts'
import type { SharedInformerFactory } from '../shared/informer/index.ts'
import type { Logger } from '../shared/logger.ts'

export interface ControllerContext {
  client: Client
  informers: SharedInformerFactory
  /** An Event recorder with source.component = component, e.g. 'replicaset-controller'. */
  recorder(component: string): EventRecorder
  clock: Clock
  log: Logger
  /** --concurrent-<name>-syncs, e.g. workers('replicaset') → 5. */
  workers(name: string): number
}

export interface ControllerContextOptions {
  client: Client
  informers: SharedInformerFactory
  clock: Clock
  log: Logger
  workers(name: string): number
}

/** A context whose recorders are made once per component and can all be flushed at the end. */
export interface OwnedControllerContext extends ControllerContext {
  /** Writes every Event still queued, in every recorder handed out. */
  flushRecorders(): Promise<void>
}

export function createControllerContext(options: ControllerContextOptions): OwnedControllerContext {
  const { client, clock, log } = options
  const recorders = new Map<string, EventRecorder>()
  return {
    ...options,
    recorder(component) {
      let recorder = recorders.get(component)
      if (!recorder) recorders.set(component, (recorder = new EventRecorder({ client, component, clock, log })))
      return recorder
    },
    async flushRecorders() {
      for (const recorder of recorders.values()) await recorder.flush()
    },
  }
}

/** One controller as the controller-manager starts it (upstream's name, as --controllers lists it). */
export interface ControllerDefinition {
  /** e.g. 'replicaset', 'deployment', 'garbage-collector' (upstream's --controllers names). */
  readonly name: string
  /** Registers informers and handlers; returns the function that runs the workers until signal aborts. */
  init(ctx: ControllerContext): (signal: AbortSignal) => Promise<void>
}
