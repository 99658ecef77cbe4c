// Why a patch could not be applied, and how kube-apiserver answers it
// (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go). The patch
// functions throw PatchError; the PATCH handler turns it into a response with
// toStatusError().
import type { Status } from '../../shared/api-types.ts'
import { StatusError } from '../status-error.ts'

/**
 * - `BadRequest` (400): the body is not a patch of its type (a JSON patch that
 *   is not an array of objects, a merge patch that is null or a scalar, a
 *   strategic patch that is not an object) or a strategic directive is
 *   malformed (`$retainKeys`, `$deleteFromPrimitiveList/…`, `$setElementOrder/…`).
 * - `Invalid` (422): a well-formed patch does not apply: a JSON patch `test`
 *   fails, a path is missing, an index is out of range; a list of lists.
 * - `RequestEntityTooLarge` (413): more than 10000 JSON patch operations.
 * - `Internal` (500): upstream passes these strategic-merge errors through
 *   unconverted: a list item without its merge key, an unknown `$patch`
 *   value, a patch list out of `$setElementOrder`'s order.
 */
export type PatchErrorReason = 'BadRequest' | 'Invalid' | 'RequestEntityTooLarge' | 'Internal'

const httpCodes: Record<PatchErrorReason, number> = { BadRequest: 400, Invalid: 422, RequestEntityTooLarge: 413, Internal: 500 }

/**
 * Thrown by applyJsonPatch, applyMergePatch and applyStrategicMergePatch.
 * `message` is the upstream library's own wording, worth logging even where
 * the response hides it (422 answers carry a fixed message, as upstream's do).
 *
 * @example
 * try { next = applyJsonPatch(current, body) }
 * catch (err) { throw err instanceof PatchError ? err.toStatusError() : err }
 */
export class PatchError extends Error {
  readonly reason: PatchErrorReason

  constructor(reason: PatchErrorReason, message: string) {
    super(message)
    this.name = 'PatchError'
    this.reason = reason
  }

  static badRequest(message: string): PatchError {
    return new PatchError('BadRequest', message)
  }

  static invalid(message: string): PatchError {
    return new PatchError('Invalid', message)
  }

  static tooLarge(message: string): PatchError {
    return new PatchError('RequestEntityTooLarge', message)
  }

  static internal(message: string): PatchError {
    return new PatchError('Internal', message)
  }

  get code(): number {
    return httpCodes[this.reason]
  }

  /** The Status kube-apiserver sends for this failure. */
  toStatusError(): StatusError {
    switch (this.reason) {
      case 'BadRequest':
        return StatusError.badRequest(this.message)
      case 'RequestEntityTooLarge':
        return StatusError.requestEntityTooLarge(`Request entity too large: ${this.message}`)
      case 'Invalid':
        // NewGenericServerResponse(422, ...) without causes: the library's
        // message is dropped, so kubectl prints "The request is invalid: the
        // server rejected our request due to an error in our request".
        return new StatusError(failureStatus(422, 'the server rejected our request due to an error in our request', 'Invalid', {}))
      case 'Internal':
        // A plain Go error reaches ErrorToAPIStatus: 500 with an empty reason.
        return new StatusError(failureStatus(500, this.message))
    }
  }
}

function failureStatus(code: number, message: string, reason?: string, details?: Status['details']): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code }
  if (reason) status.reason = reason
  if (details) status.details = details
  return status
}
