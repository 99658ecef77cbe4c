// Server-side printing: a meta.k8s.io Table of one or more objects, as
// kube-apiserver answers `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.
// Each kind's columns and cells come from its printer (apiserver/printers);
// a kind without one gets upstream's default Name and Created At. What each
// row carries as `object` follows ?includeObject=.
import { apiVersionOf, type KubeObject } from '../../shared/api-types.ts'
import { defaultPrinter } from '../printers/printer.ts'
import type { ResourceDefinition } from '../registry/types.ts'
import { StatusError } from '../status-error.ts'

export type IncludeObject = 'None' | 'Metadata' | 'Object'

/**
 * The ?includeObject= value; empty means Metadata. Upstream rejects any
 * other value with 400 when it builds a row, as this does.
 */
export function parseIncludeObject(value: unknown): IncludeObject {
  if (value === undefined || value === '') return 'Metadata'
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value
  throw StatusError.badRequest(`unrecognized includeObject value: "${String(value)}"`)
}

function rowObject(def: ResourceDefinition, obj: KubeObject, include: IncludeObject, tableVersion: string): unknown {
  // Upstream leaves the row's RawExtension empty, which encodes as null.
  if (include === 'None') return null
  if (include === 'Object') return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(def.group, def.version), kind: obj.kind ?? def.kind }
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${tableVersion}`, metadata: obj.metadata }
}

export interface TableOptions {
  include: IncludeObject
  /** The Table's own version, v1 or v1beta1, from the Accept header. */
  version: string
  resourceVersion?: string
  continueToken?: string
  remaining?: number
  /** The clock AGE and the other durations are computed against. @default Date.now() */
  now?: number
}

export function toTable(def: ResourceDefinition, objects: KubeObject[], opts: TableOptions): Record<string, unknown> {
  const printer = def.printer ?? defaultPrinter
  const now = opts.now ?? Date.now()
  const metadata: Record<string, unknown> = {}
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion
  if (opts.continueToken) metadata.continue = opts.continueToken
  if (opts.remaining) metadata.remainingItemCount = opts.remaining
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata,
    columnDefinitions: printer.columns,
    rows: objects.map((obj) => {
      const row: Record<string, unknown> = { cells: printer.cells(obj, now) }
      const conditions = printer.conditions?.(obj) ?? []
      if (conditions.length > 0) row.conditions = conditions
      row.object = rowObject(def, obj, opts.include, opts.version)
      return row
    }),
  }
}
