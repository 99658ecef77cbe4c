// metadata checks shared by every kind, as upstream's ValidateObjectMeta and
// ValidateObjectMetaUpdate (apimachinery) plus core's finalizer-name rule.
// The generic store calls these before a strategy's validate; strategies do
// not repeat them.
import type { ObjectMeta, OwnerReference } from '../../shared/api-types.ts'
import { isQualifiedName, validateAnnotations, validateLabels } from '../../shared/name-validation.ts'
import { childPath, fieldErrors, type FieldError } from './field-error.ts'
import { validateImmutableField } from './immutable-field.ts'
import { validateNonNegative } from './number-fields.ts'
import { nameIsDNSLabel } from './resource-names.ts'

export interface ObjectMetaOptions {
  namespaced: boolean
  /** The kind's rule for metadata.name (and generateName, with prefix = true). */
  validateName: (name: string, prefix: boolean) => string[]
}

const orphanFinalizer = 'orphan'
const foregroundFinalizer = 'foregroundDeletion'
// Finalizers without a '/' must be one of these (core's IsStandardFinalizerName).
const standardFinalizers = new Set(['kubernetes', orphanFinalizer, foregroundFinalizer])

// Upstream refuses Events as owners: the garbage collector would otherwise
// delete objects when their (short-lived) events expire.
const bannedOwners = new Set(['v1/Event'])

export function validateObjectMeta(meta: ObjectMeta, opts: ObjectMetaOptions): FieldError[] {
  const errs: FieldError[] = []
  if (meta.generateName) {
    for (const msg of opts.validateName(meta.generateName, true)) errs.push(fieldErrors.invalid('metadata.generateName', meta.generateName, msg))
  }
  if (!meta.name) {
    errs.push(fieldErrors.required('metadata.name', 'name or generateName is required'))
  } else {
    for (const msg of opts.validateName(meta.name, false)) errs.push(fieldErrors.invalid('metadata.name', meta.name, msg))
  }
  if (opts.namespaced) {
    if (!meta.namespace) errs.push(fieldErrors.required('metadata.namespace'))
    else for (const msg of nameIsDNSLabel(meta.namespace, false)) errs.push(fieldErrors.invalid('metadata.namespace', meta.namespace, msg))
  } else if (meta.namespace) {
    errs.push(fieldErrors.forbidden('metadata.namespace', 'not allowed on this type'))
  }
  errs.push(...validateNonNegative(meta.generation, 'metadata.generation'))
  errs.push(...commonMetaErrors(meta))
  return errs
}

export function validateObjectMetaUpdate(next: ObjectMeta, prev: ObjectMeta): FieldError[] {
  const errs: FieldError[] = []
  if (prev.deletionTimestamp) errs.push(...noNewFinalizers(next.finalizers ?? [], prev.finalizers ?? []))
  // The store fills in the current resourceVersion for unconditional updates
  // before validating, as upstream's does; an empty one here is a client error.
  if (!next.resourceVersion) errs.push(fieldErrors.invalid('metadata.resourceVersion', next.resourceVersion ?? '', 'must be specified for an update'))
  if ((next.generation ?? 0) < (prev.generation ?? 0)) errs.push(fieldErrors.invalid('metadata.generation', next.generation ?? 0, 'must not be decremented'))
  errs.push(...validateImmutableField(next.name, prev.name, 'metadata.name'))
  errs.push(...validateImmutableField(next.namespace, prev.namespace, 'metadata.namespace'))
  errs.push(...validateImmutableField(next.uid, prev.uid, 'metadata.uid'))
  errs.push(...validateImmutableField(next.creationTimestamp, prev.creationTimestamp, 'metadata.creationTimestamp'))
  errs.push(...validateImmutableField(next.deletionTimestamp, prev.deletionTimestamp, 'metadata.deletionTimestamp'))
  errs.push(...validateImmutableField(next.deletionGracePeriodSeconds, prev.deletionGracePeriodSeconds, 'metadata.deletionGracePeriodSeconds'))
  errs.push(...commonMetaErrors(next))
  return errs
}

function commonMetaErrors(meta: ObjectMeta): FieldError[] {
  return [
    ...validateLabels(meta.labels, 'metadata.labels'),
    ...validateAnnotations(meta.annotations, 'metadata.annotations'),
    ...validateOwnerReferences(meta.ownerReferences ?? [], 'metadata.ownerReferences'),
    ...validateFinalizers(meta.finalizers ?? [], 'metadata.finalizers'),
  ]
}

// Upstream reports owner reference problems on the list path, without an index.
function validateOwnerReferences(refs: OwnerReference[], path: string): FieldError[] {
  const errs: FieldError[] = []
  let firstController = ''
  for (const ref of refs) {
    const apiVersion = ref.apiVersion ?? ''
    const slash = apiVersion.lastIndexOf('/')
    const version = slash === -1 ? apiVersion : apiVersion.slice(slash + 1)
    const group = slash === -1 ? '' : apiVersion.slice(0, slash)
    if (!version) errs.push(fieldErrors.invalid(childPath(path, 'apiVersion'), apiVersion, 'version must not be empty'))
    if (!ref.kind) errs.push(fieldErrors.invalid(childPath(path, 'kind'), ref.kind ?? '', 'must not be empty'))
    if (!ref.name) errs.push(fieldErrors.invalid(childPath(path, 'name'), ref.name ?? '', 'must not be empty'))
    if (!ref.uid) errs.push(fieldErrors.invalid(childPath(path, 'uid'), ref.uid ?? '', 'must not be empty'))
    if (bannedOwners.has(`${group ? `${group}/` : ''}${version}/${ref.kind}`)) {
      errs.push(fieldErrors.invalid(path, ref, `${group}/${version}, Kind=${ref.kind} is disallowed from being an owner`))
    }
    if (ref.controller) {
      const current = `${ref.kind}/${ref.name}`
      if (firstController) {
        errs.push(fieldErrors.invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`))
      } else {
        firstController = current
      }
    }
  }
  return errs
}

function validateFinalizers(finalizers: string[], path: string): FieldError[] {
  const errs: FieldError[] = []
  for (const finalizer of finalizers) {
    for (const msg of isQualifiedName(finalizer)) errs.push(fieldErrors.invalid(path, finalizer, msg))
  }
  if (finalizers.includes(orphanFinalizer) && finalizers.includes(foregroundFinalizer)) {
    errs.push(fieldErrors.invalid(path, finalizers, `finalizer ${orphanFinalizer} and ${foregroundFinalizer} cannot be both set`))
  }
  // Core's extra rule, reported after apimachinery's checks as upstream does.
  finalizers.forEach((finalizer, i) => {
    if (!finalizer.includes('/') && !standardFinalizers.has(finalizer)) {
      errs.push(fieldErrors.invalid(childPath(path, i), finalizer, 'name is neither a standard finalizer name nor is it fully qualified'))
    }
  })
  return errs
}

function noNewFinalizers(next: string[], prev: string[]): FieldError[] {
  const added = [...new Set(next.filter((f) => !prev.includes(f)))].sort()
  if (added.length === 0) return []
  // Go's %#v of a []string, as upstream prints it.
  const shown = `[]string{${added.map((f) => JSON.stringify(f)).join(', ')}}`
  return [fieldErrors.forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers ${shown}`)]
}
