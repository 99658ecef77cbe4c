// The `kubernetes` Service in `default`, by which pods reach the apiserver,
// with its Endpoints and EndpointSlice, as upstream's kubernetesservice
// controller and endpoint reconciler keep them: the Service holds the first
// address of the service range and port 443 (`https`) with targetPort the
// apiserver's own port; the Endpoints (labelled skip-mirror, so the mirroring
// controller leaves them alone) and the EndpointSlice (labelled with the
// Service's name only) list the advertise address. Runs at every start.
import { isDeepStrictEqual } from 'node:util'
import type { Logger } from 'pino'
import type { KubeObject } from '../shared/api-types.ts'
import { storageKey, type Registry } from './registry/registry.ts'
import type { RestStore, WriteContext } from './registry/rest-store.ts'
import { StatusError } from './status-error.ts'

export const kubernetesServiceName = 'kubernetes'
export const kubernetesServicePort = 443
const namespace = 'default'
const skipMirrorLabel = 'endpointslice.kubernetes.io/skip-mirror'
const serviceNameLabel = 'kubernetes.io/service-name'

export interface KubernetesServiceOptions {
  /** The first address of `--service-cluster-ip-range`. */
  clusterIP: string
  /** Where clients reach this apiserver: the advertise address. */
  advertiseAddress: string
  /** The port the apiserver listens on: the Service's targetPort and the endpoint port. */
  port: number
}

function servicePorts(port: number) {
  return [{ name: 'https', protocol: 'TCP', port: kubernetesServicePort, targetPort: port }]
}

/**
 * Creates the Service, Endpoints and EndpointSlice, or brings them back to
 * the desired ports and address. Failures are logged, never thrown: the
 * apiserver serves without them.
 */
export async function reconcileKubernetesService(registry: Registry, rest: RestStore, options: KubernetesServiceOptions, log: Logger): Promise<void> {
  const ctx: WriteContext = { manager: 'kube-apiserver', dryRun: false, now: new Date() }
  const endpointPorts = [{ name: 'https', port: options.port, protocol: 'TCP' }]
  const steps: Array<[string, string, KubeObject, (current: KubeObject) => KubeObject | undefined]> = [
    [
      '',
      'Service',
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: kubernetesServiceName, namespace, labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { type: 'ClusterIP', clusterIP: options.clusterIP, ports: servicePorts(options.port), sessionAffinity: 'None' },
      },
      // Upstream corrects only the ports and the type of an existing Service.
      (current) => {
        const spec = (current.spec ?? {}) as { type?: string; ports?: Array<Record<string, unknown>> }
        const want = servicePorts(options.port)
        const have = (spec.ports ?? []).map((p) => ({ name: p.name, protocol: p.protocol, port: p.port, targetPort: p.targetPort }))
        if (spec.type === 'ClusterIP' && isDeepStrictEqual(have, want)) return undefined
        current.spec = { ...spec, type: 'ClusterIP', ports: want }
        return current
      },
    ],
    [
      '',
      'Endpoints',
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: kubernetesServiceName, namespace, labels: { [skipMirrorLabel]: 'true' } },
        subsets: [{ addresses: [{ ip: options.advertiseAddress }], ports: endpointPorts }],
      },
      (current) => {
        const subsets = [{ addresses: [{ ip: options.advertiseAddress }], ports: endpointPorts }]
        if (isDeepStrictEqual(current.subsets, subsets) && current.metadata.labels?.[skipMirrorLabel] === 'true') return undefined
        current.subsets = subsets
        current.metadata.labels = { ...current.metadata.labels, [skipMirrorLabel]: 'true' }
        return current
      },
    ],
    [
      'discovery.k8s.io',
      'EndpointSlice',
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: kubernetesServiceName, namespace, labels: { [serviceNameLabel]: kubernetesServiceName } },
        addressType: 'IPv4',
        endpoints: [{ addresses: [options.advertiseAddress], conditions: { ready: true } }],
        ports: endpointPorts,
      },
      (current) => {
        const endpoints = [{ addresses: [options.advertiseAddress], conditions: { ready: true } }]
        const labels = { [serviceNameLabel]: kubernetesServiceName }
        if (isDeepStrictEqual(current.endpoints, endpoints) && isDeepStrictEqual(current.ports, endpointPorts) && isDeepStrictEqual(current.metadata.labels, labels)) return undefined
        current.endpoints = endpoints
        current.ports = endpointPorts
        current.metadata.labels = labels
        return current
      },
    ],
  ]
  for (const [group, kind, desired, correct] of steps) {
    const def = registry.byKind(group, kind)
    if (!def) continue
    try {
      if (!rest.store.get(storageKey(def, namespace, kubernetesServiceName))) {
        await rest.create(def, namespace, structuredClone(desired), ctx)
      } else {
        let changed = false
        await rest.update(def, namespace, kubernetesServiceName, (current) => {
          const next = correct(current)
          changed = next !== undefined
          return next ?? current
        }, ctx)
        if (changed) log.info({ kind }, 'kubernetes service object corrected')
      }
    } catch (err) {
      if (err instanceof StatusError && err.code === 409) continue
      log.warn({ err, kind }, 'cannot reconcile the kubernetes service')
    }
  }
}
