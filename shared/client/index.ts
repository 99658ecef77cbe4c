// The shared client's public surface; import from here.
export { createClient, userAgentFor, kubelingVersion, commonResources, type Client, type ClientOptions } from './client.ts'
export {
  ResourceClient, patchContentTypes,
  type ResourceDescriptor, type ListOptions, type WatchOptions, type WriteOptions, type DeleteOptions, type PatchType, type PatchOptions,
  type WatchStream, type SubresourceClient,
} from './resource-client.ts'
export {
  ClientStatusError, statusErrorFrom, parseRetryAfter,
  isNotFound, isConflict, isAlreadyExists, isInvalid, isGone, isExpired, isTooManyRequests,
} from './status-error.ts'
export { loadKubeconfig, parseKubeconfig, type ConnectionConfig } from './kubeconfig.ts'
export { isRetryable, retryDelayMs, isConnectionError, isConnectionRefused, type RetryOptions } from './retry-policy.ts'
export { parseWatchStream, watchEventError } from './watch-stream.ts'
export { createTransport, type Transport, type TransportRequest, type TransportOptions } from './transport.ts'
