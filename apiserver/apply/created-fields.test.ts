// The creator's FieldsV1, written in one walk, must be what the general
// Update path (compare, strip, zero-value filter) yields from an empty object.
import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../../shared/api-types.ts'
import { updateManagedFields } from '../registry/managed-fields.ts'

const now = new Date('2026-11-23T12:00:00Z')

function both(obj: KubeObject): [unknown, unknown] {
  const created = structuredClone(obj)
  updateManagedFields(undefined, created, { manager: 'm', apiVersion: obj.apiVersion! }, now)
  const general = structuredClone(obj)
  updateManagedFields({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: {} }, general, { manager: 'm', apiVersion: obj.apiVersion! }, now)
  return [created.metadata.managedFields, general.metadata.managedFields]
}

const objects: KubeObject[] = [
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', generateName: 'p-', labels: { app: 'web' }, finalizers: ['a', 'b'], ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }] },
    spec: {
      containers: [
        { name: 'b', image: 'x', args: ['1'], env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }], resources: {} },
        { name: 'a', image: 'y' },
      ],
      volumes: [{ name: 'v', emptyDir: {} }],
      securityContext: {},
      tolerations: [{ key: 'k', operator: 'Exists' }],
    },
    status: { phase: 'Pending' },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], ipFamilies: ['IPv4'] } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' }, binaryData: {} },
  { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1, data: { spec: { template: { x: [1, 2] } } } },
  // A map list with a duplicated key: the item is owned as a whole.
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'dup' }, spec: { containers: [{ name: 'c', image: 'x', env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }] } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } },
]

describe('created fields', () => {
  it.each(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o] as const))('%s: the fast path equals the general one', (_name, obj) => {
    const [created, general] = both(obj)
    expect(JSON.stringify(created)).toBe(JSON.stringify(general))
  })
})
