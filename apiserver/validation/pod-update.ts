// What a Pod update may change (upstream's ValidatePodUpdate): images,
// activeDeadlineSeconds (only down), added tolerations, removed scheduling
// gates, and a negative grace period raised to 1. Everything else in spec is
// fixed at creation. Also the checks of a pods/status write.
import { childPath, fieldErrors, type FieldError } from './field-error.ts'
import { validateImmutableField } from './immutable-field.ts'
import { inclusiveRangeMessage } from './number-fields.ts'
import { differingPaths, semanticEqual } from './object-diff.ts'
import type { Container, Pod, PodSpec } from '../../shared/core-types.ts'
import { validatePodOnly, validatePodSpec } from './pod-spec.ts'
import { nameIsDNSSubdomain } from './resource-names.ts'
import { validateOnlyAddedTolerations } from './tolerations.ts'

const maxInt32 = 2147483647

const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
]

export const podUpdateForbiddenMessage = `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}`

export function validatePodUpdate(next: Pod, prev: Pod): FieldError[] {
  const spec = next.spec ?? {}
  const old = prev.spec ?? {}
  const errs = [...validatePodSpec(spec, 'spec', { resourceIsPod: true }), ...validatePodOnly(spec, 'spec')]

  for (const list of ['containers', 'initContainers'] as const) {
    const [listErrs, stop] = validateContainerUpdates(spec[list], old[list], childPath('spec', list))
    errs.push(...listErrs)
    if (stop) return errs
  }

  const deadline = spec.activeDeadlineSeconds
  if (deadline !== undefined && deadline !== null) {
    if (deadline < 0 || deadline > maxInt32) return [...errs, fieldErrors.invalid('spec.activeDeadlineSeconds', deadline, inclusiveRangeMessage(0, maxInt32))]
    if (old.activeDeadlineSeconds !== undefined && old.activeDeadlineSeconds !== null && old.activeDeadlineSeconds < deadline) {
      return [...errs, fieldErrors.invalid('spec.activeDeadlineSeconds', deadline, 'must be less than or equal to previous value')]
    }
  } else if (old.activeDeadlineSeconds !== undefined && old.activeDeadlineSeconds !== null) {
    errs.push(fieldErrors.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'))
  }

  errs.push(...validateOnlyAddedTolerations(spec.tolerations, old.tolerations, 'spec.tolerations'))
  errs.push(...validateOnlyDeletedSchedulingGates(spec.schedulingGates, old.schedulingGates, 'spec.schedulingGates'))

  if (semanticEqual(spec, old)) return errs
  const munged = mungeUpdatableFields(spec, old)
  if (!semanticEqual(munged, old)) {
    // Upstream appends a Go cmp.Diff of the specs; we name the fields that differ.
    const changed = differingPaths(old, munged, 'spec')
    errs.push(fieldErrors.forbidden('spec', `${podUpdateForbiddenMessage}\n  changed: ${changed.join(', ')}`))
  }
  return errs
}

function validateContainerUpdates(next: Container[] | undefined, prev: Container[] | undefined, path: string): [FieldError[], boolean] {
  if ((next ?? []).length !== (prev ?? []).length) return [[fieldErrors.forbidden(path, 'pod updates may not add or remove containers')], true]
  const errs: FieldError[] = []
  ;(next ?? []).forEach((container, i) => {
    const image = container.image ?? ''
    if (!image) errs.push(fieldErrors.required(childPath(childPath(path, i), 'image')))
    if (image.trim() !== image) errs.push(fieldErrors.invalid(childPath(childPath(path, i), 'image'), image, 'must not have leading or trailing whitespace'))
  })
  return [errs, false]
}

function validateOnlyDeletedSchedulingGates(next: Array<{ name?: string }> | undefined, prev: Array<{ name?: string }> | undefined, path: string): FieldError[] {
  const old = new Set((prev ?? []).map((g) => g.name))
  const errs: FieldError[] = []
  ;(next ?? []).forEach((gate, i) => {
    if (!old.has(gate.name)) errs.push(fieldErrors.forbidden(childPath(childPath(path, i), 'name'), `only deletion is allowed, but found new scheduling gate '${gate.name ?? ''}'`))
  })
  return errs
}

// The new spec with every field a user may change set back to its old value.
function mungeUpdatableFields(spec: PodSpec, old: PodSpec): PodSpec {
  const munged: PodSpec = structuredClone(spec)
  munged.containers = spec.containers?.map((c, i) => ({ ...c, image: old.containers?.[i]?.image }))
  munged.initContainers = spec.initContainers?.map((c, i) => ({ ...c, image: old.initContainers?.[i]?.image }))
  munged.activeDeadlineSeconds = old.activeDeadlineSeconds
  munged.schedulingGates = old.schedulingGates
  munged.tolerations = old.tolerations
  if ((old.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = old.terminationGracePeriodSeconds
  }
  for (const key of Object.keys(munged) as Array<keyof PodSpec>) {
    if (munged[key] === undefined) delete munged[key]
  }
  return munged
}

/** pods/status writes (upstream's ValidatePodStatusUpdate, the common parts). */
export function validatePodStatusUpdate(next: Pod, prev: Pod): FieldError[] {
  const errs: FieldError[] = []
  if ((next.spec?.nodeName ?? '') !== (prev.spec?.nodeName ?? '')) errs.push(fieldErrors.forbidden('status.nodeName', 'may not be changed directly'))
  const nominated = next.status?.nominatedNodeName
  if (nominated && nominated !== prev.status?.nominatedNodeName) {
    for (const msg of nameIsDNSSubdomain(nominated, false)) errs.push(fieldErrors.invalid('status.nominatedNodeName', nominated, msg))
  }
  // QoS class is decided once, at creation.
  errs.push(...validateImmutableField(next.status?.qosClass, prev.status?.qosClass, 'status.qosClass'))
  return errs
}
