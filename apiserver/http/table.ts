// Server-side printing (meta.k8s.io Table). Every kind gets upstream's default
// columns (Name, Created At) until it declares its own.
import type { KubeObject } from '../../shared/api-types.ts'
import type { ResourceDefinition } from '../registry/types.ts'

export type IncludeObject = 'None' | 'Metadata' | 'Object'

export interface TableColumn {
  name: string
  type: string
  format: string
  description: string
  priority: number
}

const defaultColumns: TableColumn[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', priority: 0 },
  { name: 'Created At', type: 'date', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata', priority: 0 },
]

export function parseIncludeObject(value: unknown): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata'
}

function rowObject(def: ResourceDefinition, obj: KubeObject, include: IncludeObject, tableVersion: string): unknown {
  if (include === 'None') return undefined
  if (include === 'Object') return obj
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${tableVersion}`, metadata: obj.metadata }
}

export function toTable(
  def: ResourceDefinition,
  objects: KubeObject[],
  opts: { include: IncludeObject; version: string; resourceVersion?: string; continueToken?: string; remaining?: number },
): Record<string, unknown> {
  const metadata: Record<string, unknown> = {}
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion
  if (opts.continueToken) metadata.continue = opts.continueToken
  if (opts.remaining) metadata.remainingItemCount = opts.remaining
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata,
    columnDefinitions: defaultColumns,
    rows: objects.map((obj) => {
      const row: Record<string, unknown> = { cells: [obj.metadata.name, obj.metadata.creationTimestamp] }
      const object = rowObject(def, obj, opts.include, opts.version)
      if (object) row.object = object
      return row
    }),
  }
}
