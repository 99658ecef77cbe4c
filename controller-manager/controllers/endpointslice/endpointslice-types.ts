// discovery.k8s.io/v1 EndpointSlice as the EndpointSlice controller writes
// it, and the labels that tie a slice to its Service and its manager.
import type { KubeObject } from '../../../shared/api-types.ts'
import type { ObjectReference } from '../endpoint/service-types.ts'

export interface EndpointConditions {
  ready?: boolean
  serving?: boolean
  terminating?: boolean
}

export interface Endpoint {
  addresses: string[]
  conditions: EndpointConditions
  hostname?: string
  nodeName?: string
  zone?: string
  targetRef?: ObjectReference
  [field: string]: unknown
}

export interface EndpointSlicePort {
  name?: string
  port?: number
  protocol?: string
  appProtocol?: string
}

export interface EndpointSlice extends KubeObject {
  addressType: string
  endpoints: Endpoint[]
  ports?: EndpointSlicePort[]
}

/** The Service a slice belongs to (upstream's discovery.LabelServiceName). */
export const serviceNameLabel = 'kubernetes.io/service-name'
/** Who manages a slice (upstream's discovery.LabelManagedBy). */
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by'
/** This controller's value of managedByLabel. */
export const controllerName = 'endpointslice-controller.k8s.io'
