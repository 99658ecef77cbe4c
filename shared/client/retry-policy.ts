// When a failed request is tried again. Reads (and PUT/PATCH/DELETE, which the
// apiserver makes idempotent through resourceVersion preconditions) retry on
// connection errors, 429 and 5xx; a POST only when the connection was refused,
// because then it never reached the server and cannot have created anything.
import { ClientStatusError } from './status-error.ts'

export interface RetryOptions {
  /** Total tries including the first. @default 5 */
  maxAttempts?: number
  /** Backoff before the second try; doubles each time. @default 100 */
  baseDelayMs?: number
  /** Cap on one backoff (and on an honoured Retry-After). @default 10_000 */
  maxDelayMs?: number
}

const idempotent = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'])
const refusedCodes = new Set(['ECONNREFUSED'])
const connectionCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT'])

function errorCodes(err: unknown): string[] {
  const codes: string[] = []
  for (let e = err as { code?: unknown; cause?: unknown; errors?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') codes.push(e.code)
    if (Array.isArray(e.errors)) for (const inner of e.errors) codes.push(...errorCodes(inner))
  }
  return codes
}

export function isConnectionRefused(err: unknown): boolean {
  return errorCodes(err).some((c) => refusedCodes.has(c))
}

export function isConnectionError(err: unknown): boolean {
  return errorCodes(err).some((c) => connectionCodes.has(c))
}

/** Whether `err`, from a `method` request, may be retried. */
export function isRetryable(method: string, err: unknown): boolean {
  if (err instanceof ClientStatusError) {
    if (!idempotent.has(method)) return false
    return err.code === 429 || (err.code >= 500 && err.code !== 501)
  }
  if (idempotent.has(method)) return isConnectionError(err)
  return isConnectionRefused(err)
}

/**
 * Delay before try number `attempt + 1` (attempt counts from 1): a Retry-After
 * the server sent wins; otherwise exponential with full jitter, so clients that
 * failed together do not come back together.
 */
export function retryDelayMs(attempt: number, err: unknown, options: RetryOptions = {}, random = Math.random): number {
  const base = options.baseDelayMs ?? 100
  const max = options.maxDelayMs ?? 10_000
  if (err instanceof ClientStatusError && err.retryAfterSeconds !== undefined) return Math.min(err.retryAfterSeconds * 1000, max)
  const ceiling = Math.min(base * 2 ** (attempt - 1), max)
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
