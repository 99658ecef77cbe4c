// A PodSpec, whether in a Pod or in a workload's template (upstream's
// ValidatePodSpec and ValidatePodTemplateSpec), plus the checks upstream
// keeps for real Pods only.
import { isDNS1123Label, isQualifiedName, validateAnnotations, validateLabels } from '../../shared/name-validation.ts'
import { validateAffinity } from './affinity.ts'
import { validateContainers, validateEnum, validateInitContainers } from './containers.ts'
import { childPath, fieldErrors, type FieldError } from './field-error.ts'
import { inclusiveRangeMessage } from './number-fields.ts'
import type { Container, PodSpec, PodTemplateSpec } from '../../shared/core-types.ts'
import { nameIsDNSSubdomain } from './resource-names.ts'
import { validateTolerations } from './tolerations.ts'
import { validateVolumes } from './volumes.ts'

const maxInt32 = 2147483647

export interface PodSpecOptions {
  /**
   * The spec belongs to a Pod, not a template: with hostNetwork, hostPort
   * must equal containerPort (templates may leave it 0 for defaulting).
   */
  resourceIsPod: boolean
}

export function validatePodSpec(spec: PodSpec | undefined, path: string, opts: PodSpecOptions): FieldError[] {
  const s = spec ?? {}
  const errs: FieldError[] = []
  const at = (field: string) => childPath(path, field)
  if (s.terminationGracePeriodSeconds === undefined || s.terminationGracePeriodSeconds === null) errs.push(fieldErrors.required(at('terminationGracePeriodSeconds')))
  const gracePeriod = s.terminationGracePeriodSeconds
  const volumes = validateVolumes(s.volumes, at('volumes'))
  errs.push(...volumes.errors)
  const ctx = { volumes: volumes.names, gracePeriod }
  errs.push(...validateContainers(s.containers, ctx, at('containers')))
  errs.push(...validateInitContainers(s.initContainers, s.containers, ctx, at('initContainers')))
  errs.push(...validateHostNetworkPorts(s, path, opts))
  errs.push(...validateEnum(s.restartPolicy, ['Always', 'OnFailure', 'Never'], at('restartPolicy')))
  errs.push(...validateEnum(s.dnsPolicy, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'], at('dnsPolicy')))
  if (s.dnsPolicy === 'None' && !s.dnsConfig) errs.push(fieldErrors.required(at('dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'))
  errs.push(...validateLabels(s.nodeSelector, at('nodeSelector')))
  errs.push(...validateSecurityContextIds(s, at('securityContext')))
  errs.push(...validateAffinity(s.affinity, at('affinity')))
  errs.push(...validateSchedulingGates(s.schedulingGates, at('schedulingGates')))
  for (const field of ['serviceAccountName', 'nodeName', 'priorityClassName'] as const) {
    const value = s[field]
    if (value) for (const msg of nameIsDNSSubdomain(value, false)) errs.push(fieldErrors.invalid(at(field), value, msg))
  }
  if (s.activeDeadlineSeconds !== undefined && s.activeDeadlineSeconds !== null && (s.activeDeadlineSeconds < 1 || s.activeDeadlineSeconds > maxInt32)) {
    errs.push(fieldErrors.invalid(at('activeDeadlineSeconds'), s.activeDeadlineSeconds, inclusiveRangeMessage(1, maxInt32)))
  }
  for (const field of ['hostname', 'subdomain'] as const) {
    const value = s[field]
    if (value) for (const msg of isDNS1123Label(value)) errs.push(fieldErrors.invalid(at(field), value, msg))
  }
  errs.push(...validateTolerations(s.tolerations, at('tolerations')))
  if (s.preemptionPolicy !== undefined) errs.push(...validateEnum(s.preemptionPolicy, ['PreemptLowerPriority', 'PreemptNever'], at('preemptionPolicy')))
  return errs
}

// Upstream keeps hostNetwork inside securityContext internally; v1 has it on the spec.
function validateHostNetworkPorts(spec: PodSpec, path: string, opts: PodSpecOptions): FieldError[] {
  if (!spec.hostNetwork) return []
  const errs: FieldError[] = []
  ;(spec.containers ?? []).forEach((container, ci) => {
    ;(container.ports ?? []).forEach((port, pi) => {
      const hostPort = port.hostPort ?? 0
      if ((opts.resourceIsPod || hostPort !== 0) && hostPort !== port.containerPort) {
        const portPath = childPath(childPath(childPath(childPath(path, 'containers'), ci), 'ports'), pi)
        errs.push(fieldErrors.invalid(childPath(portPath, 'hostPort'), hostPort, 'must match `containerPort` when `hostNetwork` is true'))
      }
    })
  })
  return errs
}

function validateSecurityContextIds(spec: PodSpec, path: string): FieldError[] {
  const sc = spec.securityContext
  if (!sc) return []
  const errs: FieldError[] = []
  const checkId = (value: unknown, field: string) => {
    if (typeof value === 'number' && (value < 0 || value > maxInt32)) errs.push(fieldErrors.invalid(field, value, inclusiveRangeMessage(0, maxInt32)))
  }
  checkId(sc.runAsUser, childPath(path, 'runAsUser'))
  checkId(sc.runAsGroup, childPath(path, 'runAsGroup'))
  checkId(sc.fsGroup, childPath(path, 'fsGroup'))
  ;(sc.supplementalGroups ?? []).forEach((gid, i) => checkId(gid, childPath(childPath(path, 'supplementalGroups'), i)))
  return errs
}

function validateSchedulingGates(gates: Array<{ name?: string }> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  const seen = new Set<string>()
  ;(gates ?? []).forEach((gate, i) => {
    const name = gate.name ?? ''
    for (const msg of isQualifiedName(name)) errs.push(fieldErrors.invalid(childPath(path, i), name, msg))
    if (seen.has(name)) errs.push(fieldErrors.duplicate(childPath(path, i), name))
    seen.add(name)
  })
  return errs
}

/** A workload's spec.template: labels and annotations checked here, metadata.name never. */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, path: string): FieldError[] {
  const t = template ?? {}
  // Upstream reports template labels at `<path>.labels`, without `.metadata`.
  const errs: FieldError[] = [...validateLabels(t.metadata?.labels, childPath(path, 'labels')), ...validateAnnotations(t.metadata?.annotations, childPath(path, 'annotations'))]
  errs.push(...validatePodSpec(t.spec, childPath(path, 'spec'), { resourceIsPod: false }))
  if ((t.spec?.ephemeralContainers ?? []).length > 0) {
    errs.push(fieldErrors.forbidden(childPath(childPath(path, 'spec'), 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'))
  }
  return errs
}

/** Checks that apply to Pods but not to templates (kept apart upstream for compatibility). */
export function validatePodOnly(spec: PodSpec | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  for (const list of ['containers', 'initContainers'] as const) {
    ;((spec?.[list] ?? []) as Container[]).forEach((container, i) => {
      const image = container.image ?? ''
      if (image !== image.trim()) errs.push(fieldErrors.invalid(childPath(childPath(childPath(path, list), i), 'image'), image, 'must not have leading or trailing whitespace'))
    })
  }
  return errs
}

/** Upstream's ValidatePodCreate minus metadata, which the store validates. */
export function validatePodCreate(spec: PodSpec | undefined): FieldError[] {
  const errs = [...validatePodSpec(spec, 'spec', { resourceIsPod: true }), ...validatePodOnly(spec, 'spec')]
  if ((spec?.ephemeralContainers ?? []).length > 0) errs.push(fieldErrors.forbidden('spec.ephemeralContainers', 'cannot be set on create'))
  if (spec?.nodeName && (spec.schedulingGates ?? []).length > 0) {
    errs.push(fieldErrors.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'))
  }
  return errs
}
