// Defaults of a PodSpec wherever it appears (Pods and every workload
// template), as upstream's SetDefaults_PodSpec, _Container, _Probe, _Volume
// and the declarative defaults generated for core/v1.
import type { Container, Handler, PodSpec, Probe, Volume } from '../../../../shared/core-types.ts'
import { volumeSources } from '../../../validation/volumes.ts'

export const defaultTerminationGracePeriodSeconds = 30
export const defaultSchedulerName = 'default-scheduler'
// Files a volume projects are readable by all (0644) unless the pod says otherwise.
const defaultVolumeFileMode = 0o644

export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ||= 'ClusterFirst'
  spec.restartPolicy ||= 'Always'
  spec.securityContext ??= {}
  spec.terminationGracePeriodSeconds ??= defaultTerminationGracePeriodSeconds
  spec.schedulerName ||= defaultSchedulerName
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) defaultContainer(container)
  for (const volume of spec.volumes ?? []) defaultVolume(volume)
}

/** `Always` for `:latest` or an untagged, undigested image (it may change under the same name); else `IfNotPresent`. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const lastSlash = image.lastIndexOf('/')
  const name = image.slice(lastSlash + 1)
  const digest = name.includes('@')
  const colon = name.split('@')[0].lastIndexOf(':')
  const tag = colon === -1 ? (digest ? '' : 'latest') : name.slice(colon + 1).split('@')[0]
  return tag === 'latest' ? 'Always' : 'IfNotPresent'
}

function defaultContainer(container: Container): void {
  container.imagePullPolicy ||= defaultPullPolicy(container.image ?? '')
  container.terminationMessagePath ||= '/dev/termination-log'
  container.terminationMessagePolicy ||= 'File'
  // v1 Container.resources is a struct, so a real server always shows `resources: {}`.
  container.resources ??= {}
  for (const port of container.ports ?? []) port.protocol ||= 'TCP'
  for (const env of container.env ?? []) {
    if (env.valueFrom?.fieldRef) env.valueFrom.fieldRef.apiVersion ||= 'v1'
  }
  for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
    if (probe) defaultProbe(probe)
  }
  if (container.lifecycle?.postStart) defaultHandler(container.lifecycle.postStart)
  if (container.lifecycle?.preStop) defaultHandler(container.lifecycle.preStop)
}

function defaultProbe(probe: Probe): void {
  probe.timeoutSeconds ||= 1
  probe.periodSeconds ||= 10
  probe.successThreshold ||= 1
  probe.failureThreshold ||= 3
  defaultHandler(probe)
}

function defaultHandler(handler: Handler): void {
  if (handler.httpGet) {
    handler.httpGet.path ||= '/'
    handler.httpGet.scheme ||= 'HTTP'
  }
}

type Source = Record<string, unknown>

function defaultVolume(volume: Volume): void {
  // A volume that names no source is an emptyDir, as upstream's SetDefaults_Volume.
  if (!volumeSources.some((key) => volume[key] !== undefined && volume[key] !== null)) volume.emptyDir = {}
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const source = volume[key] as Source | undefined
    if (source && source.defaultMode === undefined) source.defaultMode = defaultVolumeFileMode
  }
  const hostPath = volume.hostPath as Source | undefined
  if (hostPath && hostPath.type === undefined) hostPath.type = ''
  const downwardItems = ((volume.downwardAPI as Source | undefined)?.items ?? []) as Source[]
  for (const item of downwardItems) defaultFieldRef(item)
  const projected = volume.projected as Source | undefined
  for (const source of (projected?.sources ?? []) as Source[]) {
    const token = source.serviceAccountToken as Source | undefined
    if (token) token.expirationSeconds ??= 3600
    for (const item of (((source.downwardAPI as Source | undefined)?.items ?? []) as Source[])) defaultFieldRef(item)
  }
  const image = volume.image as Source | undefined
  if (image && !image.pullPolicy) image.pullPolicy = defaultPullPolicy(String(image.reference ?? ''))
}

function defaultFieldRef(item: Source): void {
  const fieldRef = item.fieldRef as Source | undefined
  if (fieldRef && !fieldRef.apiVersion) fieldRef.apiVersion = 'v1'
}

/** Defaults of a workload's spec.template (no Pod-only defaults: those materialize when the Pod is made). */
export function defaultPodTemplate(template: { spec?: PodSpec } | undefined): void {
  if (template?.spec) defaultPodSpec(template.spec)
}
