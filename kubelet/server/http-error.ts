// An error the kubelet server answers before any upgrade: a status code and
// upstream's plain-text message (the apiserver makes a Status of it).
/** An error answered before any upgrade: status code and plain-text message. */
export class HttpError extends Error {
  readonly code: number
  constructor(code: number, message: string) {
    super(message)
    this.code = code
  }
}
