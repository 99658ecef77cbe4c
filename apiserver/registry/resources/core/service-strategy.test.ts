import { describe, expect, it } from 'vitest'
import { createFlow, rendered, updateFlow } from '../testing/strategy-flow.ts'
import type { Service } from './service-strategy.ts'
import { services } from './services.ts'

function service(spec: Service['spec'], name = 'web'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec }
}

describe('service defaults', () => {
  it('fills the ClusterIP defaults and targetPort = port', () => {
    const { obj, errors } = createFlow(services, service({ selector: { app: 'web' }, ports: [{ port: 80 }] }))
    expect(errors).toEqual([])
    expect(obj.spec).toEqual({
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    })
    expect(obj.status).toEqual({ loadBalancer: {} })
  })

  it('defaults externalTrafficPolicy for NodePort and allocateLoadBalancerNodePorts for LoadBalancer', () => {
    expect(createFlow(services, service({ type: 'NodePort', ports: [{ port: 80 }] })).obj.spec?.externalTrafficPolicy).toBe('Cluster')
    expect(createFlow(services, service({ type: 'LoadBalancer', ports: [{ port: 80 }] })).obj.spec?.allocateLoadBalancerNodePorts).toBe(true)
  })

  it('leaves ExternalName services without IP families', () => {
    const { obj, errors } = createFlow(services, service({ type: 'ExternalName', externalName: 'example.com' }))
    expect(errors).toEqual([])
    expect(obj.spec?.ipFamilies).toBeUndefined()
    expect(obj.spec?.ipFamilyPolicy).toBeUndefined()
  })

  it('defaults ClientIP affinity to three hours', () => {
    const { obj } = createFlow(services, service({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }))
    expect(obj.spec?.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } })
  })
})

describe('service validation', () => {
  it('requires ports', () => {
    expect(rendered(createFlow(services, service({ selector: { app: 'web' } })).errors)).toEqual(['spec.ports: Required value'])
  })

  it('names its DNS-1035 rule for names starting with a digit', () => {
    const { errors } = createFlow(services, service({ ports: [{ port: 80 }] }, '1web'))
    expect(errors).toHaveLength(1)
    expect(errors[0].field).toBe('metadata.name')
    expect(errors[0].message).toMatch(/^Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/)
  })

  it('requires names on multiple ports and rejects duplicates', () => {
    const { errors } = createFlow(services, service({ ports: [{ port: 80 }, { name: 'b', port: 80 }] }))
    expect(rendered(errors)).toEqual(['spec.ports[0].name: Required value', 'spec.ports[1]: Duplicate value: {"protocol":"TCP","port":80}'])
  })

  it('rejects an unknown type and nodePort on ClusterIP', () => {
    expect(rendered(createFlow(services, service({ type: 'Magic', ports: [{ port: 80 }] })).errors)).toContain(
      'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    )
    expect(rendered(createFlow(services, service({ ports: [{ port: 80, nodePort: 30080 }] })).errors)).toEqual([
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ])
  })
})

describe('service update', () => {
  const created = createFlow(services, service({ selector: { app: 'web' }, ports: [{ port: 80 }] })).obj
  created.spec!.clusterIP = '10.96.0.10'
  created.spec!.clusterIPs = ['10.96.0.10']

  it('keeps the allocated cluster IP when the client leaves it out', () => {
    const { obj, errors } = updateFlow(services, created, (next) => {
      delete next.spec!.clusterIP
      delete next.spec!.clusterIPs
      next.spec!.ports = [{ port: 8080 }]
    })
    expect(errors).toEqual([])
    expect(obj.spec?.clusterIP).toBe('10.96.0.10')
    expect(obj.spec?.clusterIPs).toEqual(['10.96.0.10'])
  })

  it('forbids changing the cluster IP', () => {
    const { errors } = updateFlow(services, created, (next) => {
      next.spec!.clusterIP = '10.96.0.11'
      next.spec!.clusterIPs = ['10.96.0.11']
    })
    expect(rendered(errors)).toEqual(['spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set'])
  })

  it('keeps node ports across a NodePort update', () => {
    const nodePort = createFlow(services, service({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })).obj
    const { obj } = updateFlow(services, nodePort, (next) => void delete next.spec!.ports![0].nodePort)
    expect(obj.spec?.ports?.[0].nodePort).toBe(30080)
  })
})
