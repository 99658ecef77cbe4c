// Query parameters of API requests, read the way kube-apiserver reads them:
// the last of repeated values wins; booleans are `true` or `1`.
import type { FastifyRequest } from 'fastify'
import { StatusError } from '../status-error.ts'
import type { WriteContext } from '../registry/rest-store.ts'
import { managerFromUserAgent } from '../registry/system-metadata.ts'

export type Query = Record<string, string | string[] | undefined>

export function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value
}

export function flag(value: string | string[] | undefined): boolean {
  const v = one(value)
  return v === 'true' || v === '1'
}

export function int(query: Query, name: string): number | undefined {
  const v = one(query[name])
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n)) throw StatusError.badRequest(`invalid ${name} parameter: ${JSON.stringify(v)}`)
  return n
}

/** What a write needs to know: who writes (fieldManager), dry run, the time. */
export function writeContext(request: FastifyRequest, query: Query, now: Date): WriteContext {
  const dryRun = query.dryRun
  const values = Array.isArray(dryRun) ? dryRun : dryRun ? [dryRun] : []
  for (const v of values) if (v !== 'All') throw StatusError.badRequest(`Invalid dry run value "${v}": valid values are "All"`)
  const manager = one(query.fieldManager) ?? managerFromUserAgent(request.headers['user-agent'])
  if (manager.length > 128) throw StatusError.invalid('', 'PatchOptions', '', [{ type: 'FieldValueTooLong', field: 'fieldManager', message: 'Too long: may not be more than 128 bytes' }])
  return { manager, dryRun: values.length > 0, now, warnings: [] }
}
