import { describe, expect, it } from 'vitest'
import { deploymentFixture, replicaSetFixture } from './fake-deployment-ops.ts'
import { lastRevision, maxRevision, setNewReplicaSetAnnotations } from './revisions.ts'

describe('revisions', () => {
  it('finds the highest and the second highest revision', () => {
    const sets = [replicaSetFixture('a', 0, { revision: 3 }), replicaSetFixture('b', 0, { revision: 7 }), replicaSetFixture('c', 0, { revision: 5 })]
    expect(maxRevision(sets)).toBe(7)
    expect(lastRevision(sets)).toBe(5)
  })

  it('raises a rolled-back-to ReplicaSet to the new revision and keeps its old one in revision-history', () => {
    const d = deploymentFixture()
    d.metadata.annotations = { team: 'web', 'kubectl.kubernetes.io/last-applied-configuration': '{}' }
    const rs = replicaSetFixture('a', 0, { revision: 1 })
    expect(setNewReplicaSetAnnotations(d, rs, '3', true)).toBe(true)
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1', team: 'web' })
    expect(rs.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toBeUndefined()
    setNewReplicaSetAnnotations(d, rs, '5', true)
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1,3')
    // Never lowered.
    expect(setNewReplicaSetAnnotations(d, rs, '4', true)).toBe(false)
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('5')
  })

  it('drops the oldest history entries past the length limit', () => {
    const d = deploymentFixture()
    const rs = replicaSetFixture('a', 0, { revision: 30 })
    rs.metadata.annotations!['deployment.kubernetes.io/revision-history'] = '10,20'
    setNewReplicaSetAnnotations(d, rs, '40', true, 6)
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('20,30')
  })
})
