// Creating and deleting a controller's pods (upstream's PodControl and
// slowStartBatch): pods from the owner's template with a controller
// reference, generateName `<owner>-` (the apiserver adds five characters),
// and the Events upstream's controllers record.
import type { KubeObject } from '../shared/api-types.ts'
import { isAlreadyExists, isNotFound, type Client } from '../shared/client/index.ts'
import type { Pod, PodTemplateSpec } from '../shared/core-types.ts'
import type { EventRecorder } from '../shared/event-recorder.ts'
import { controllerRef } from './owner-refs.ts'

/** The pod a template describes, owned by owner (labels, annotations and finalizers come from the template). */
export function podFromTemplate(template: PodTemplateSpec | undefined, owner: KubeObject, generateName = `${owner.metadata.name}-`): Pod {
  const meta = template?.metadata ?? {}
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      namespace: owner.metadata.namespace,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec: structuredClone(template?.spec ?? {}),
  }
}

export class PodControl {
  readonly #client: Pick<Client, 'pods'>
  readonly #recorder: Pick<EventRecorder, 'event'>

  constructor(client: Pick<Client, 'pods'>, recorder: Pick<EventRecorder, 'event'>) {
    this.#client = client
    this.#recorder = recorder
  }

  /** Creates the pod; Events SuccessfulCreate / FailedCreate on the owner. Returns the created pod, or throws. */
  async create(owner: KubeObject, pod: Pod): Promise<Pod> {
    try {
      const created = await this.#client.pods.namespace(owner.metadata.namespace ?? 'default').create(pod) as Pod
      this.#recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`)
      return created
    } catch (err) {
      if (!isAlreadyExists(err)) this.#recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`)
      throw err
    }
  }

  /** Deletes the pod (uid precondition); Events SuccessfulDelete / FailedDelete. A pod already gone counts as deleted. */
  async delete(owner: KubeObject, pod: Pod): Promise<void> {
    try {
      await this.#client.pods.namespace(pod.metadata.namespace ?? 'default').delete(pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid } })
      this.#recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`)
    } catch (err) {
      if (isNotFound(err)) return
      this.#recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`)
      throw err
    }
  }
}

/**
 * Runs fn count times in growing batches (1, 2, 4, …), as upstream's
 * slowStartBatch: a quota or a broken template fails one call, not hundreds.
 * Stops at the first batch with an error; returns how many succeeded and the
 * first error.
 */
export async function slowStartBatch(count: number, fn: (i: number) => Promise<void>, initialBatch = 1): Promise<{ succeeded: number; error?: unknown }> {
  let succeeded = 0
  let started = 0
  for (let batch = Math.min(initialBatch, count); started < count; batch = Math.min(2 * batch, count - started)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, i) => fn(started + i)))
    started += batch
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined
    succeeded += results.filter((r) => r.status === 'fulfilled').length
    if (failed) return { succeeded, error: failed.reason }
  }
  return { succeeded }
}
