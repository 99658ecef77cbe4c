import { describe, expect, it } from 'vitest'
import type { Pod } from '../../../shared/core-types.ts'
import { buildSubsets, maxEndpointsCapacity, overCapacity, subsetsEqual, truncateSubsets } from './endpoint-subsets.ts'
import type { EndpointAddress, Service } from './service-types.ts'

function pod(name: string, ip: string | undefined, opts: { ready?: boolean; node?: string; ports?: Array<{ name: string; containerPort: number; protocol?: string }>; phase?: string; deleting?: boolean; hostname?: string; subdomain?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: opts.node ?? 'node-1', hostname: opts.hostname, subdomain: opts.subdomain, containers: [{ name: 'web', ports: opts.ports ?? [{ name: 'http', containerPort: 8080 }] }] },
    status: {
      phase: opts.phase ?? 'Running',
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  }
}

function service(ports: Service['spec'] extends infer S ? S extends { ports?: infer P } ? P : never : never, extra: Partial<NonNullable<Service['spec']>> = {}): Service {
  return { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', ipFamilies: ['IPv4'], ports, ...extra } }
}

const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` })

describe('buildSubsets', () => {
  it('resolves a named targetPort from the pod\'s container ports, keeping the service port\'s name and protocol', () => {
    const { subsets } = buildSubsets(service([{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }]), [pod('a', '127.244.1.2')])
    expect(subsets).toEqual([{
      addresses: [{ ip: '127.244.1.2', nodeName: 'node-1', targetRef: ref('a') }],
      ports: [{ name: 'web', port: 8080, protocol: 'TCP' }],
    }])
  })

  it('leaves a pod out of a port it does not name (and a protocol that does not match)', () => {
    const svc = service([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }, { name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' }])
    const withDns = pod('a', '127.244.1.2', { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] })
    const tcpDns = pod('b', '127.244.1.3', { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'TCP' }] })
    const { subsets } = buildSubsets(svc, [withDns, tcpDns])
    // Port 8080 is served by both, 5353/UDP only by a: two subsets.
    expect(subsets).toHaveLength(2)
    const dns = subsets.find((s) => s.ports?.[0].name === 'dns')!
    expect(dns.addresses?.map((a) => a.ip)).toEqual(['127.244.1.2'])
    const http = subsets.find((s) => s.ports?.[0].name === 'http')!
    expect(http.addresses?.map((a) => a.ip)).toEqual(['127.244.1.2', '127.244.1.3'])
  })

  it('uses a numeric targetPort as is, whatever the containers declare', () => {
    const { subsets } = buildSubsets(service([{ port: 80, targetPort: 9376, protocol: 'TCP' }]), [pod('a', '127.244.1.2')])
    expect(subsets[0].ports).toEqual([{ name: undefined, port: 9376, protocol: 'TCP' }])
  })

  it('puts pods that are not ready in notReadyAddresses, sorted by IP, in one subset with the ready ones', () => {
    const built = buildSubsets(service([{ port: 80, targetPort: 80, protocol: 'TCP' }]), [
      pod('c', '127.244.2.9', { ready: false }), pod('a', '127.244.2.2'), pod('b', '127.244.1.2'),
    ])
    expect(built.subsets).toHaveLength(1)
    expect(built.subsets[0].addresses?.map((a: EndpointAddress) => a.ip)).toEqual(['127.244.1.2', '127.244.2.2'])
    expect(built.subsets[0].notReadyAddresses?.map((a: EndpointAddress) => a.targetRef?.name)).toEqual(['c'])
    expect([built.ready, built.notReady]).toEqual([2, 1])
  })

  it('publishes not-ready pods as ready with publishNotReadyAddresses, terminating ones included', () => {
    const { subsets } = buildSubsets(service([{ port: 80, targetPort: 80, protocol: 'TCP' }], { publishNotReadyAddresses: true }), [
      pod('a', '127.244.1.2', { ready: false }), pod('b', '127.244.1.3', { deleting: true }),
    ])
    expect(subsets[0].addresses?.map((a) => a.ip)).toEqual(['127.244.1.2', '127.244.1.3'])
    expect(subsets[0].notReadyAddresses).toBeUndefined()
  })

  it('skips pods without an IP, finished pods and (by default) terminating pods', () => {
    const { subsets } = buildSubsets(service([{ port: 80, targetPort: 80, protocol: 'TCP' }]), [
      pod('pending', undefined), pod('done', '127.244.1.4', { phase: 'Succeeded' }), pod('failed', '127.244.1.5', { phase: 'Failed' }),
      pod('leaving', '127.244.1.6', { deleting: true }),
    ])
    expect(subsets).toEqual([])
  })

  it('sets hostname only for pods whose subdomain names the service', () => {
    const { subsets } = buildSubsets(service([{ port: 80, targetPort: 80, protocol: 'TCP' }], { clusterIP: 'None' }), [
      pod('a', '127.244.1.2', { hostname: 'web-0', subdomain: 'web' }), pod('b', '127.244.1.3', { hostname: 'db-0', subdomain: 'db' }),
    ])
    expect(subsets[0].addresses?.map((a) => a.hostname)).toEqual(['web-0', undefined])
  })

  it('gives a headless service without ports its addresses without ports; a service with a cluster IP and no ports gets none', () => {
    expect(buildSubsets(service([], { clusterIP: 'None' }), [pod('a', '127.244.1.2')]).subsets).toEqual([
      { addresses: [{ ip: '127.244.1.2', nodeName: 'node-1', targetRef: ref('a') }] },
    ])
    expect(buildSubsets(service([]), [pod('a', '127.244.1.2')]).subsets).toEqual([])
  })

  it('takes the pod IP of the service\'s family', () => {
    const dual = pod('a', '127.244.1.2')
    dual.status!.podIPs = [{ ip: '127.244.1.2' }, { ip: 'fd00::2' }]
    const { subsets } = buildSubsets(service([{ port: 80, targetPort: 80, protocol: 'TCP' }], { ipFamilies: ['IPv6'], clusterIP: 'fd00::a' }), [dual])
    expect(subsets[0].addresses?.[0].ip).toBe('fd00::2')
  })
})

describe('truncateSubsets', () => {
  it('keeps maxEndpointsCapacity ready addresses and drops the not-ready ones when ready alone are too many', () => {
    const addresses = Array.from({ length: 1200 }, (_, i) => ({ ip: `10.0.${i >> 8}.${i & 255}` }))
    const subsets = [{ addresses, notReadyAddresses: [{ ip: '10.9.9.9' }], ports: [{ port: 80 }] }]
    expect(overCapacity(subsets)).toBe(true)
    const cut = truncateSubsets(subsets)
    expect(cut[0].addresses).toHaveLength(maxEndpointsCapacity)
    expect(cut[0].notReadyAddresses).toBeUndefined()
    expect(overCapacity(cut)).toBe(false)
  })

  it('cuts only not-ready addresses when the ready ones fit', () => {
    const ready = Array.from({ length: 900 }, (_, i) => ({ ip: `10.0.${i >> 8}.${i & 255}` }))
    const notReady = Array.from({ length: 300 }, (_, i) => ({ ip: `10.1.${i >> 8}.${i & 255}` }))
    const cut = truncateSubsets([{ addresses: ready, notReadyAddresses: notReady, ports: [{ port: 80 }] }])
    expect(cut[0].addresses).toHaveLength(900)
    expect(cut[0].notReadyAddresses).toHaveLength(100)
  })
})

describe('subsetsEqual', () => {
  it('ignores the pods\' resourceVersions and empty lists, not a changed address', () => {
    const a = [{ addresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', name: 'a', resourceVersion: '5' } }], ports: [{ port: 80 }] }]
    const b = [{ addresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', name: 'a' } }], notReadyAddresses: [], ports: [{ port: 80 }] }]
    expect(subsetsEqual(a, b)).toBe(true)
    expect(subsetsEqual([], [])).toBe(true)
    expect(subsetsEqual(a, [])).toBe(false)
    expect(subsetsEqual(a, [{ ...b[0], addresses: [{ ip: '10.0.0.2' }] }])).toBe(false)
  })
})
