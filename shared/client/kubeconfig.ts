// Reads the part of a kubeconfig a component needs: the current context's
// cluster (server, CA, insecure-skip-tls-verify) and user (bearer token or
// client certificate). File paths are relative to the kubeconfig's directory,
// as kubectl resolves them; `*-data` fields are base64 and win over paths.
import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { parse } from 'yaml'

export interface ConnectionConfig {
  server: string
  /** PEM bundle to verify the server with, instead of the system roots. */
  ca?: string
  /** PEM client certificate and key for mutual TLS. */
  cert?: string
  key?: string
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string
  insecureSkipTLSVerify?: boolean
}

interface Named<T> { name: string; [k: string]: unknown; cluster?: T; user?: T; context?: T }
type Fields = Record<string, unknown>

export function loadKubeconfig(path: string, context?: string): ConnectionConfig {
  return parseKubeconfig(readFileSync(path, 'utf8'), dirname(resolve(path)), context)
}

/** @param baseDir the directory relative file paths are resolved against */
export function parseKubeconfig(text: string, baseDir: string, contextName?: string): ConnectionConfig {
  const doc = (parse(text) ?? {}) as Fields
  const pick = (list: string, name: string | undefined, key: 'cluster' | 'user' | 'context'): Fields => {
    const entries = (doc[list] ?? []) as Named<Fields>[]
    const found = entries.find((e) => e.name === name)
    if (!found) throw new Error(`kubeconfig: ${key} ${JSON.stringify(name)} not found`)
    return found[key] ?? {}
  }
  const current = contextName ?? (doc['current-context'] as string | undefined)
  if (!current) throw new Error('kubeconfig: no current-context set')
  const ctx = pick('contexts', current, 'context')
  const cluster = pick('clusters', ctx.cluster as string, 'cluster')
  const user = ctx.user ? pick('users', ctx.user as string, 'user') : {}
  if (typeof cluster.server !== 'string' || !cluster.server) throw new Error(`kubeconfig: cluster ${JSON.stringify(ctx.cluster)} has no server`)

  const material = (fields: Fields, name: string): string | undefined => {
    const data = fields[`${name}-data`]
    if (typeof data === 'string' && data) return Buffer.from(data, 'base64').toString('utf8')
    const file = fields[name]
    if (typeof file === 'string' && file) return readFileSync(isAbsolute(file) ? file : resolve(baseDir, file), 'utf8')
    return undefined
  }
  const config: ConnectionConfig = { server: cluster.server }
  const ca = material(cluster, 'certificate-authority')
  if (ca) config.ca = ca
  if (cluster['insecure-skip-tls-verify'] === true) config.insecureSkipTLSVerify = true
  const cert = material(user, 'client-certificate')
  const key = material(user, 'client-key')
  if (cert) config.cert = cert
  if (key) config.key = key
  const token = typeof user.token === 'string' ? user.token
    : typeof user.tokenFile === 'string' ? readFileSync(resolve(baseDir, user.tokenFile), 'utf8').trim() : undefined
  if (token) config.token = token
  return config
}
