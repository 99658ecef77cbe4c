// What kubectl (v1.32 and v1.35, or $KUBECTL) says about the cluster itself:
// cluster-info, version, auth can-i, api-resources and api-versions, with
// the rows a real cluster prints for the kinds kubeling serves.
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, type ApiClient } from '../support/api-client.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { lines, rows } from '../support/kubectl-output.ts'

describe.each(kubectlVersions())('kubectl $name cluster information', ({ binary }) => {
  let server: ApiserverProcess
  let api: ApiClient
  let kubectl: Kubectl

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(server.url)
    kubectl = kubectlFor(binary, server.url)
  })
  afterAll(async () => {
    await server?.cleanup()
    if (kubectl) rmSync(kubectl.home, { recursive: true, force: true })
  })

  it('cluster-info names the control plane, then every kube-system cluster service', async () => {
    const hint = "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
    expect(await kubectl.ok(['cluster-info'])).toBe(`Kubernetes control plane is running at ${server.url}\n\n${hint}`)

    await api.create('/api/v1/namespaces/kube-system/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' } },
      spec: {
        clusterIP: '10.96.0.10',
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
      },
    })
    expect(await kubectl.ok(['cluster-info'])).toBe(
      `Kubernetes control plane is running at ${server.url}\nCoreDNS is running at ${server.url}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\n${hint}`,
    )
  })

  it('version prints the client and the server gitVersion from /version', async () => {
    const server = await api.read('/version')
    const res = await kubectl(['version'])
    expect(res.code).toBe(0)
    expect(lines(res.stdout)).toEqual([expect.stringMatching(/^Client Version: v1\.\d+\.\d+/), expect.stringMatching(/^Kustomize Version: v\d/), `Server Version: ${server.gitVersion}`])
    expect(server.gitVersion).toMatch(/^v1\.\d+\.\d+/)

    const asJson = JSON.parse(await kubectl.ok(['version', '-o', 'json']))
    // Older clients drop the fields they do not know (emulationMajor/Minor arrived in 1.33).
    expect(asJson.serverVersion).toMatchObject({ major: server.major, minor: server.minor, gitVersion: server.gitVersion, platform: server.platform })
    // kubectl itself warns when the minor versions are more than one apart.
    const skew = Math.abs(Number(asJson.clientVersion.minor.replace('+', '')) - Number(server.minor))
    expect(res.stderr).toBe(skew > 1 ? `WARNING: version difference between client (1.${asJson.clientVersion.minor.replace('+', '')}) and server (1.${server.minor}) exceeds the supported minor version skew of +/-1\n` : '')
  })

  it('auth can-i answers yes while no authorizer exists', async () => {
    expect(await kubectl.ok(['auth', 'can-i', 'create', 'pods'])).toBe('yes\n')
    expect(await kubectl.ok(['auth', 'can-i', 'list', 'deployments.apps', '-n', 'kube-system'])).toBe('yes\n')
    expect(await kubectl.ok(['auth', 'can-i', 'get', 'pods', '--subresource=log'])).toBe('yes\n')
  })

  it('api-resources prints the rows a real cluster prints for these kinds', async () => {
    const table = rows(await kubectl.ok(['api-resources']))
    expect(table[0]).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'])
    // A row with no short names has one cell fewer: kubectl leaves the column blank.
    const row = (name: string, shortNames: string, apiVersion: string, namespaced: boolean, kind: string) =>
      shortNames ? [name, shortNames, apiVersion, String(namespaced), kind] : [name, apiVersion, String(namespaced), kind]
    for (const expected of [
      row('configmaps', 'cm', 'v1', true, 'ConfigMap'),
      row('events', 'ev', 'v1', true, 'Event'),
      row('namespaces', 'ns', 'v1', false, 'Namespace'),
      row('nodes', 'no', 'v1', false, 'Node'),
      row('pods', 'po', 'v1', true, 'Pod'),
      row('secrets', '', 'v1', true, 'Secret'),
      row('services', 'svc', 'v1', true, 'Service'),
      row('daemonsets', 'ds', 'apps/v1', true, 'DaemonSet'),
      row('deployments', 'deploy', 'apps/v1', true, 'Deployment'),
      row('replicasets', 'rs', 'apps/v1', true, 'ReplicaSet'),
      row('statefulsets', 'sts', 'apps/v1', true, 'StatefulSet'),
      row('cronjobs', 'cj', 'batch/v1', true, 'CronJob'),
      row('jobs', '', 'batch/v1', true, 'Job'),
      row('leases', '', 'coordination.k8s.io/v1', true, 'Lease'),
      row('events', 'ev', 'events.k8s.io/v1', true, 'Event'),
      row('poddisruptionbudgets', 'pdb', 'policy/v1', true, 'PodDisruptionBudget'),
      row('clusterroles', '', 'rbac.authorization.k8s.io/v1', false, 'ClusterRole'),
    ]) {
      expect(table).toContainEqual(expected)
    }
    // Core first, then groups in discovery order; subresources are never listed.
    const names = table.slice(1).map((r) => `${r[0]} ${r.at(-3)}`)
    expect(names.indexOf('pods v1')).toBeLessThan(names.indexOf('deployments apps/v1'))
    expect(names.indexOf('deployments apps/v1')).toBeLessThan(names.indexOf('jobs batch/v1'))
    expect(names.filter((n) => n.includes('/status') || n.includes('/scale'))).toEqual([])

    const apps = rows(await kubectl.ok(['api-resources', '--api-group=apps', '-o', 'wide']))
    expect(apps[0]).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', 'VERBS', 'CATEGORIES'])
    expect(apps).toContainEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment', 'create,delete,deletecollection,get,list,patch,update,watch', 'all'])

    const clusterScoped = lines(await kubectl.ok(['api-resources', '--namespaced=false', '-o', 'name']))
    expect(clusterScoped).toEqual(expect.arrayContaining(['namespaces', 'nodes', 'clusterroles.rbac.authorization.k8s.io']))
    expect(clusterScoped).not.toContain('pods')
  })

  it('api-versions lists every served group version, sorted', async () => {
    const versions = lines(await kubectl.ok(['api-versions']))
    expect(versions).toEqual(expect.arrayContaining(['apps/v1', 'batch/v1', 'v1', 'authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v1']))
    expect(versions).toEqual([...versions].sort())
    expect(versions.at(-1)).toBe('v1')
  })
})
