// networking.k8s.io/v1 Ingress: HTTP routing rules for an ingress
// controller; the controller reports load balancer addresses in status.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { defineResource, type Strategy } from '../../types.ts'
import { bumpGenerationOnSpecChange, keepStatus, resetStatus, startGeneration } from '../spec-and-status.ts'
import { validateIngressSpec, type IngressSpec } from './ingress-validation.ts'
import { ingressPrinter } from '../../../printers/network-printers.ts'

export interface Ingress extends KubeObject {
  spec?: IngressSpec
  status?: Record<string, unknown>
}

export const ingressStrategy: Strategy<Ingress> = {
  prepareForCreate(ing) {
    resetStatus(ing, { loadBalancer: {} })
    startGeneration(ing)
  },
  prepareForUpdate(next, prev) {
    keepStatus(next, prev)
    bumpGenerationOnSpecChange(next, prev)
  },
  validate: (ing) => validateIngressSpec(ing.spec),
  validateUpdate: (ing) => validateIngressSpec(ing.spec),
}

export const ingresses = defineResource<Ingress>({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  plural: 'ingresses',
  singular: 'ingress',
  shortNames: ['ing'],
  namespaced: true,
  printer: ingressPrinter,
  strategy: ingressStrategy,
  subresources: { status: true },
})
