// The package's public API: `import { startCluster } from 'kubeling'`.
// Everything a test suite needs to start a cluster and read what it got.
export { startCluster, kubeconfigFor, type ClusterOptions, type Cluster } from './cluster.ts'
export type { Supervised, SupervisorEvents, ComponentSpec } from './supervisor.ts'
