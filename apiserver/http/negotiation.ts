// Content negotiation: which representation the client asked for in Accept.
// kubectl sends a list in preference order (Table, then plain JSON); a client
// that asks for protobuf first and JSON second gets JSON.
import { StatusError } from '../status-error.ts'

export type OutputFormat =
  | { type: 'json' }
  | { type: 'yaml' }
  | { type: 'table'; version: 'v1' | 'v1beta1' }
  | { type: 'metadata'; version: 'v1' | 'v1beta1' }
  | { type: 'discovery'; version: 'v2' | 'v2beta1' }

interface MediaRange {
  type: string
  params: Record<string, string>
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return []
  return header
    .split(',')
    .map((part) => {
      const [type, ...params] = part.split(';').map((s) => s.trim())
      const p: Record<string, string> = {}
      for (const kv of params) {
        const eq = kv.indexOf('=')
        if (eq > 0) p[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim()
      }
      return { type: type.toLowerCase(), params: p }
    })
    .filter((m) => m.type !== '' && m.params.q !== '0')
}

const jsonTypes = new Set(['application/json', '*/*', 'application/*'])

/**
 * Picks the first acceptable representation. `allow` says which of the
 * special forms (Table, metadata-only, aggregated discovery) the endpoint can produce.
 */
export function negotiate(header: string | undefined, allow: { table?: boolean; metadata?: boolean; discovery?: boolean } = {}): OutputFormat {
  const ranges = parseAccept(header)
  if (ranges.length === 0) return { type: 'json' }
  for (const r of ranges) {
    const as = r.params.as
    if (r.type === 'application/json' && as) {
      const v = r.params.v
      if (as === 'Table' && r.params.g === 'meta.k8s.io' && allow.table && (v === 'v1' || v === 'v1beta1')) return { type: 'table', version: v }
      if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && r.params.g === 'meta.k8s.io' && allow.metadata && (v === 'v1' || v === 'v1beta1')) {
        return { type: 'metadata', version: v }
      }
      if (as === 'APIGroupDiscoveryList' && r.params.g === 'apidiscovery.k8s.io' && allow.discovery && (v === 'v2' || v === 'v2beta1')) return { type: 'discovery', version: v }
      continue
    }
    if (jsonTypes.has(r.type)) return { type: 'json' }
    if (r.type === 'application/yaml') return { type: 'yaml' }
  }
  throw StatusError.notAcceptable(`only the following media types are accepted: application/json, application/yaml`)
}

export function wantsPretty(query: Record<string, unknown>): boolean {
  return query.pretty === 'true' || query.pretty === '1'
}
