// Service links: the Docker-links-style variables a container gets for each
// service it may talk to (upstream's pkg/kubelet/envvars and
// getServiceEnvVarMap). The `kubernetes` service in `default` is always
// linked, so in-cluster clients find the apiserver; the services of the
// pod's own namespace only with spec.enableServiceLinks (default true).
import type { Service } from './env-api-objects.ts'

/** Upstream's masterServices: linked into every pod, whatever enableServiceLinks says. */
const masterServices = new Set(['kubernetes'])

function hasClusterIP(service: Service): boolean {
  const ip = service.spec?.clusterIP
  return !!ip && ip !== 'None'
}

/** `my-svc` → `MY_SVC`. */
function envVariableName(name: string): string {
  return name.replaceAll('-', '_').toUpperCase()
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/**
 * The services whose variables a pod in namespace gets: masters from
 * `default`, plus (with enableServiceLinks) the namespace's own, which win
 * over a master of the same name as upstream's map does. Sorted by name so the
 * environment is the same on every start (upstream's map order is random).
 */
export function linkedServices(namespace: string, enableServiceLinks: boolean, services: (namespace: string) => readonly Service[]): Service[] {
  const byName = new Map<string, Service>()
  for (const service of services('default')) {
    const name = service.metadata.name ?? ''
    if (masterServices.has(name) && hasClusterIP(service)) byName.set(name, service)
  }
  if (enableServiceLinks) {
    for (const service of services(namespace)) {
      if (service.metadata.namespace && service.metadata.namespace !== namespace) continue
      if (hasClusterIP(service)) byName.set(service.metadata.name ?? '', service)
    }
  }
  return [...byName.values()].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1))
}

/**
 * For each service with a cluster IP and at least one port:
 * <NAME>_SERVICE_HOST, <NAME>_SERVICE_PORT (first port),
 * <NAME>_SERVICE_PORT_<PORTNAME> (named ports), then the Docker-compatible
 * <NAME>_PORT (first port's URL) and, per port,
 * <NAME>_PORT_<port>_<PROTO>{,_PROTO,_PORT,_ADDR}.
 */
export function serviceEnvironment(services: readonly Service[]): Array<[string, string]> {
  const env: Array<[string, string]> = []
  for (const service of services) {
    const ip = service.spec?.clusterIP ?? ''
    const ports = service.spec?.ports ?? []
    if (!hasClusterIP(service) || ports.length === 0) continue
    const prefix = envVariableName(service.metadata.name ?? '')
    env.push([`${prefix}_SERVICE_HOST`, ip])
    env.push([`${prefix}_SERVICE_PORT`, String(ports[0].port ?? 0)])
    for (const port of ports) {
      if (port.name) env.push([`${prefix}_SERVICE_PORT_${envVariableName(port.name)}`, String(port.port ?? 0)])
    }
    ports.forEach((port, i) => {
      const protocol = port.protocol || 'TCP'
      const url = `${protocol.toLowerCase()}://${joinHostPort(ip, port.port ?? 0)}`
      // Docker special-cases the first port.
      if (i === 0) env.push([`${prefix}_PORT`, url])
      const portPrefix = `${prefix}_PORT_${port.port ?? 0}_${protocol.toUpperCase()}`
      env.push([portPrefix, url])
      env.push([`${portPrefix}_PROTO`, protocol.toLowerCase()])
      env.push([`${portPrefix}_PORT`, String(port.port ?? 0)])
      env.push([`${portPrefix}_ADDR`, ip])
    })
  }
  return env
}
