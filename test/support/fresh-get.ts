// GET on a fresh connection, for node ports and Service addresses: a pooled
// keep-alive connection would outlive the endpoint change a test waits for.
import { request } from 'node:http'

/** The body, or the error code (e.g. 'ECONNREFUSED'). */
export function freshGet(url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve(body))
      res.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
    })
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
    req.end()
  })
}
