// core/v1 Node (cluster-scoped).
import { defineResource } from '../../types.ts'
import { nodeStrategy, type Node } from './node-strategy.ts'
import { nodePrinter } from '../../../printers/node-printer.ts'

export const nodes = defineResource<Node>({
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  namespaced: false,
  printer: nodePrinter,
  strategy: nodeStrategy,
  subresources: { status: true },
  fieldSelectors: {
    'spec.unschedulable': (node) => String(node.spec?.unschedulable ?? false),
  },
})
