// Where a node's kubelet listens and which container a pod request means:
// the lookups the log, exec, attach, port-forward and node proxies share.
import type { Node, Pod } from '../../shared/core-types.ts'
import type { Registry } from '../registry/registry.ts'
import type { RestStore } from '../registry/rest-store.ts'
import { StatusError, failure } from '../status-error.ts'

/** The kubelet's port when the node does not say (upstream's default). */
export const defaultKubeletPort = 10250

/** Upstream's preference among status.addresses when dialing a kubelet; kubeling nodes report InternalIP. */
const addressPreference = ['InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS']

export interface KubeletLocation {
  host: string
  port: number
}

export interface ProxyDeps {
  registry: Registry
  rest: RestStore
}

function definition(deps: ProxyDeps, plural: 'pods' | 'nodes') {
  const def = deps.registry.lookup('', 'v1', plural)
  if (!def) throw StatusError.internal(`${plural} are not served`)
  return def
}

export function getPod(deps: ProxyDeps, namespace: string, name: string): Pod {
  return deps.rest.get(definition(deps, 'pods'), namespace, name).object as Pod
}

/** The kubelet of `nodeName`; 404 when the node does not exist, 400 when it has no address. */
export function kubeletLocation(deps: ProxyDeps, nodeName: string): KubeletLocation {
  const node = deps.rest.get(definition(deps, 'nodes'), undefined, nodeName).object as Node
  const addresses = node.status?.addresses ?? []
  let host: string | undefined
  for (const type of addressPreference) {
    host = addresses.find((a) => a.type === type && a.address)?.address
    if (host) break
  }
  if (!host) throw StatusError.badRequest(`no preferred addresses found; known addresses: [${addresses.map((a) => `{${a.type} ${a.address}}`).join(' ')}]`)
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || defaultKubeletPort
  return { host, port }
}

export function hostPort({ host, port }: KubeletLocation): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** A failure upstream does not classify (reason empty): kubectl prints `Error from server: <message>`. */
export function unclassified(code: number, message: string): StatusError {
  const status = failure(code, '', message)
  delete status.reason
  return new StatusError(status)
}

export const defaultContainerAnnotation = 'kubectl.kubernetes.io/default-container'

/**
 * The container a log/exec/attach request addresses, as upstream picks it:
 * the named one (400 when the pod has none by that name), else the
 * default-container annotation, else the only container.
 */
export function resolveContainer(pod: Pod, requested: string | undefined): string {
  const spec = pod.spec ?? {}
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name ?? '')
  const name = pod.metadata?.name ?? ''
  if (requested) {
    if (!all.includes(requested)) throw StatusError.badRequest(`container ${requested} is not valid for pod ${name}`)
    return requested
  }
  const annotated = pod.metadata?.annotations?.[defaultContainerAnnotation]
  if (annotated && all.includes(annotated)) return annotated
  const containers = spec.containers ?? []
  if (containers.length === 1 && containers[0].name) return containers[0].name
  if (containers.length === 0) throw StatusError.badRequest(`a container name must be specified for pod ${name}`)
  throw StatusError.badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`)
}
