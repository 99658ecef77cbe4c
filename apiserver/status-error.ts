// One error type for every failed request: it carries the meta/v1 Status that
// becomes the response body. Constructors fix each code/reason pair and the
// upstream message wording, so kubectl prints what it prints on a real cluster.
import type { Status, StatusDetails } from '../shared/api-types.ts'
import type { FieldError } from './validation/field-error.ts'

/** A group + resource as upstream names it in messages: `pods`, `deployments.apps`. */
export interface GroupResource {
  group: string
  resource: string
}

export function qualifiedResource(r: GroupResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource
}

export function failure(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }
  if (details) status.details = details
  return status
}

export function success(details?: StatusDetails, code = 200): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code }
  if (details) status.details = details
  return status
}

function groupDetails(r: GroupResource, name: string | undefined): StatusDetails {
  const d: StatusDetails = {}
  if (name !== undefined) d.name = name
  if (r.group) d.group = r.group
  d.kind = r.resource
  return d
}

export class StatusError extends Error {
  readonly status: Status
  /** Extra response headers, e.g. Retry-After. */
  readonly headers?: Record<string, string>
  constructor(status: Status, headers?: Record<string, string>) {
    super(status.message)
    this.status = status
    this.headers = headers
  }

  get code(): number {
    return this.status.code
  }

  static notFound(r: GroupResource, name: string): StatusError {
    return new StatusError(failure(404, 'NotFound', `${qualifiedResource(r)} "${name}" not found`, groupDetails(r, name)))
  }

  static alreadyExists(r: GroupResource, name: string): StatusError {
    return new StatusError(failure(409, 'AlreadyExists', `${qualifiedResource(r)} "${name}" already exists`, groupDetails(r, name)))
  }

  static conflict(r: GroupResource, name: string, why: string): StatusError {
    return new StatusError(
      failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(r)} "${name}": ${why}`, groupDetails(r, name)),
    )
  }

  static staleUpdate(r: GroupResource, name: string): StatusError {
    return StatusError.conflict(r, name, 'the object has been modified; please apply your changes to the latest version and try again')
  }

  /** 422 Invalid; `kind` is the Kind (`Deployment`), as upstream puts it in details. */
  static invalid(group: string, kind: string, name: string, errors: FieldError[]): StatusError {
    const list = errors.map((e) => `${e.field}: ${e.message}`)
    const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`
    const details: StatusDetails = { name, ...(group ? { group } : {}), kind, causes: errors.map((e) => ({ reason: e.type, message: e.message, field: e.field })) }
    return new StatusError(failure(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`, details))
  }

  static badRequest(message: string): StatusError {
    return new StatusError(failure(400, 'BadRequest', message))
  }

  static forbidden(r: GroupResource, name: string, why: string): StatusError {
    const subject = name ? `${qualifiedResource(r)} "${name}"` : qualifiedResource(r)
    return new StatusError(failure(403, 'Forbidden', `${subject} is forbidden: ${why}`, groupDetails(r, name || undefined)))
  }

  static methodNotAllowed(message = 'the server does not allow this method on the requested resource'): StatusError {
    return new StatusError(failure(405, 'MethodNotAllowed', message, {}))
  }

  static notAcceptable(message: string): StatusError {
    return new StatusError(failure(406, 'NotAcceptable', message))
  }

  static unsupportedMediaType(contentType: string): StatusError {
    return new StatusError(failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`))
  }

  static requestEntityTooLarge(message = 'the request is too large'): StatusError {
    return new StatusError(failure(413, 'RequestEntityTooLarge', message))
  }

  /** 410 for a watch or list from a compacted resourceVersion. */
  static expired(message: string): StatusError {
    return new StatusError(failure(410, 'Expired', message))
  }

  static gone(message: string): StatusError {
    return new StatusError(failure(410, 'Gone', message))
  }

  static tooManyRequests(message: string, retryAfterSeconds?: number): StatusError {
    const details: StatusDetails | undefined = retryAfterSeconds ? { retryAfterSeconds } : undefined
    return new StatusError(failure(429, 'TooManyRequests', message, details), retryAfterSeconds ? { 'retry-after': String(retryAfterSeconds) } : undefined)
  }

  /** The route matched nothing: the same words kubectl maps to "the server could not find the requested resource". */
  static pathNotFound(): StatusError {
    return new StatusError(failure(404, 'NotFound', 'the server could not find the requested resource', {}))
  }

  static internal(message: string): StatusError {
    return new StatusError(failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }))
  }
}
