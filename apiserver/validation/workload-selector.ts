// The spec.selector of a pod controller (Deployment, ReplicaSet, DaemonSet,
// StatefulSet, Job): valid, non-empty, and matching the template's labels,
// or the controller would never see the pods it creates.
import { labelSelectorFromObject, matchesLabels, validateLabelSelectorObject, type LabelSelector, type LabelSelectorObject } from '../../shared/label-selector.ts'
import { fieldErrors, type FieldError } from './field-error.ts'

export const selectorMismatchMessage = '`selector` does not match template `labels`'

export interface WorkloadSelectorOptions {
  /** Report a missing selector as required (all but DaemonSet, whose check upstream is looser). */
  required: boolean
  /** Word in "empty selector is invalid for <kind>"; upstream says "deployment" for ReplicaSets too. */
  emptyFor?: string
}

export function validateWorkloadSelector(
  selector: LabelSelectorObject | null | undefined,
  templateLabels: Record<string, string> | undefined,
  opts: WorkloadSelectorOptions,
): FieldError[] {
  const errs: FieldError[] = []
  if (selector === undefined || selector === null) {
    if (opts.required) errs.push(fieldErrors.required('spec.selector'))
  } else {
    errs.push(...validateLabelSelectorObject(selector, 'spec.selector'))
    const size = Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length
    if (size === 0 && opts.emptyFor) errs.push(fieldErrors.invalid('spec.selector', selector, `empty selector is invalid for ${opts.emptyFor}`))
  }
  // A missing selector selects nothing, so it also fails to match the template, as upstream reports.
  let parsed: LabelSelector
  try {
    parsed = labelSelectorFromObject(selector)
  } catch {
    errs.push(fieldErrors.invalid('spec.selector', selector, 'invalid label selector'))
    return errs
  }
  if (!matchesLabels(parsed, templateLabels)) {
    errs.push(fieldErrors.invalid('spec.template.metadata.labels', templateLabels ?? {}, selectorMismatchMessage))
  }
  return errs
}
