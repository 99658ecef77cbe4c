// The parts of core/v1 Service and Endpoints that the endpoint, EndpointSlice
// and service-lb controllers read and write. Open shapes: objects read from
// the API must round-trip fields not modelled here.
import type { KubeObject } from '../../../shared/api-types.ts'

type Open = { [field: string]: unknown }

export interface ServicePort extends Open {
  name?: string
  protocol?: string
  appProtocol?: string
  port?: number
  /** A number, or the name of a container port. The apiserver defaults it to port. */
  targetPort?: number | string
  nodePort?: number
}

export interface ServiceSpec extends Open {
  type?: string
  /** null or absent: the Service gets no endpoints from the controllers (they are managed out of band). */
  selector?: Record<string, string> | null
  clusterIP?: string
  clusterIPs?: string[]
  ipFamilies?: string[]
  ports?: ServicePort[]
  publishNotReadyAddresses?: boolean
  loadBalancerIP?: string
  loadBalancerClass?: string
}

export interface LoadBalancerIngress extends Open {
  ip?: string
  hostname?: string
  ipMode?: string
}

export interface ServiceStatus extends Open {
  loadBalancer?: { ingress?: LoadBalancerIngress[] }
}

export interface Service extends KubeObject {
  spec?: ServiceSpec
  status?: ServiceStatus
}

export interface ObjectReference extends Open {
  kind?: string
  namespace?: string
  name?: string
  uid?: string
  resourceVersion?: string
}

export interface EndpointAddress extends Open {
  ip: string
  hostname?: string
  nodeName?: string
  targetRef?: ObjectReference
}

export interface EndpointPort extends Open {
  name?: string
  port: number
  protocol?: string
  appProtocol?: string
}

export interface EndpointSubset extends Open {
  addresses?: EndpointAddress[]
  notReadyAddresses?: EndpointAddress[]
  ports?: EndpointPort[]
}

export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[]
}

/** `None`: a headless Service; no virtual IP. */
export const clusterIPNone = 'None'

/** Labels the controllers put on what they make for a headless Service (upstream's v1.IsHeadlessService). */
export const headlessServiceLabel = 'service.kubernetes.io/headless'

/** RFC 3339 time of the oldest change the object's latest update reflects (upstream's v1.EndpointsLastChangeTriggerTime). */
export const lastChangeTriggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time'

/** Upstream's helper.IsServiceIPSet: a cluster IP that is neither empty nor None. */
export function isServiceIPSet(service: Service): boolean {
  const ip = service.spec?.clusterIP ?? ''
  return ip !== '' && ip !== clusterIPNone
}
