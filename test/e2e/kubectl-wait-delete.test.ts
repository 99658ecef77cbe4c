// kubectl wait (v1.32 and v1.35, or $KUBECTL) while the test changes the
// object underneath it, as a kubelet or another client would, and
// delete --cascade: what reaches the server for each propagation policy.
import { rmSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, createNamespace, type ApiClient } from '../support/api-client.ts'
import { writeStatus } from '../support/cluster-state.ts'
import { kubectlFor, kubectlVersions, type Kubectl, type RunningKubectl } from '../support/kubectl.ts'
import { deployment, pod } from '../support/manifests.ts'

/** 1.35 names the namespace in delete output; 1.32 does not. */
const deleted = (what: string, ns: string) => new RegExp(`^${what} deleted( from ${ns} namespace)?\\n$`)

describe.each(kubectlVersions())('kubectl $name wait and delete', ({ binary }) => {
  let server: ApiserverProcess
  let api: ApiClient
  let kubectl: Kubectl
  let ns: string

  // The namespace goes first: anything after `--` belongs to the container.
  const k = (...args: string[]) => kubectl.ok(['-n', ns, ...args])
  const deployments = () => `/apis/apps/v1/namespaces/${ns}/deployments`
  const pods = () => `/api/v1/namespaces/${ns}/pods`

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(server.url)
    kubectl = kubectlFor(binary, server.url)
    ns = await createNamespace(api, 'waits')
  })
  afterAll(async () => {
    await server?.cleanup()
    if (kubectl) rmSync(kubectl.home, { recursive: true, force: true })
  })

  describe('wait', () => {
    const started: RunningKubectl[] = []
    afterEach(() => started.splice(0).forEach((r) => r.kill()))

    /** Starts `kubectl wait` and returns once it watches the object, so the change below happens while it waits. */
    const startWait = async (...args: string[]) => {
      const running = kubectl.start(['wait', ...args, '-n', ns, '--timeout=60s', '-v=6'], { timeoutMs: 90_000 })
      started.push(running)
      // Both versions log this once the initial list (1.32) or watch-list (1.35) is in.
      await running.waitForOutput(/Caches populated/)
      expect(running.stdout).toBe('')
      return running
    }

    it('--for=condition=Ready returns once the kubelet writes the condition through /status', async () => {
      await api.create(pods(), pod('becomes-ready'))
      const waiting = await startWait('--for=condition=Ready', 'pod/becomes-ready')
      await writeStatus(api, `${pods()}/becomes-ready`, { conditions: [{ type: 'Ready', status: 'True' }] })
      const res = await waiting.done
      expect(res.code, res.stderr).toBe(0)
      expect(res.stdout).toBe('pod/becomes-ready condition met\n')
    })

    it('--for=jsonpath={.status.phase}=Running', async () => {
      await api.create(pods(), pod('starts'))
      const waiting = await startWait('--for=jsonpath={.status.phase}=Running', 'pod/starts')
      await writeStatus(api, `${pods()}/starts`, { phase: 'Running' })
      const res = await waiting.done
      expect(res.code, res.stderr).toBe(0)
      expect(res.stdout).toBe('pod/starts condition met\n')
    })

    it('--for=delete returns once the object is deleted', async () => {
      await api.create(pods(), pod('goes-away'))
      const waiting = await startWait('--for=delete', 'pod/goes-away')
      expect((await api.delete(`${pods()}/goes-away`)).status).toBe(200)
      const res = await waiting.done
      expect(res.code, res.stderr).toBe(0)
      expect(res.stdout).toBe('pod/goes-away condition met\n')
    })

    it('--for=create returns once the object exists', async () => {
      const running = kubectl.start(['wait', '--for=create', 'pod/appears', '-n', ns, '--timeout=60s', '-v=6'], { timeoutMs: 90_000 })
      started.push(running)
      // kubectl polls with GET until the object is there.
      await running.waitForOutput(/pods\/appears.*404 Not Found/)
      await api.create(pods(), pod('appears'))
      const res = await running.done
      expect(res.code, res.stderr).toBe(0)
      expect(res.stdout).toBe('pod/appears condition met\n')
    })

    it('times out with upstream\'s message when the condition never holds', async () => {
      await api.create(pods(), pod('never-ready'))
      const res = await kubectl(['wait', '--for=condition=Ready', 'pod/never-ready', '-n', ns, '--timeout=1s'])
      expect(res.code).toBe(1)
      expect(res.stdout).toBe('')
      expect(res.stderr).toBe('error: timed out waiting for the condition on pods/never-ready\n')
    })
  })

  describe('delete --cascade', () => {
    it('background: the deployment is gone at once', async () => {
      await api.create(deployments(), deployment('cascade-background'))
      expect(await k('delete', 'deployment', 'cascade-background', '--cascade=background', '--wait=false')).toMatch(deleted('deployment.apps "cascade-background"', ns))
      expect((await api.get(`${deployments()}/cascade-background`)).status).toBe(404)
    })

    // No garbage collector runs yet, so the finalizer kubectl asked for holds the object.
    for (const [cascade, finalizer] of [
      ['foreground', 'foregroundDeletion'],
      ['orphan', 'orphan'],
    ]) {
      it(`${cascade}: the object stays, marked with the ${finalizer} finalizer for the garbage collector`, async () => {
        const name = `cascade-${cascade}`
        await api.create(deployments(), deployment(name))
        expect(await k('delete', 'deployment', name, `--cascade=${cascade}`, '--wait=false')).toMatch(deleted(`deployment.apps "${name}"`, ns))
        const held = await api.read(`${deployments()}/${name}`)
        expect(held.metadata.finalizers).toEqual([finalizer])
        expect(held.metadata.deletionTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
        expect(held.metadata.deletionGracePeriodSeconds).toBe(0)
        expect(await k('get', 'deployment', name, '-o', 'name')).toBe(`deployment.apps/${name}\n`)

        // What the garbage collector does when it is done: drop the finalizer, and the object goes.
        expect(await k('patch', 'deployment', name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}')).toBe(`deployment.apps/${name} patched\n`)
        expect((await api.get(`${deployments()}/${name}`)).status).toBe(404)
      })
    }
  })
})
