import { describe, expect, it } from 'vitest'
import type { Container, Pod } from '../../shared/core-types.ts'
import type { ConfigMap, Secret, Service, ServicePort } from './env-api-objects.ts'
import { expand, expandCommandStatic, expandSubPathExpr } from './env-expansion.ts'
import { expandCommand, resolveEnvironment, type EnvSources } from './env.ts'

const b64 = (s: string) => Buffer.from(s).toString('base64')

function pod(containers: Container[], spec: Pod['spec'] = {}): Pod {
  return {
    metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', labels: { app: 'web', tier: 'front' }, annotations: { note: 'say "hi"' } },
    spec: { nodeName: 'node-a', serviceAccountName: 'builder', containers, ...spec },
  }
}

function sources(objects: { configMaps?: ConfigMap[]; secrets?: Secret[]; services?: Service[] } = {}): EnvSources & { gets: string[] } {
  const gets: string[] = []
  const find = <T extends { metadata: { namespace?: string; name?: string } }>(list: T[] | undefined, ns: string, name: string) =>
    list?.find((o) => o.metadata.namespace === ns && o.metadata.name === name)
  return {
    gets,
    configMap: async (ns, name) => { gets.push(`cm ${ns}/${name}`); return find(objects.configMaps, ns, name) },
    secret: async (ns, name) => { gets.push(`secret ${ns}/${name}`); return find(objects.secrets, ns, name) },
    services: (ns) => (objects.services ?? []).filter((s) => s.metadata.namespace === ns),
    podIPs: ['10.244.1.5', 'fd00::5'],
    hostIPs: ['192.168.1.10'],
    nodeAllocatable: { cpu: '4', memory: '8Gi' },
  }
}

const svc = (namespace: string, name: string, clusterIP: string, ports: ServicePort[]): Service => ({
  metadata: { namespace, name },
  spec: { clusterIP, ports },
})

describe('expand', () => {
  const mapping = (name: string) => ({ A: 'a', B: 'b' })[name] ?? `$(${name})`
  it.each([
    ['$(A)', 'a'],
    ['x$(A)y$(B)z', 'xaybz'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$a'],
    ['$(UNKNOWN)', '$(UNKNOWN)'],
    ['$(A', '$(A'],
    ['$A', '$A'],
    ['100$', '100$'],
    ['$()', '$()'],
    ['$(A)$(B', 'a$(B'],
  ])('%s → %s', (input, want) => {
    expect(expand(input, mapping)).toBe(want)
  })
})

describe('resolveEnvironment', () => {
  it('links the kubernetes service from default and the services of the pod namespace', async () => {
    const src = sources({
      services: [
        svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]),
        svc('default', 'other', '10.96.0.9', [{ port: 80 }]),
        svc('shop', 'cart-api', '10.96.3.3', [{ name: 'http', port: 8080 }, { name: 'dns-udp', port: 53, protocol: 'UDP' }]),
        svc('shop', 'headless', 'None', [{ port: 80 }]),
      ],
    })
    const { env, error } = await resolveEnvironment(pod([{ name: 'c' }]), { name: 'c' }, src)
    expect(error).toBeUndefined()
    const map = new Map(env)
    expect(map.get('KUBERNETES_SERVICE_HOST')).toBe('10.96.0.1')
    expect(map.get('KUBERNETES_SERVICE_PORT')).toBe('443')
    expect(map.get('KUBERNETES_SERVICE_PORT_HTTPS')).toBe('443')
    expect(map.get('KUBERNETES_PORT')).toBe('tcp://10.96.0.1:443')
    expect(map.get('KUBERNETES_PORT_443_TCP_ADDR')).toBe('10.96.0.1')
    expect(env.filter(([k]) => k.startsWith('CART_API'))).toEqual([
      ['CART_API_SERVICE_HOST', '10.96.3.3'],
      ['CART_API_SERVICE_PORT', '8080'],
      ['CART_API_SERVICE_PORT_HTTP', '8080'],
      ['CART_API_SERVICE_PORT_DNS_UDP', '53'],
      ['CART_API_PORT', 'tcp://10.96.3.3:8080'],
      ['CART_API_PORT_8080_TCP', 'tcp://10.96.3.3:8080'],
      ['CART_API_PORT_8080_TCP_PROTO', 'tcp'],
      ['CART_API_PORT_8080_TCP_PORT', '8080'],
      ['CART_API_PORT_8080_TCP_ADDR', '10.96.3.3'],
      ['CART_API_PORT_53_UDP', 'udp://10.96.3.3:53'],
      ['CART_API_PORT_53_UDP_PROTO', 'udp'],
      ['CART_API_PORT_53_UDP_PORT', '53'],
      ['CART_API_PORT_53_UDP_ADDR', '10.96.3.3'],
    ])
    expect([...map.keys()].some((k) => k.startsWith('OTHER_') || k.startsWith('HEADLESS_'))).toBe(false)
  })

  it('keeps only the master services with enableServiceLinks false', async () => {
    const src = sources({
      services: [svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]), svc('shop', 'cart', '10.96.3.3', [{ port: 80 }])],
    })
    const { env } = await resolveEnvironment(pod([{ name: 'c' }], { enableServiceLinks: false }), { name: 'c' }, src)
    expect(env.map(([k]) => k).filter((k) => k.startsWith('CART'))).toEqual([])
    expect(new Map(env).get('KUBERNETES_SERVICE_HOST')).toBe('10.96.0.1')
  })

  it('puts service links first, then envFrom with prefixes, then env; later definitions win', async () => {
    const src = sources({
      services: [svc('shop', 'db', '10.96.1.1', [{ port: 5432 }])],
      configMaps: [{ metadata: { namespace: 'shop', name: 'cfg' }, data: { MODE: 'prod', DB_SERVICE_HOST: 'override', LEVEL: 'info' } }],
      secrets: [{ metadata: { namespace: 'shop', name: 'creds' }, data: { user: b64('admin'), MODE: b64('from-secret') } }],
    })
    const container: Container = {
      name: 'c',
      envFrom: [{ configMapRef: { name: 'cfg' } }, { secretRef: { name: 'creds' }, prefix: 'DB_' }, { secretRef: { name: 'creds' } }],
      env: [{ name: 'LEVEL', value: 'debug' }, { name: 'GREETING', value: 'mode=$(MODE) user=$(DB_user) host=$(DB_SERVICE_HOST)' }],
    }
    const { env, error } = await resolveEnvironment(pod([container]), container, src)
    expect(error).toBeUndefined()
    const map = new Map(env)
    expect(map.get('DB_SERVICE_HOST')).toBe('override')
    expect(map.get('DB_user')).toBe('admin')
    expect(map.get('user')).toBe('admin')
    expect(map.get('MODE')).toBe('from-secret')
    expect(map.get('LEVEL')).toBe('debug')
    expect(map.get('GREETING')).toBe('mode=from-secret user=admin host=override')
    expect(env.map(([k]) => k).indexOf('DB_SERVICE_PORT')).toBeLessThan(env.map(([k]) => k).indexOf('MODE'))
    expect(env.at(-1)?.[0]).toBe('GREETING')
    expect(new Set(env.map(([k]) => k)).size).toBe(env.length)
    // One GET per object, however often it is referenced.
    expect(src.gets).toEqual(['cm shop/cfg', 'secret shop/creds'])
  })

  it('expands only what is defined before, leaves unknown references and honours $$', async () => {
    const container: Container = {
      name: 'c',
      env: [
        { name: 'EARLY', value: 'x-$(LATE)' },
        { name: 'LATE', value: 'late' },
        { name: 'BOTH', value: '$(LATE)/$$(LATE)/$(NOPE)' },
        { name: 'EMPTY', value: '' },
      ],
    }
    const { env } = await resolveEnvironment(pod([container]), container, sources())
    const map = new Map(env)
    expect(map.get('EARLY')).toBe('x-$(LATE)')
    expect(map.get('BOTH')).toBe('late/$(LATE)/$(NOPE)')
    expect(map.get('EMPTY')).toBe('')
  })

  it('resolves fieldRefs', async () => {
    const paths = [
      'metadata.name', 'metadata.namespace', 'metadata.uid', "metadata.labels['app']", "metadata.annotations['note']",
      "metadata.labels['missing']", 'metadata.labels', 'spec.nodeName', 'spec.serviceAccountName',
      'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
    ]
    const container: Container = { name: 'c', env: paths.map((fieldPath, i) => ({ name: `V${i}`, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } })) }
    const { env, error } = await resolveEnvironment(pod([container]), container, sources())
    expect(error).toBeUndefined()
    expect(env.filter(([k]) => /^V\d+$/.test(k)).map(([, v]) => v)).toEqual([
      'web-1', 'shop', 'u-1', 'web', 'say "hi"', '', 'app="web"\ntier="front"', 'node-a', 'builder',
      '192.168.1.10', '192.168.1.10', '10.244.1.5', '10.244.1.5,fd00::5',
    ])
  })

  it('resolves resourceFieldRefs with divisors, defaulting limits to node allocatable', async () => {
    const container: Container = {
      name: 'c',
      resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      env: [
        { name: 'CPU_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.cpu' } } },
        { name: 'CPU_REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        { name: 'CPU_LIM', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'MEM_LIM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'MEM_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
        { name: 'OTHER', valueFrom: { resourceFieldRef: { containerName: 'side', resource: 'limits.memory', divisor: '1Gi' } } },
      ],
    }
    const side: Container = { name: 'side' }
    const { env, error } = await resolveEnvironment(pod([container, side]), container, sources())
    expect(error).toBeUndefined()
    const map = new Map(env)
    expect(map.get('CPU_REQ')).toBe('1')
    expect(map.get('CPU_REQ_M')).toBe('250')
    expect(map.get('CPU_LIM')).toBe('4')
    expect(map.get('MEM_LIM_MI')).toBe('128')
    expect(map.get('MEM_REQ')).toBe(String(64 * 1024 * 1024))
    expect(map.get('OTHER')).toBe('8')
  })

  it('reports a missing ConfigMap, Secret or key with upstream messages and skips optional ones', async () => {
    const src = sources({
      configMaps: [{ metadata: { namespace: 'shop', name: 'cfg' }, data: { a: '1' } }],
      secrets: [{ metadata: { namespace: 'shop', name: 's' }, data: { a: b64('1') } }],
    })
    const run = async (c: Omit<Container, 'name'>) => (await resolveEnvironment(pod([{ name: 'c', ...c }]), { name: 'c', ...c }, src)).error
    expect(await run({ envFrom: [{ configMapRef: { name: 'nope' } }] })).toBe('configmap "nope" not found')
    expect(await run({ envFrom: [{ secretRef: { name: 'nope' } }] })).toBe('secret "nope" not found')
    expect(await run({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'a' } } }] })).toBe('configmap "nope" not found')
    expect(await run({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] })).toBe("couldn't find key k in ConfigMap shop/cfg")
    expect(await run({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] })).toBe("couldn't find key k in Secret shop/s")
    expect(await run({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] })).toBe('secret "nope" not found')
    expect(await run({ env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.restartPolicy' } } }] })).toBe('unsupported fieldPath: spec.restartPolicy')

    const optional: Container = {
      name: 'c',
      envFrom: [{ configMapRef: { name: 'nope', optional: true } }, { secretRef: { name: 'nope', optional: true } }],
      env: [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k', optional: true } } },
        { name: 'B', valueFrom: { secretKeyRef: { name: 'nope', key: 'k', optional: true } } },
        { name: 'C', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a', optional: true } } },
      ],
    }
    const res = await resolveEnvironment(pod([optional]), optional, src)
    expect(res.error).toBeUndefined()
    expect(res.env).toEqual([['C', '1']])
  })

  it('turns a failing source into an error instead of throwing', async () => {
    const src = sources()
    src.configMap = async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:6443') }
    const c: Container = { name: 'c', envFrom: [{ configMapRef: { name: 'cfg' } }] }
    expect((await resolveEnvironment(pod([c]), c, src)).error).toBe('connect ECONNREFUSED 127.0.0.1:6443')
  })

  it('skips envFrom keys that cannot be environment variable names, with a warning', async () => {
    const src = sources({ configMaps: [{ metadata: { namespace: 'shop', name: 'cfg' }, data: { 'a=b': '1', good: '2', 'x\ty': '3' } }] })
    const c: Container = { name: 'c', envFrom: [{ configMapRef: { name: 'cfg' } }] }
    const res = await resolveEnvironment(pod([c]), c, src)
    expect(res.env).toEqual([['good', '2']])
    expect(res.warnings).toEqual([{
      reason: 'InvalidEnvironmentVariableNames',
      message: 'Keys [a=b, x\ty] from the EnvFrom configMap shop/cfg were skipped since they are considered invalid environment variable names.',
    }])
  })
})

describe('expandCommand', () => {
  it('expands command and args against the resolved environment', () => {
    const env: Array<[string, string]> = [['NAME', 'first'], ['PORT', '80'], ['NAME', 'last']]
    expect(expandCommand(['serve', '--port=$(PORT)', '$(NAME)', '$$(PORT)', '$(MISSING)'], env)).toEqual(['serve', '--port=80', 'last', '$(PORT)', '$(MISSING)'])
    expect(expandCommand(undefined, env)).toEqual([])
  })

  it('expands probe commands against literal values only', () => {
    expect(expandCommandStatic(['echo', '$(A)', '$(B)', '$(C)'], [{ name: 'A', value: 'a' }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }])).toEqual(['echo', 'a', '', '$(C)'])
  })

  it('expands subPathExpr and refuses missing or empty variables', () => {
    expect(expandSubPathExpr('logs/$(POD)', [['POD', 'web-1']])).toBe('logs/web-1')
    expect(() => expandSubPathExpr('$(B)/$(A)/$(POD)', [['POD', 'x'], ['A', '']])).toThrow('missing value for A, B')
  })
})
