// core/v1 Node (cluster-scoped).
import { defineResource } from '../../types.ts'
import { nodeStrategy, type Node } from './node-strategy.ts'

export const nodes = defineResource<Node>({
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  namespaced: false,
  strategy: nodeStrategy,
  subresources: { status: true },
  fieldSelectors: {
    'spec.unschedulable': (node) => String(node.spec?.unschedulable ?? false),
  },
})
