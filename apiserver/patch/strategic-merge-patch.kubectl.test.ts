// Strategic merge patches as kubectl (set image, patch, client-side apply)
// and the kubelet send them, against the kinds' real patch metadata.
import { describe, expect, it } from 'vitest'
import type { JsonObject } from './json-value.ts'
import { schemaFor } from './patch-meta.ts'
import { applyStrategicMergePatch } from './strategic-merge-patch.ts'

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration'

function deployment(containers: JsonObject[], extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', annotations: { [lastApplied]: '{}' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers, ...extra } },
    },
  }
}

const patchDeployment = (obj: JsonObject, patch: unknown) => applyStrategicMergePatch(obj, patch, schemaFor('apps', 'Deployment'))
const podSpecOf = (obj: JsonObject) => ((obj.spec as JsonObject).template as JsonObject).spec as JsonObject

describe('kubectl set image and patch', () => {
  it('set image changes one container of two, keeping the other and the order', () => {
    const live = deployment([{ name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }, { name: 'sidecar', image: 'busybox' }])
    const body = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'c' }], containers: [{ image: 'nginx:1.28', name: 'c' }] } } } }
    expect(podSpecOf(patchDeployment(live, body)).containers).toEqual([
      { name: 'c', image: 'nginx:1.28', ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 'busybox' },
    ])
  })

  it('merges env by name', () => {
    const live = deployment([{ name: 'c', image: 'app', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }])
    const body = { spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'B', value: '3' }] }] } } } }
    expect((podSpecOf(patchDeployment(live, body)).containers as JsonObject[])[0].env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }])
  })

  it('deletes a field given null and keeps its siblings', () => {
    const live = deployment([{ name: 'c', image: 'app' }], { nodeSelector: { disk: 'ssd' }, restartPolicy: 'Always' })
    const out = patchDeployment(live, { spec: { template: { spec: { nodeSelector: null } } } })
    expect(podSpecOf(out)).toEqual({ containers: [{ name: 'c', image: 'app' }], restartPolicy: 'Always' })
  })

  it('removes a label given {"metadata":{"labels":{"tier":null}}}', () => {
    const pod = { metadata: { name: 'p', labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'x' }] } }
    expect(applyStrategicMergePatch(pod, { metadata: { labels: { tier: null } } }, schemaFor('', 'Pod')).metadata).toEqual({ name: 'p', labels: { app: 'web' } })
  })

  it('replaces pod tolerations, which carry no patch strategy upstream', () => {
    const pod = { spec: { containers: [], tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }] } }
    const out = applyStrategicMergePatch(pod, { spec: { tolerations: [{ key: 'c', operator: 'Exists' }] } }, schemaFor('', 'Pod'))
    expect((out.spec as JsonObject).tolerations).toEqual([{ key: 'c', operator: 'Exists' }])
  })

  it('merges service ports by port', () => {
    const svc = { spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }] } }
    const out = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, schemaFor('', 'Service'))
    expect((out.spec as JsonObject).ports).toEqual([{ name: 'http', port: 80, targetPort: 9090 }, { name: 'https', port: 443, targetPort: 8443 }])
  })

  it('merges container ports by containerPort inside a CronJob job template', () => {
    const cronJob = { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } } } } } }
    const body = { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 9090 }] }] } } } } } }
    const out = applyStrategicMergePatch(cronJob, body, schemaFor('batch', 'CronJob')) as any
    expect(out.spec.jobTemplate.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 9090 }, { containerPort: 80, protocol: 'TCP' }])
  })
})

describe('kubectl apply (client-side three-way patches)', () => {
  it('deletes a container with $patch: delete and sets the order of the rest', () => {
    const live = deployment([{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }])
    const body = {
      metadata: { annotations: { [lastApplied]: '{"new":"config"}\n' } },
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ $patch: 'delete', name: 'b' }] } } },
    }
    const out = patchDeployment(live, body)
    expect(podSpecOf(out).containers).toEqual([{ name: 'a', image: 'a:1' }])
    expect((out.metadata as JsonObject).annotations).toEqual({ [lastApplied]: '{"new":"config"}\n' })
  })

  it('changes, adds and deletes env vars in the manifest order', () => {
    const live = deployment([{ name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'SERVER', value: 's' }] }])
    const body = {
      spec: { template: { spec: {
        '$setElementOrder/containers': [{ name: 'app' }],
        containers: [{
          '$setElementOrder/env': [{ name: 'C' }, { name: 'A' }],
          env: [{ name: 'C', value: '3' }, { name: 'A', value: '9' }, { $patch: 'delete', name: 'B' }],
          image: 'app:2',
          name: 'app',
        }],
      } } },
    }
    const [app] = podSpecOf(patchDeployment(live, body)).containers as JsonObject[]
    expect(app.image).toBe('app:2')
    // SERVER was added by someone else: apply keeps it, before the items the manifest orders.
    expect(app.env).toEqual([{ name: 'SERVER', value: 's' }, { name: 'C', value: '3' }, { name: 'A', value: '9' }])
  })

  it('switches the deployment strategy with $retainKeys, dropping rollingUpdate', () => {
    const body = { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } }
    expect((patchDeployment(deployment([]), body).spec as JsonObject).strategy).toEqual({ type: 'Recreate' })
  })

  it('switches a volume source with $retainKeys inside a merged volumes list', () => {
    const live = deployment([{ name: 'c', image: 'x' }], { volumes: [{ name: 'data', emptyDir: {} }, { name: 'tmp', emptyDir: { medium: 'Memory' } }] })
    const body = { spec: { template: { spec: {
      '$setElementOrder/volumes': [{ name: 'data' }, { name: 'tmp' }],
      volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' }, emptyDir: null, name: 'data' }],
    } } } }
    expect(podSpecOf(patchDeployment(live, body)).volumes).toEqual([{ name: 'data', configMap: { name: 'cfg' } }, { name: 'tmp', emptyDir: { medium: 'Memory' } }])
  })
})

describe('metadata and status lists', () => {
  const configMap = (finalizers: string[]) => ({ metadata: { name: 'cfg', finalizers }, data: { a: '1' } })
  const patchConfigMap = (obj: JsonObject, patch: unknown) => applyStrategicMergePatch(obj, patch, schemaFor('', 'ConfigMap'))

  it('unions finalizers and drops them with $deleteFromPrimitiveList/finalizers', () => {
    expect((patchConfigMap(configMap(['a', 'b']), { metadata: { finalizers: ['b', 'c'] } }).metadata as JsonObject).finalizers).toEqual(['a', 'b', 'c'])
    const body = { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a', 'c'], finalizers: ['c'] } }
    expect((patchConfigMap(configMap(['a', 'b']), body).metadata as JsonObject).finalizers).toEqual(['a', 'c'])
  })

  it('merges ownerReferences by uid', () => {
    const obj = { metadata: { ownerReferences: [{ uid: '1', kind: 'ReplicaSet', name: 'rs' }] } }
    const out = patchConfigMap(obj, { metadata: { ownerReferences: [{ uid: '1', controller: true }, { uid: '2', kind: 'Job', name: 'j' }] } })
    expect((out.metadata as JsonObject).ownerReferences).toEqual([{ uid: '1', kind: 'ReplicaSet', name: 'rs', controller: true }, { uid: '2', kind: 'Job', name: 'j' }])
  })

  it('merges node conditions by type and replaces taints', () => {
    const node = {
      spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] },
      status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'DiskPressure', status: 'False' }] },
    }
    const body = { spec: { taints: [{ key: 'b', effect: 'NoExecute' }] }, status: { '$setElementOrder/conditions': [{ type: 'Ready' }, { type: 'DiskPressure' }], conditions: [{ type: 'Ready', status: 'True' }] } }
    const out = applyStrategicMergePatch(node, body, schemaFor('', 'Node')) as any
    expect(out.spec.taints).toEqual([{ key: 'b', effect: 'NoExecute' }])
    expect(out.status.conditions).toEqual([{ type: 'Ready', status: 'True' }, { type: 'DiskPressure', status: 'False' }])
  })

  it('replaces lists of kinds without patch metadata (a custom resource)', () => {
    const cr = { spec: { items: [{ name: 'a' }] }, metadata: { finalizers: ['x'] } }
    const out = applyStrategicMergePatch(cr, { spec: { items: [{ name: 'b' }] }, metadata: { finalizers: ['y'] } }, schemaFor('example.com', 'Widget')) as any
    expect(out.spec.items).toEqual([{ name: 'b' }])
    // Upstream puts a value new to the server before the server's values.
    expect(out.metadata.finalizers).toEqual(['y', 'x'])
  })
})
