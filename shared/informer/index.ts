// The informer package's public surface; import from here.
export { Informer, type InformerOptions, type EventHandler, type ListerWatcher } from './informer.ts'
export { SharedInformerFactory, type SharedInformerFactoryOptions, type InformerForOptions } from './shared-informer-factory.ts'
export { Indexer, keyOf, byNamespace, byNodeName, byOwnerUid, byLabel, builtinIndexers, type IndexFunc } from './indexer.ts'
export { Backoff, type BackoffOptions } from './backoff.ts'
