// What a kind's server-side printing is: its Table columns and a pure
// function from one object to the cells of its row, as upstream's
// pkg/printers handlers. The HTTP layer (http/table.ts) turns printers into
// meta.k8s.io Tables for lists, single GETs and watch events.
import type { KubeObject } from '../../shared/api-types.ts'
import { fieldDocs, type FieldDoc } from './column-descriptions.ts'

/** meta/v1 TableColumnDefinition. kubectl shows priority 0 by default and everything with `-o wide`. */
export interface TableColumn {
  name: string
  /** An OpenAPI type: string, integer, number, boolean, date. */
  type: string
  /** `name` marks the column that holds the object's name. */
  format: string
  description: string
  priority: number
}

/** A cell as JSON carries it; upstream's printers only produce these. */
export type Cell = string | number | boolean

/** meta/v1 TableRowCondition; upstream sets only `Completed`, for finished pods. */
export interface RowCondition {
  type: string
  status: 'True' | 'False' | 'Unknown'
  reason?: string
  message?: string
}

/**
 * One kind's printing. Both functions are pure: `now` (ms since the epoch)
 * is the only clock, so AGE and the other durations are computed at request
 * time by the caller and tests can fix it.
 */
export interface Printer<T extends KubeObject = KubeObject> {
  readonly columns: readonly TableColumn[]
  /** Every column's cell, wide ones included (the server always prints wide, as upstream). */
  cells(obj: T, now: number): Cell[]
  conditions?(obj: T): RowCondition[]
}

/** Keeps the kind's type through the declaration, as defineResource does. */
export function definePrinter<T extends KubeObject>(printer: Printer<T>): Printer {
  return printer as unknown as Printer
}

/**
 * A column whose description is either an API field's documentation (a key
 * of fieldDocs) or upstream's own sentence.
 */
export function column(name: string, type: string, description: FieldDoc | { text: string }, options: { priority?: number; format?: string } = {}): TableColumn {
  return {
    name,
    type,
    format: options.format ?? '',
    description: typeof description === 'string' ? fieldDocs[description] : description.text,
    priority: options.priority ?? 0,
  }
}

export const nameColumn: TableColumn = column('Name', 'string', 'meta.ObjectMeta.name', { format: 'name' })
export const ageColumn: TableColumn = column('Age', 'string', 'meta.ObjectMeta.creationTimestamp')
export const containersColumn: TableColumn = column('Containers', 'string', { text: 'Names of each container in the template.' }, { priority: 1 })
export const imagesColumn: TableColumn = column('Images', 'string', { text: 'Images referenced by each container in the template.' }, { priority: 1 })

/** Upstream's default TableConvertor (rest/table.go) for kinds without a printer: Name and Created At. */
export const defaultPrinter: Printer = {
  columns: [nameColumn, column('Created At', 'date', 'meta.ObjectMeta.creationTimestamp')],
  cells: (obj) => [obj.metadata.name ?? '', createdAt(obj.metadata.creationTimestamp)],
}

// Upstream formats the zero time too: 0001-01-01T00:00:00Z.
function createdAt(timestamp: string | undefined): string {
  if (!timestamp) return '0001-01-01T00:00:00Z'
  const ms = Date.parse(timestamp)
  return Number.isNaN(ms) ? timestamp : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
