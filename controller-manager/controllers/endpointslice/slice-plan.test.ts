import { describe, expect, it } from 'vitest'
import type { Pod } from '../../../shared/core-types.ts'
import type { Service } from '../endpoint/service-types.ts'
import type { EndpointSlice } from './endpointslice-types.ts'
import { planSlices, type SlicePlan } from './slice-plan.ts'

const service: Service = {
  metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', labels: { team: 'a' } },
  spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', ipFamilies: ['IPv4'], ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
}

function pod(i: number, opts: { ready?: boolean; deleting?: boolean; node?: string; ports?: boolean } = {}): Pod {
  const name = `web-${String(i).padStart(3, '0')}`
  return {
    metadata: { name, namespace: 'default', uid: `uid-${i}`, labels: { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: opts.node ?? 'node-1', containers: [{ name: 'web', ports: opts.ports === false ? [] : [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: `127.244.${i >> 8}.${i & 255}`, podIPs: [{ ip: `127.244.${i >> 8}.${i & 255}` }], conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  }
}

const nodeZone = (name: string) => (name === 'node-1' ? 'zone-a' : null)

/** What the server would return for the plan's creates: named, with a uid. */
function persist(plan: SlicePlan): EndpointSlice[] {
  return [...plan.update, ...plan.create.map((s, i) => ({ ...s, metadata: { ...s.metadata, name: `web-x${i}`, uid: `slice-${i}` } }))]
}

describe('planSlices', () => {
  it('creates one slice owned by the service, labelled, with the pods\' endpoints and conditions', () => {
    const plan = planSlices({ service, pods: [pod(1), pod(2, { ready: false }), pod(3, { deleting: true })], existing: [], nodeZone })
    expect(plan.update).toEqual([])
    expect(plan.delete).toEqual([])
    expect(plan.create).toHaveLength(1)
    const [slice] = plan.create
    expect(slice.metadata).toMatchObject({
      generateName: 'web-',
      labels: { team: 'a', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }],
    })
    expect(slice.addressType).toBe('IPv4')
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }])
    expect(slice.endpoints.map((e) => [e.addresses[0], e.conditions])).toEqual([
      ['127.244.0.1', { ready: true, serving: true, terminating: false }],
      ['127.244.0.2', { ready: false, serving: false, terminating: false }],
      ['127.244.0.3', { ready: false, serving: true, terminating: true }],
    ])
    expect(slice.endpoints[0]).toMatchObject({ nodeName: 'node-1', zone: 'zone-a', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-001', uid: 'uid-1' } })
  })

  it('changes nothing when nothing changed', () => {
    const pods = [pod(1), pod(2)]
    const existing = persist(planSlices({ service, pods, existing: [], nodeZone }))
    expect(planSlices({ service, pods, existing, nodeZone })).toEqual({ create: [], update: [], delete: [], errors: [] })
  })

  it('updates the slice in place when a pod\'s readiness changes, or a pod comes or goes', () => {
    const existing = persist(planSlices({ service, pods: [pod(1), pod(2)], existing: [], nodeZone }))
    const notReady = planSlices({ service, pods: [pod(1), pod(2, { ready: false })], existing, nodeZone })
    expect(notReady.create).toEqual([])
    expect(notReady.update).toHaveLength(1)
    expect(notReady.update[0].metadata.name).toBe('web-x0')
    expect(notReady.update[0].endpoints[1].conditions.ready).toBe(false)

    const added = planSlices({ service, pods: [pod(1), pod(2), pod(3)], existing, nodeZone })
    expect(added.create).toEqual([])
    expect(added.update[0].endpoints.map((e) => e.targetRef?.name)).toEqual(['web-001', 'web-002', 'web-003'])

    const removed = planSlices({ service, pods: [pod(2)], existing, nodeZone })
    expect(removed.update[0].endpoints.map((e) => e.targetRef?.name)).toEqual(['web-002'])
  })

  it('puts at most maxEndpointsPerSlice endpoints in a slice', () => {
    const pods = Array.from({ length: 250 }, (_, i) => pod(i + 1))
    const plan = planSlices({ service, pods, existing: [], nodeZone })
    expect(plan.create.map((s) => s.endpoints.length)).toEqual([100, 100, 50])
    const small = planSlices({ service, pods: pods.slice(0, 5), existing: [], nodeZone, maxEndpointsPerSlice: 2 })
    expect(small.create.map((s) => s.endpoints.length)).toEqual([2, 2, 1])
  })

  it('fills the unchanged slice closest to full before creating another', () => {
    const pods = Array.from({ length: 150 }, (_, i) => pod(i + 1))
    const existing = persist(planSlices({ service, pods, existing: [], nodeZone }))
    const plan = planSlices({ service, pods: [...pods, pod(151), pod(152)], existing, nodeZone })
    expect(plan.create).toEqual([])
    expect(plan.update.map((s) => s.endpoints.length)).toEqual([52])
  })

  it('keeps one empty placeholder slice when no pod is selected, and reuses a slice rather than delete and create', () => {
    const empty = planSlices({ service, pods: [], existing: [], nodeZone })
    expect(empty.create).toHaveLength(1)
    expect(empty.create[0]).toMatchObject({ endpoints: [], ports: [] })
    const placeholder = persist(empty)
    expect(planSlices({ service, pods: [], existing: placeholder, nodeZone }).create).toEqual([])

    // Pods arrive: the placeholder (other ports) would go and a new slice come; it is updated instead.
    const arrived = planSlices({ service, pods: [pod(1)], existing: placeholder, nodeZone })
    expect(arrived).toMatchObject({ create: [], delete: [] })
    expect(arrived.update).toHaveLength(1)
    expect(arrived.update[0].metadata.name).toBe('web-x0')
    expect(arrived.update[0].ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }])

    // All pods gone: the slice becomes the placeholder again.
    const gone = planSlices({ service, pods: [], existing: persist(arrived), nodeZone })
    expect(gone).toMatchObject({ create: [], delete: [] })
    expect(gone.update[0]).toMatchObject({ endpoints: [], ports: [] })
  })

  it('groups pods by the ports they serve', () => {
    const plan = planSlices({ service, pods: [pod(1), pod(2, { ports: false })], existing: [], nodeZone })
    expect(plan.create.map((s) => [s.ports, s.endpoints.length])).toEqual([
      [[{ name: 'http', port: 8080, protocol: 'TCP' }], 1],
      [[], 1],
    ])
  })

  it('deletes slices of another owner and leaves out pods of unknown nodes, reporting them', () => {
    const foreign = { ...persist(planSlices({ service, pods: [pod(1)], existing: [], nodeZone }))[0] }
    foreign.metadata = { ...foreign.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'old-uid' }] }
    const plan = planSlices({ service, pods: [pod(1), pod(2, { node: 'gone' })], existing: [foreign], nodeZone })
    expect(plan.delete.map((s) => s.metadata.name)).toEqual(['web-x0'])
    expect(plan.create[0].endpoints.map((e) => e.targetRef?.name)).toEqual(['web-001'])
    expect(plan.errors).toEqual(['skipping Pod web-002 for Service default/web: Node gone Not Found'])
  })

  it('updates the labels when the service\'s labels change', () => {
    const existing = persist(planSlices({ service, pods: [pod(1)], existing: [], nodeZone }))
    const relabelled = { ...service, metadata: { ...service.metadata, labels: { team: 'b' } } }
    const plan = planSlices({ service: relabelled, pods: [pod(1)], existing, nodeZone })
    expect(plan.update[0].metadata.labels).toMatchObject({ team: 'b', 'kubernetes.io/service-name': 'web' })
  })
})
