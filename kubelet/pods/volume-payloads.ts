// The files of configMap, secret, downwardAPI and projected volumes, built
// as upstream's MakePayload / CollectData functions build them, with their
// error messages. Writing them is volume-atomic-writer.ts's job.
import type { Pod } from '../../shared/core-types.ts'
import { configMapNotFound, decodeBase64, secretNotFound, type ConfigMap, type ObjectSources, type Secret } from './env-api-objects.ts'
import { containerResourceValue, podFieldValue, type ResourceFieldRef } from './env-downward-api.ts'
import type { Payload } from './volume-atomic-writer.ts'

/** What the API defaults defaultMode to for every projected-file volume: 0644. */
export const defaultFileMode = 0o644

export interface KeyToPath {
  key?: string
  path?: string
  mode?: number
}

export interface ConfigMapVolumeSource {
  name?: string
  items?: KeyToPath[]
  defaultMode?: number
  optional?: boolean
}

export interface SecretVolumeSource {
  secretName?: string
  items?: KeyToPath[]
  defaultMode?: number
  optional?: boolean
}

export interface DownwardAPIVolumeFile {
  path?: string
  fieldRef?: { apiVersion?: string; fieldPath?: string }
  resourceFieldRef?: ResourceFieldRef
  mode?: number
}

export interface DownwardAPIVolumeSource {
  items?: DownwardAPIVolumeFile[]
  defaultMode?: number
}

export interface ProjectedVolumeSource {
  sources?: Array<{
    configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean }
    secret?: { name?: string; items?: KeyToPath[]; optional?: boolean }
    downwardAPI?: { items?: DownwardAPIVolumeFile[] }
    serviceAccountToken?: { audience?: string; expirationSeconds?: number; path?: string }
    [source: string]: unknown
  }>
  defaultMode?: number
}

export interface TokenRequest {
  namespace: string
  serviceAccountName: string
  /** Empty means the apiserver's own audience. */
  audience: string
  expirationSeconds: number
  podName: string
  podUID: string
}

export interface PayloadSources extends ObjectSources {
  /** The node's allocatable: what a resourceFieldRef to an unset limit reports. */
  nodeAllocatable?: Readonly<Record<string, string | number>>
  /**
   * A token for a projected serviceAccountToken source (upstream asks the
   * TokenRequest API). Without it a placeholder is written, which no
   * apiserver accepts.
   */
  serviceAccountToken?(request: TokenRequest): Promise<string>
}

/** Written when the kubelet has no way to get a real token: the file exists, so in-cluster clients start, but fail to authenticate. */
export const placeholderToken = 'kubeling-placeholder-token: this kubelet cannot request service account tokens'

/** Each key's bytes, or the items' selection of them. */
function keyPayload(all: Map<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean, missingKey: (key: string) => string): Payload {
  const payload: Payload = new Map()
  if (!items || items.length === 0) {
    for (const [key, data] of all) payload.set(key, { data, mode: defaultMode })
    return payload
  }
  for (const item of items) {
    const data = all.get(item.key ?? '')
    if (!data) {
      if (optional) continue
      throw new Error(missingKey(item.key ?? ''))
    }
    payload.set(item.path ?? item.key ?? '', { data, mode: item.mode ?? defaultMode })
  }
  return payload
}

export function configMapPayload(configMap: ConfigMap | undefined, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const all = new Map<string, Buffer>()
  for (const [key, value] of Object.entries(configMap?.data ?? {})) all.set(key, Buffer.from(value, 'utf8'))
  for (const [key, value] of Object.entries(configMap?.binaryData ?? {})) all.set(key, decodeBase64(value))
  return keyPayload(all, items, defaultMode, optional, (key) => `configmap references non-existent config key: ${key}`)
}

export function secretPayload(secret: Secret | undefined, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const all = new Map<string, Buffer>()
  for (const [key, value] of Object.entries(secret?.data ?? {})) all.set(key, decodeBase64(value))
  return keyPayload(all, items, defaultMode, optional, (key) => `references non-existent secret key: ${key}`)
}

/** Downward API files carry pod metadata only (validation refuses IPs and node fields for volumes). */
export function downwardAPIPayload(pod: Pod, items: DownwardAPIVolumeFile[] | undefined, defaultMode: number, nodeAllocatable: PayloadSources['nodeAllocatable']): Payload {
  const payload: Payload = new Map()
  const errors: string[] = []
  for (const item of items ?? []) {
    try {
      let value = ''
      if (item.fieldRef) value = podFieldValue(pod, item.fieldRef, { podIPs: [], hostIPs: [] })
      else if (item.resourceFieldRef) value = containerResourceValue(item.resourceFieldRef, pod, undefined, nodeAllocatable)
      payload.set(item.path ?? '', { data: Buffer.from(value, 'utf8'), mode: item.mode ?? defaultMode })
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err))
    }
  }
  if (errors.length > 0) throw new Error(aggregate(errors))
  return payload
}

/** utilerrors.NewAggregate's text: one error as it is, several as `[a, b]`. */
function aggregate(messages: string[]): string {
  return messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`
}

async function getConfigMap(sources: ObjectSources, namespace: string, name: string, optional: boolean): Promise<ConfigMap | undefined> {
  const configMap = await sources.configMap(namespace, name)
  if (!configMap && !optional) throw new Error(configMapNotFound(name))
  return configMap
}

async function getSecret(sources: ObjectSources, namespace: string, name: string, optional: boolean): Promise<Secret | undefined> {
  const secret = await sources.secret(namespace, name)
  if (!secret && !optional) throw new Error(secretNotFound(name))
  return secret
}

export async function configMapVolumePayload(pod: Pod, source: ConfigMapVolumeSource, sources: ObjectSources): Promise<Payload> {
  const optional = source.optional ?? false
  const configMap = await getConfigMap(sources, pod.metadata.namespace ?? 'default', source.name ?? '', optional)
  return configMapPayload(configMap, source.items, source.defaultMode ?? defaultFileMode, optional)
}

export async function secretVolumePayload(pod: Pod, source: SecretVolumeSource, sources: ObjectSources): Promise<Payload> {
  const optional = source.optional ?? false
  const secret = await getSecret(sources, pod.metadata.namespace ?? 'default', source.secretName ?? '', optional)
  return secretPayload(secret, source.items, source.defaultMode ?? defaultFileMode, optional)
}

/** All sources' files in one directory; a later source's file replaces an earlier one's. Errors of several sources are reported together. */
export async function projectedVolumePayload(pod: Pod, source: ProjectedVolumeSource, sources: PayloadSources): Promise<Payload> {
  const namespace = pod.metadata.namespace ?? 'default'
  const mode = source.defaultMode ?? defaultFileMode
  const payload: Payload = new Map()
  const errors: string[] = []
  for (const projection of source.sources ?? []) {
    try {
      let files: Payload = new Map()
      if (projection.configMap) {
        const optional = projection.configMap.optional ?? false
        const configMap = await getConfigMap(sources, namespace, projection.configMap.name ?? '', optional)
        files = configMapPayload(configMap, projection.configMap.items, mode, optional)
      } else if (projection.secret) {
        const optional = projection.secret.optional ?? false
        const secret = await getSecret(sources, namespace, projection.secret.name ?? '', optional)
        files = secretPayload(secret, projection.secret.items, mode, optional)
      } else if (projection.downwardAPI) {
        files = downwardAPIPayload(pod, projection.downwardAPI.items, mode, sources.nodeAllocatable)
      } else if (projection.serviceAccountToken) {
        const { audience = '', expirationSeconds = 3600, path = 'token' } = projection.serviceAccountToken
        const token = sources.serviceAccountToken
          ? await sources.serviceAccountToken({
            namespace,
            serviceAccountName: pod.spec?.serviceAccountName || 'default',
            audience,
            expirationSeconds,
            podName: pod.metadata.name ?? '',
            podUID: pod.metadata.uid ?? '',
          })
          : placeholderToken
        files.set(path, { data: Buffer.from(token, 'utf8'), mode })
      }
      for (const [path, file] of files) payload.set(path, file)
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err))
    }
  }
  if (errors.length > 0) throw new Error(aggregate(errors))
  return payload
}
