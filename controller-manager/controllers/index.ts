// Every controller this controller-manager can run, by upstream's name.
import type { ControllerDefinition } from '../controller-context.ts'
import { cronJobController } from './cronjob/cronjob-controller.ts'
import { daemonSetController } from './daemonset/daemonset-controller.ts'
import { deploymentController } from './deployment/deployment-controller.ts'
import { disruptionController } from './disruption/disruption-controller.ts'
import { endpointController } from './endpoint/endpoints-controller.ts'
import { endpointSliceController } from './endpointslice/endpointslice-controller.ts'
import { garbageCollectorController } from './garbage-collector/garbage-collector-controller.ts'
import { jobController, type JobControllerOptions } from './job/job-controller.ts'
import { createNamespaceController } from './namespace/namespace-controller.ts'
import { createNodeIpamController, type NodeIpamOptions } from './nodeipam/node-ipam-controller.ts'
import { createNodeLifecycleController, type NodeLifecycleOptions } from './nodelifecycle/node-lifecycle-controller.ts'
import { createPodGCController, type PodGCOptions } from './podgc/pod-gc-controller.ts'
import { replicaSetController } from './replicaset/replicaset-controller.ts'
import { serviceLBController } from './service-lb/service-lb-controller.ts'
import { serviceAccountsController } from './serviceaccount/serviceaccounts-controller.ts'
import { statefulSetController } from './statefulset/statefulset-controller.ts'
import { createTaintEvictionController } from './tainteviction/taint-eviction-controller.ts'
import { ttlAfterFinishedController } from './ttl-after-finished/ttl-after-finished-controller.ts'

export interface ControllerOptions {
  job?: JobControllerOptions
  podgc?: PodGCOptions
  /** Undefined: no podCIDR allocation (upstream's --allocate-node-cidrs=false). */
  nodeIpam?: NodeIpamOptions
  nodeLifecycle?: NodeLifecycleOptions
  /** --load-balancer-ip-range; unset leaves LoadBalancer Services <pending>. */
  loadBalancerIPRange?: string
}

export function allControllers(options: ControllerOptions = {}): ControllerDefinition[] {
  return [
    replicaSetController,
    deploymentController,
    daemonSetController,
    statefulSetController,
    jobController(options.job),
    cronJobController(),
    ttlAfterFinishedController(),
    garbageCollectorController,
    createNamespaceController(),
    serviceAccountsController,
    createPodGCController(options.podgc),
    ...(options.nodeIpam ? [createNodeIpamController(options.nodeIpam)] : []),
    createNodeLifecycleController(options.nodeLifecycle),
    createTaintEvictionController(),
    endpointController(),
    endpointSliceController(),
    disruptionController(),
    serviceLBController({ loadBalancerIPRange: options.loadBalancerIPRange }),
  ]
}
