// Pod: defaults, create-time admission defaults, status on create, the narrow
// set of spec changes an update may make, and the pods/status rules.
import type { Container, Pod } from '../../../../shared/core-types.ts'
import { validatePodCreate } from '../../../validation/pod-spec.ts'
import { validatePodStatusUpdate, validatePodUpdate } from '../../../validation/pod-update.ts'
import type { Strategy } from '../../types.ts'
import { bumpGenerationOnSpecChange, keepStatus, startGeneration } from '../spec-and-status.ts'
import { applyPodAdmissionDefaults } from './pod-admission-defaults.ts'
import { computePodQOS } from './pod-qos.ts'
import { defaultPodSpec } from './pod-spec-defaults.ts'
import { podSpecWarnings } from './pod-warnings.ts'

/** SetDefaults_Pod: the defaults a Pod gets on top of its PodSpec's (templates do not get these). */
function defaultPod(pod: Pod): void {
  pod.spec ??= {}
  const spec = pod.spec
  defaultPodSpec(spec)
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) defaultRequestsFromLimits(container)
  spec.enableServiceLinks ??= true
  // With host networking a container port is a host port.
  if (spec.hostNetwork) {
    for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      for (const port of container.ports ?? []) port.hostPort ||= port.containerPort
    }
  }
  // v1 keeps the deprecated serviceAccount field in step with serviceAccountName.
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName
  else if (spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount
}

// A limit without a request means "request exactly that much".
function defaultRequestsFromLimits(container: Container): void {
  const limits = container.resources?.limits
  if (!limits || !container.resources) return
  const requests = (container.resources.requests ??= {})
  for (const [name, quantity] of Object.entries(limits)) {
    if (!Object.hasOwn(requests, name)) requests[name] = quantity
  }
}

export const podStrategy: Strategy<Pod> = {
  warnings: (pod) => podSpecWarnings(pod.spec, pod.metadata),
  defaults: defaultPod,
  prepareForCreate(pod) {
    pod.spec ??= {}
    applyPodAdmissionDefaults(pod.spec, pod.metadata.annotations)
    startGeneration(pod)
    pod.status = { phase: 'Pending', qosClass: computePodQOS(pod.spec) }
  },
  prepareForUpdate(next, prev) {
    keepStatus(next, prev)
    bumpGenerationOnSpecChange(next, prev)
  },
  validate: (pod) => validatePodCreate(pod.spec),
  validateUpdate: validatePodUpdate,
  prepareForStatusUpdate(next, prev) {
    next.spec = prev.spec
    // pods/status may not touch ownerReferences (old kubelets corrupted them) nor start a deletion.
    if (prev.metadata.ownerReferences) next.metadata.ownerReferences = prev.metadata.ownerReferences
    else delete next.metadata.ownerReferences
    if (prev.metadata.deletionTimestamp) next.metadata.deletionTimestamp = prev.metadata.deletionTimestamp
    else delete next.metadata.deletionTimestamp
    next.status ??= {}
    // QoS is fixed at creation; a kubelet that drops it must not clear it.
    if (!next.status.qosClass && prev.status?.qosClass) next.status.qosClass = prev.status.qosClass
    if (!next.status.observedGeneration && prev.status?.observedGeneration) next.status.observedGeneration = prev.status.observedGeneration
  },
  validateStatusUpdate: validatePodStatusUpdate,
}
