// Two candidates for one Lease against a real apiserver process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../test/support/apiserver-process.ts'
import { waitFor } from '../test/support/wait-for.ts'
import { createClient, userAgentFor, type Client } from './client/index.ts'
import { LeaderElector, type Lease } from './leader-election.ts'

// Short durations so takeovers happen in seconds; the ratios match the defaults'.
const timing = { leaseDurationSeconds: 2, renewDeadlineSeconds: 1.5, retryPeriodSeconds: 0.3 }

describe('leader election against a real apiserver', () => {
  let apiserver: ApiserverProcess
  let client: Client
  const electors: LeaderElector[] = []
  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory' })
    client = createClient({ server: apiserver.url, userAgent: userAgentFor('leader-election-e2e') })
  })
  afterAll(async () => {
    await Promise.all(electors.map((e) => e.stop()))
    await client?.close()
    await apiserver?.cleanup()
  })

  function candidates(name: string) {
    const leading = new Set<string>()
    const everLeading = new Set<string>()
    let overlap = false
    const make = (identity: string) => {
      const elector = new LeaderElector({
        client, name, identity, ...timing,
        onStartedLeading: () => {
          if (leading.size > 0) overlap = true
          leading.add(identity)
          everLeading.add(identity)
        },
        onStoppedLeading: () => leading.delete(identity),
      })
      electors.push(elector)
      return elector
    }
    return { a: make('candidate-a'), b: make('candidate-b'), leading, everLeading, overlap: () => overlap }
  }

  const lease = (name: string) => client.leases.namespace('kube-system').get(name) as Promise<Lease>

  it('exactly one candidate leads, and release hands over at once', async () => {
    const { a, b, leading, overlap } = candidates('kube-scheduler')
    a.run()
    b.run()
    const first = await waitFor('a leader', () => (leading.size === 1 ? [...leading][0] : undefined))
    const [leader, other] = first === a.identity ? [a, b] : [b, a]
    // Several renew periods pass; the other never leads alongside.
    await waitFor('a few renewals', async () => {
      const spec = (await lease('kube-scheduler')).spec
      return spec?.holderIdentity === leader.identity && Date.parse(spec.renewTime!) - Date.parse(spec.acquireTime!) >= 1000 ? true : undefined
    })
    expect(other.isLeader()).toBe(false)
    expect(leading).toEqual(new Set([leader.identity]))

    const released = Date.now()
    await leader.release()
    await waitFor('the other to lead', () => other.isLeader() || undefined)
    // Well before the 2 s lease would have expired.
    expect(Date.now() - released).toBeLessThan(2000)
    expect((await lease('kube-scheduler')).spec).toMatchObject({ holderIdentity: other.identity, leaseTransitions: 1 })
    expect(overlap()).toBe(false)
  })

  it('takes over after the lease expires when the leader stops renewing', async () => {
    const { a, b, leading, overlap } = candidates('kube-controller-manager')
    a.run()
    await waitFor('a to lead', () => a.isLeader() || undefined)
    b.run()
    await waitFor('b to observe a', () => b.leader() === a.identity || undefined)
    const before = (await lease('kube-controller-manager')).spec!
    const stopped = Date.now()
    await a.stop() // as a crash: the lease is left held
    expect(leading.size).toBe(0)
    await waitFor('b to lead', () => b.isLeader() || undefined)
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(1000)
    const after = (await lease('kube-controller-manager')).spec!
    expect(after).toMatchObject({ holderIdentity: b.identity, leaseDurationSeconds: 2, leaseTransitions: (before.leaseTransitions ?? 0) + 1 })
    expect(after.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    expect(overlap()).toBe(false)
  })
})
