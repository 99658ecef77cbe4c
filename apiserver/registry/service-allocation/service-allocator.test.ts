import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KubeObject } from '../../../shared/api-types.ts'
import { openStore } from '../../storage/open-store.ts'
import type { Store } from '../../storage/store.ts'
import { StatusError } from '../../status-error.ts'
import { planDelete } from '../deletion.ts'
import { Registry } from '../registry.ts'
import { builtinResources } from '../resources/index.ts'
import { RestStore, type WriteContext } from '../rest-store.ts'
import { ServiceAllocator } from './service-allocator.ts'

const registry = new Registry(builtinResources)
const services = registry.byKind('', 'Service')!
const namespaces = registry.byKind('', 'Namespace')!

function ctx(dryRun = false): WriteContext {
  return { manager: 'test', dryRun, now: new Date('2026-11-23T12:00:00Z') }
}

interface Spec {
  type?: string
  clusterIP?: string
  clusterIPs?: string[]
  ports?: Array<{ name?: string; port: number; protocol?: string; nodePort?: number }>
  [field: string]: unknown
}

function svc(name: string, spec: Spec): KubeObject {
  return { metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } }
}

const specOf = (obj: KubeObject) => obj.spec as Spec

async function failure(promise: Promise<unknown>): Promise<StatusError> {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(StatusError)
  return err as StatusError
}

describe('Service allocation through the REST store', () => {
  let store: Store
  let rest: RestStore
  let allocator: ServiceAllocator
  beforeEach(async () => {
    store = await openStore({ kind: 'memory' })
    rest = new RestStore(store)
    allocator = new ServiceAllocator({ clusterIPRange: '10.96.0.0/12', nodePortRange: '30000-32767' })
    rest.setHooks(services, allocator.hooks())
    await rest.create(namespaces, undefined, { metadata: { name: 'default' } }, ctx())
  })
  afterEach(() => store.close())

  const create = (obj: KubeObject, dryRun = false) => rest.create(services, 'default', obj, ctx(dryRun))
  const remove = (name: string) => rest.delete(services, 'default', name, planDelete(services, {}), ctx())
  const update = (name: string, edit: (spec: Spec) => void) =>
    rest.update(services, 'default', name, (current) => {
      edit(current.spec as Spec)
      return current
    }, ctx())

  it('allocates a cluster IP in range, none for headless or ExternalName Services', async () => {
    const a = (await create(svc('a', {}))).object
    expect(allocator.ips.contains(specOf(a).clusterIP!)).toBe(true)
    expect(specOf(a).clusterIPs).toEqual([specOf(a).clusterIP])
    expect(specOf(a).clusterIP).not.toBe('10.96.0.1')
    const headless = (await create(svc('h', { clusterIP: 'None' }))).object
    expect(specOf(headless).clusterIPs).toEqual(['None'])
    const external = (await create({ metadata: { name: 'x' }, spec: { type: 'ExternalName', externalName: 'example.com' } })).object
    expect(specOf(external).clusterIP).toBeUndefined()
    expect(allocator.ips.used).toBe(1)
  })

  it('refuses a requested IP that is taken or outside the range, with upstream messages', async () => {
    await create(svc('a', { clusterIP: '10.96.0.5' }))
    const taken = await failure(create(svc('b', { clusterIP: '10.96.0.5' })))
    expect(taken.status.code).toBe(422)
    expect(taken.status.message).toBe('Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.5"}: failed to allocate IP 10.96.0.5: provided IP is already allocated')
    const outside = await failure(create(svc('c', { clusterIP: '10.200.0.5' })))
    expect(outside.status.message).toBe(
      'Service "c" is invalid: spec.clusterIPs: Invalid value: []string{"10.200.0.5"}: failed to allocate IP 10.200.0.5: provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    )
    expect(outside.status.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: expect.stringContaining('not in the valid range') }])
  })

  it('gives the IP and node ports back on delete, keeps them on update', async () => {
    const created = (await create(svc('web', { type: 'NodePort', clusterIP: '10.96.0.9', ports: [{ port: 8085, nodePort: 30080 }] }))).object
    expect(specOf(created).ports?.[0]?.nodePort).toBe(30080)
    const updated = (await update('web', (spec) => (spec.ports![0]!.port = 8086))).object
    expect(specOf(updated).clusterIP).toBe('10.96.0.9')
    expect(specOf(updated).ports?.[0]?.nodePort).toBe(30080)
    expect(allocator.ports.has(30080)).toBe(true)
    await remove('web')
    expect(allocator.ips.has('10.96.0.9')).toBe(false)
    expect(allocator.ports.has(30080)).toBe(false)
    await create(svc('again', { clusterIP: '10.96.0.9', type: 'NodePort', ports: [{ port: 1, nodePort: 30080 }] }))
  })

  it('allocates node ports for NodePort and LoadBalancer ports, one per port number', async () => {
    const lb = (await create(svc('lb', { type: 'LoadBalancer', ports: [{ name: 'a', port: 53, protocol: 'TCP' }, { name: 'b', port: 53, protocol: 'UDP' }, { name: 'c', port: 80 }] }))).object
    const [a, b, c] = specOf(lb).ports!
    expect(allocator.ports.contains(a!.nodePort!)).toBe(true)
    expect(b!.nodePort).toBe(a!.nodePort)
    expect(c!.nodePort).not.toBe(a!.nodePort)
    expect(allocator.ports.used).toBe(2)
    const clusterIP = (await create(svc('plain', {}))).object
    expect(specOf(clusterIP).ports?.[0]?.nodePort).toBeUndefined()
  })

  it('refuses a requested node port that is taken or outside the range', async () => {
    await create(svc('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }))
    const before = allocator.ips.used
    const taken = await failure(create(svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })))
    expect(taken.status.message).toBe('Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated')
    // The cluster IP the failed create took is given back.
    expect(allocator.ips.used).toBe(before)
    const outside = await failure(create(svc('c', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })))
    expect(outside.status.message).toBe('Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767')
  })

  it('frees node ports when the type changes to ClusterIP, and allocates when it changes back', async () => {
    const created = (await create(svc('web', { type: 'NodePort' }))).object
    const nodePort = specOf(created).ports![0]!.nodePort!
    const toClusterIP = (await update('web', (spec) => (spec.type = 'ClusterIP'))).object
    expect(specOf(toClusterIP).ports?.[0]?.nodePort).toBeUndefined()
    expect(allocator.ports.has(nodePort)).toBe(false)
    expect(allocator.ports.used).toBe(0)
    const back = (await update('web', (spec) => (spec.type = 'NodePort'))).object
    expect(allocator.ports.has(specOf(back).ports![0]!.nodePort!)).toBe(true)
  })

  it('frees the cluster IP when a Service becomes ExternalName and allocates one when it stops being one', async () => {
    const created = (await create(svc('web', {}))).object
    const ip = specOf(created).clusterIP!
    await update('web', (spec) => {
      spec.type = 'ExternalName'
      spec.externalName = 'example.com'
    })
    expect(allocator.ips.has(ip)).toBe(false)
    const back = (await update('web', (spec) => {
      spec.type = 'ClusterIP'
      delete spec.externalName
    })).object
    expect(allocator.ips.has(specOf(back).clusterIP!)).toBe(true)
  })

  it('keeps nothing for a dry run or a failed write', async () => {
    const dry = (await create(svc('dry', { type: 'NodePort', clusterIP: '10.96.0.20' }), true)).object
    expect(specOf(dry).clusterIP).toBe('10.96.0.20')
    expect(specOf(dry).ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30000)
    expect(allocator.ips.used + allocator.ports.used).toBe(0)
    await create(svc('dup', {}))
    const used = allocator.ips.used
    await failure(create(svc('dup', {})))
    expect(allocator.ips.used).toBe(used)
  })

  it('is rebuilt from stored Services, so a restart hands out nothing twice', async () => {
    await create(svc('a', { clusterIP: '10.96.0.7', type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] }))
    const again = new ServiceAllocator()
    const problems = again.rebuild(store.list('/registry/services/').items.map((s) => s.object))
    expect(problems).toEqual([])
    expect(again.ips.has('10.96.0.7')).toBe(true)
    expect(again.ports.has(31000)).toBe(true)
    const doubled = again.rebuild([{ metadata: { name: 'b', namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.7', clusterIPs: ['10.96.0.7'] } }])
    expect(doubled).toEqual(['the cluster IP 10.96.0.7 for service default/b was assigned to multiple services'])
  })

  it('answers 500 when the range is full', async () => {
    allocator = new ServiceAllocator({ clusterIPRange: '10.0.0.0/30', nodePortRange: '30000-30000' })
    rest.setHooks(services, allocator.hooks())
    await create(svc('one', { type: 'NodePort' }))
    await create(svc('two', {}))
    const full = await failure(create(svc('three', {})))
    expect(full.status).toMatchObject({ code: 500, reason: 'InternalError', message: 'Internal error occurred: failed to allocate a serviceIP: range is full' })
    await remove('two')
    const noPort = await failure(create(svc('four', { type: 'NodePort' })))
    expect(noPort.status.message).toBe('Internal error occurred: failed to allocate a nodePort: range is full')
    expect(allocator.ips.used).toBe(1)
  })
})
