// One informer per (resource, namespace, selectors) per process: controllers
// that watch pods share one watch and one cache instead of each opening their
// own. Informers asked for after start() start at once.
import type { KubeObject } from '../api-types.ts'
import type { Client, ResourceDescriptor } from '../client/index.ts'
import type { Clock } from '../clock.ts'
import type { Logger } from '../logger.ts'
import type { BackoffOptions } from './backoff.ts'
import { Informer } from './informer.ts'

export interface SharedInformerFactoryOptions {
  client: Pick<Client, 'resource'>
  clock?: Clock
  /** Resync period for every informer; 0 is off. @default 0 */
  resyncPeriodMs?: number
  backoff?: BackoffOptions
  logger?: Logger
}

export interface InformerForOptions {
  /** Only this namespace; all namespaces when absent. */
  namespace?: string
  labelSelector?: string
  fieldSelector?: string
}

export class SharedInformerFactory {
  readonly #options: SharedInformerFactoryOptions
  readonly #informers = new Map<string, Informer<KubeObject>>()
  #started = false

  constructor(options: SharedInformerFactoryOptions) {
    this.#options = options
  }

  /** The shared informer for this resource and options; the same instance for the same arguments. */
  informerFor<T extends KubeObject = KubeObject>(resource: ResourceDescriptor, options: InformerForOptions = {}): Informer<T> {
    const key = JSON.stringify([resource.group, resource.version, resource.plural, options.namespace ?? '', options.labelSelector ?? '', options.fieldSelector ?? ''])
    let informer = this.#informers.get(key)
    if (!informer) {
      let source = this.#options.client.resource<KubeObject>(resource)
      if (options.namespace) source = source.namespace(options.namespace)
      const { clock, resyncPeriodMs, backoff } = this.#options
      const logger = this.#options.logger?.child({ informer: resource.plural, namespace: options.namespace })
      informer = new Informer<KubeObject>(source, { clock, resyncPeriodMs, backoff, logger, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector })
      this.#informers.set(key, informer)
      if (this.#started) informer.start()
    }
    return informer as unknown as Informer<T>
  }

  /** Starts every informer made so far, and later ones as they are made. */
  start(): void {
    this.#started = true
    for (const informer of this.#informers.values()) informer.start()
  }

  /** Resolves when every informer made so far has synced. */
  async whenSynced(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((informer) => informer.whenSynced()))
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((informer) => informer.stop()))
  }
}
