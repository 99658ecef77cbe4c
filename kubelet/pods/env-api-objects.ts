// The few API objects a pod's environment and volumes are built from, as the
// kubelet reads them from the apiserver (JSON: Secret data and ConfigMap
// binaryData are base64). Only the fields the kubelet reads are typed.
import type { KubeObject } from '../../shared/api-types.ts'

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>
  /** base64, as the API serves it. */
  binaryData?: Record<string, string>
}

export interface Secret extends KubeObject {
  /** base64, as the API serves it. */
  data?: Record<string, string>
  type?: string
}

export interface ServicePort {
  name?: string
  port?: number
  protocol?: string
  [field: string]: unknown
}

export interface Service extends KubeObject {
  spec?: { clusterIP?: string; ports?: ServicePort[]; [field: string]: unknown }
}

/**
 * Where the kubelet gets ConfigMaps and Secrets (its informer cache or a GET).
 * Resolves undefined when the object does not exist; throws for anything else
 * (the apiserver is down), which the caller reports with the error's message.
 */
export interface ObjectSources {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>
  secret(namespace: string, name: string): Promise<Secret | undefined>
}

/** The NotFound messages of the kubelet's object cache: it names the resource in the singular, unlike the apiserver. */
export function configMapNotFound(name: string): string {
  return `configmap "${name}" not found`
}

export function secretNotFound(name: string): string {
  return `secret "${name}" not found`
}

/** Secret and binary ConfigMap values arrive base64-encoded. */
export function decodeBase64(value: string): Buffer {
  return Buffer.from(value, 'base64')
}
