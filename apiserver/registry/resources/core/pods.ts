// core/v1 Pod. pods/binding, eviction, log, exec and the other connect
// subresources are served by the HTTP layer, not declared here.
import type { Pod } from '../../../../shared/core-types.ts'
import { defineResource } from '../../types.ts'
import { podStrategy } from './pod-strategy.ts'
import { podPrinter } from '../../../printers/pod-printer.ts'

export const pods = defineResource<Pod>({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  categories: ['all'],
  namespaced: true,
  printer: podPrinter,
  strategy: podStrategy,
  subresources: { status: true },
  fieldSelectors: {
    'spec.nodeName': (p) => p.spec?.nodeName ?? '',
    'spec.restartPolicy': (p) => p.spec?.restartPolicy ?? '',
    'spec.schedulerName': (p) => p.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (p) => p.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (p) => String(p.spec?.hostNetwork ?? false),
    'status.phase': (p) => p.status?.phase ?? '',
    // Upstream reads the first of status.podIPs.
    'status.podIP': (p) => p.status?.podIPs?.[0]?.ip ?? p.status?.podIP ?? '',
    'status.nominatedNodeName': (p) => p.status?.nominatedNodeName ?? '',
  },
})
