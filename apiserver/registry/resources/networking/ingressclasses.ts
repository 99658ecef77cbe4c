// networking.k8s.io/v1 IngressClass: which controller implements a class of
// Ingresses. The controller name is fixed once chosen.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { isDNS1123Subdomain } from '../../../../shared/name-validation.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateImmutableField } from '../../../validation/immutable-field.ts'
import { defineResource } from '../../types.ts'
import { bumpGenerationOnSpecChange, startGeneration } from '../spec-and-status.ts'
import { ingressClassPrinter } from '../../../printers/network-printers.ts'

export interface IngressClass extends KubeObject {
  spec?: { controller?: string; parameters?: Record<string, unknown>; [field: string]: unknown }
}

const maxControllerLength = 250
const httpPathPattern = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/

/** upstream's IsDomainPrefixedPath: `acme.io/foo`. */
function validateDomainPrefixedPath(value: string, path: string): FieldError[] {
  const slash = value.indexOf('/')
  const host = slash === -1 ? value : value.slice(0, slash)
  const rest = slash === -1 ? '' : value.slice(slash + 1)
  if (slash === -1 || !host || !rest) return [fieldErrors.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')]
  const errs = isDNS1123Subdomain(host).map((msg) => fieldErrors.invalid(path, host, msg))
  if (!httpPathPattern.test(rest)) errs.push(fieldErrors.invalid(path, rest, "Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"))
  return errs
}

function validateIngressClass(ic: IngressClass): FieldError[] {
  const controller = ic.spec?.controller ?? ''
  const errs: FieldError[] = []
  if (controller.length > maxControllerLength) errs.push(fieldErrors.tooLong('spec.controller', maxControllerLength))
  errs.push(...validateDomainPrefixedPath(controller, 'spec.controller'))
  return errs
}

export const ingressClasses = defineResource<IngressClass>({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  plural: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  printer: ingressClassPrinter,
  strategy: {
    prepareForCreate: startGeneration,
    prepareForUpdate: bumpGenerationOnSpecChange,
    validate: validateIngressClass,
    validateUpdate: (next, prev) => [...validateIngressClass(next), ...validateImmutableField(next.spec?.controller, prev.spec?.controller, 'spec.controller')],
  },
})
