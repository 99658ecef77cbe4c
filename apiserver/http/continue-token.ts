// `continue` tokens for paged lists: where the last page stopped and the
// revision the first page was taken at. A token older than the watch history
// window is expired (410), as etcd compaction expires upstream's.
import { StatusError } from '../status-error.ts'

interface Token {
  v: 'meta.k8s.io/v1'
  rv: number
  start: string
}

export function encodeContinue(revision: number, lastKey: string): string {
  const token: Token = { v: 'meta.k8s.io/v1', rv: revision, start: lastKey }
  return Buffer.from(JSON.stringify(token)).toString('base64url')
}

export function decodeContinue(text: string, prefix: string, oldestRevision: number): { revision: number; startAfter: string } {
  let token: Token
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    throw StatusError.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)')
  }
  if (token?.v !== 'meta.k8s.io/v1' || typeof token.rv !== 'number' || typeof token.start !== 'string' || !token.start.startsWith(prefix)) {
    throw StatusError.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)')
  }
  if (token.rv < oldestRevision) {
    throw StatusError.expired(
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    )
  }
  return { revision: token.rv, startAfter: token.start }
}
