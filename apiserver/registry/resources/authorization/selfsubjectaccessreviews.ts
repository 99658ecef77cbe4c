// authorization.k8s.io/v1 SelfSubjectAccessReview: "may I do this?", as
// `kubectl auth can-i` asks. Create-only and never stored; kubeling has no
// authorizer yet, so every answer is yes.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { defineResource } from '../../types.ts'

export interface SelfSubjectAccessReview extends KubeObject {
  spec?: { resourceAttributes?: Record<string, unknown>; nonResourceAttributes?: Record<string, unknown> }
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string }
}

function validateReview(review: SelfSubjectAccessReview): FieldError[] {
  const spec = review.spec ?? {}
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    return [fieldErrors.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes')]
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    return [fieldErrors.invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified')]
  }
  return []
}

export const selfSubjectAccessReviews = defineResource<SelfSubjectAccessReview>({
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectAccessReview',
  virtual: true,
  plural: 'selfsubjectaccessreviews',
  singular: 'selfsubjectaccessreview',
  namespaced: false,
  verbs: ['create'],
  strategy: {
    prepareForCreate(review) {
      review.status = { allowed: true }
    },
    validate: validateReview,
  },
})
