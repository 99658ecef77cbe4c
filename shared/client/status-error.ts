// The client side of the apiserver's StatusError: a non-2xx response's Status
// body, kept whole so callers branch on `reason` with the helpers below
// (`if (isConflict(err))`) instead of on message text.
import type { Status, StatusDetails } from '../api-types.ts'

export class ClientStatusError extends Error {
  readonly status: Status
  /** From `details.retryAfterSeconds` or the Retry-After header, when either was sent. */
  readonly retryAfterSeconds: number | undefined

  constructor(status: Status, retryAfterSeconds?: number) {
    super(status.message ?? `request failed with code ${status.code}`)
    this.name = 'ClientStatusError'
    this.status = status
    this.retryAfterSeconds = status.details?.retryAfterSeconds ?? retryAfterSeconds
  }

  get code(): number { return this.status.code }
  get reason(): string { return this.status.reason ?? '' }
  get details(): StatusDetails | undefined { return this.status.details }
}

const reasonByCode: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Expired', 415: 'UnsupportedMediaType', 422: 'Invalid',
  429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
}

/**
 * Builds the error for a failed response. A body that is not a Status (a proxy's
 * HTML page, an empty 503) still yields one, with the reason upstream would
 * infer from the code.
 */
export function statusErrorFrom(code: number, body: string, retryAfterHeader?: string | null): ClientStatusError {
  let status: Status | undefined
  try {
    const parsed = JSON.parse(body) as Partial<Status>
    if (parsed && parsed.kind === 'Status') status = { ...parsed, code: parsed.code || code } as Status
  } catch {
    // not JSON: fall through to a synthesized Status
  }
  status ??= {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code,
    reason: reasonByCode[code] ?? (code >= 500 ? 'InternalError' : 'Unknown'),
    message: body.trim() || `the server responded with code ${code}`,
  }
  return new ClientStatusError(status, parseRetryAfter(retryAfterHeader))
}

/** Seconds from a Retry-After header: delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000))
}

function hasReason(err: unknown, reason: string, code: number): boolean {
  if (!(err instanceof ClientStatusError)) return false
  return err.status.reason ? err.status.reason === reason : err.code === code
}

export const isNotFound = (err: unknown): boolean => hasReason(err, 'NotFound', 404)
export const isConflict = (err: unknown): boolean => hasReason(err, 'Conflict', 409)
export const isAlreadyExists = (err: unknown): boolean => hasReason(err, 'AlreadyExists', 409)
export const isInvalid = (err: unknown): boolean => hasReason(err, 'Invalid', 422)
export const isTooManyRequests = (err: unknown): boolean => err instanceof ClientStatusError && (err.code === 429 || err.reason === 'TooManyRequests')
/** 410: the resourceVersion asked for is older than the server's history (reason Expired or Gone). */
export const isGone = (err: unknown): boolean => err instanceof ClientStatusError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone')
export const isExpired = isGone
