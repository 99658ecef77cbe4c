import { describe, expect, it } from 'vitest'
import { retentionOwnerRefs } from './claim-retention.ts'
import type { PersistentVolumeClaim } from './stateful-pod.ts'
import type { StatefulSet } from './statefulset-types.ts'

const set = (whenDeleted: string, whenScaled: string, replicas = 2): StatefulSet => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'set-uid' },
  spec: { replicas, persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } },
})
const claim = (ownerReferences: PersistentVolumeClaim['metadata']['ownerReferences'] = []): PersistentVolumeClaim =>
  ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'www-web-1', ownerReferences } })
const pod = { metadata: { name: 'web-1', uid: 'pod-uid' } }

describe('retentionOwnerRefs', () => {
  it('leaves claims unowned under Retain/Retain', () => {
    expect(retentionOwnerRefs(claim(), set('Retain', 'Retain'), pod)).toBeUndefined()
  })

  it('makes the StatefulSet the controller for whenDeleted=Delete', () => {
    expect(retentionOwnerRefs(claim(), set('Delete', 'Retain'), pod)).toEqual([
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true, blockOwnerDeletion: true },
    ])
  })

  it('makes a scaled-down pod the controller for whenScaled=Delete', () => {
    expect(retentionOwnerRefs(claim(), set('Retain', 'Delete', 2), pod)).toBeUndefined()
    expect(retentionOwnerRefs(claim(), set('Retain', 'Delete', 1), pod)).toEqual([
      { apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'pod-uid', controller: true, blockOwnerDeletion: true },
    ])
  })

  it('drops its references when someone else controls the claim', () => {
    const foreign = { apiVersion: 'v1', kind: 'Thing', name: 't', uid: 't', controller: true }
    const ours = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: false }
    expect(retentionOwnerRefs(claim([foreign, ours]), set('Delete', 'Retain'), pod)).toEqual([foreign])
  })
})
