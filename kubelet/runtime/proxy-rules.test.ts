import { describe, expect, it } from 'vitest'
import { proxyRules, type EndpointSlice, type ProxiedService } from './proxy-rules.ts'

const nodeIP = '127.0.86.1'

function service(name: string, spec: ProxiedService['spec'], status?: ProxiedService['status'], namespace = 'default'): ProxiedService {
  return { metadata: { name, namespace }, spec, ...(status ? { status } : {}) }
}

function slice(service: string, endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports'], namespace = 'default', name = `${service}-abc`): EndpointSlice {
  return { metadata: { name, namespace, labels: { 'kubernetes.io/service-name': service } }, addressType: 'IPv4', endpoints, ports }
}

const ready = (ip: string, isReady: boolean | undefined = true) => ({ addresses: [ip], conditions: isReady === undefined ? {} : { ready: isReady } })

describe('proxyRules', () => {
  it('gives a NodePort service port a rule on the node IP with its ready endpoints at the slice port of the same name', () => {
    const svc = service('web', {
      type: 'NodePort',
      ports: [{ name: 'http', port: 80, nodePort: 30080 }, { name: 'metrics', port: 9100, nodePort: 30091 }],
    })
    const slices = [slice('web', [ready('127.129.1.2'), ready('127.129.1.3', false), ready('127.130.1.2')], [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }])]
    expect(proxyRules([svc], slices, nodeIP)).toEqual([
      {
        key: '127.0.86.1:30080', ip: nodeIP, port: 30080, servicePort: 'default/web:http', frontend: 'NodePort',
        backends: [{ ip: '127.129.1.2', port: 8080 }, { ip: '127.130.1.2', port: 8080 }],
      },
      {
        key: '127.0.86.1:30091', ip: nodeIP, port: 30091, servicePort: 'default/web:metrics', frontend: 'NodePort',
        backends: [{ ip: '127.129.1.2', port: 9090 }, { ip: '127.130.1.2', port: 9090 }],
      },
    ])
  })

  it('merges a service port across slices, without duplicates, and counts a missing ready condition as ready', () => {
    const svc = service('web', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })
    const slices = [
      slice('web', [ready('127.129.1.3'), ready('127.129.1.2')], [{ port: 80 }], 'default', 'web-1'),
      slice('web', [ready('127.129.1.2'), ready('127.129.1.4', undefined)], [{ port: 80 }], 'default', 'web-2'),
      // Another namespace's service of the same name is another service.
      slice('web', [ready('127.129.9.9')], [{ port: 80 }], 'other'),
    ]
    expect(proxyRules([svc], slices, nodeIP)[0].backends).toEqual([
      { ip: '127.129.1.2', port: 80 }, { ip: '127.129.1.3', port: 80 }, { ip: '127.129.1.4', port: 80 },
    ])
  })

  it('listens on LoadBalancer ingress IPs at the service port, besides the nodePort', () => {
    const svc = service('lb', { type: 'LoadBalancer', ports: [{ name: 'http', port: 8080, nodePort: 31000 }] }, { loadBalancer: { ingress: [{ ip: '127.0.87.1' }, { hostname: 'lb.example' }] } })
    const rules = proxyRules([svc], [slice('lb', [ready('127.129.1.2')], [{ name: 'http', port: 80 }])], nodeIP)
    expect(rules.map((r) => [r.key, r.frontend, r.backends])).toEqual([
      ['127.0.86.1:31000', 'NodePort', [{ ip: '127.129.1.2', port: 80 }]],
      ['127.0.87.1:8080', 'LoadBalancer', [{ ip: '127.129.1.2', port: 80 }]],
    ])
  })

  it('keeps rules without ready endpoints (the proxier refuses for them) and skips what it cannot proxy', () => {
    const services = [
      service('down', { type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] }),
      service('plain', { type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ port: 80 }] }),
      service('dns', { type: 'NodePort', ports: [{ port: 53, nodePort: 30053, protocol: 'UDP' }] }),
      service('ext', { type: 'ExternalName', ports: [{ port: 80, nodePort: 30002 }] }),
      // Not a LoadBalancer: its status is not read.
      service('np', { type: 'NodePort', ports: [{ port: 81, nodePort: 30003 }] }, { loadBalancer: { ingress: [{ ip: '127.0.87.2' }] } }),
    ]
    const slices = [slice('down', [ready('127.129.1.2', false)], [{ port: 80 }]), slice('dns', [ready('127.129.1.5')], [{ port: 53, protocol: 'UDP' }])]
    expect(proxyRules(services, slices, nodeIP).map((r) => [r.key, r.backends.length])).toEqual([
      ['127.0.86.1:30001', 0],
      ['127.0.86.1:30003', 0],
    ])
  })

  it('gives a contested address and port to the first service by namespace/name', () => {
    const services = [
      service('b', { type: 'LoadBalancer', ports: [{ port: 80 }] }, { loadBalancer: { ingress: [{ ip: '127.0.87.1' }] } }),
      service('a', { type: 'LoadBalancer', ports: [{ port: 80 }] }, { loadBalancer: { ingress: [{ ip: '127.0.87.1' }] } }),
    ]
    expect(proxyRules(services, [], nodeIP).map((r) => r.servicePort)).toEqual(['default/a:'])
  })
})
