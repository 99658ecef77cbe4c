import { describe, expect, it } from 'vitest'
import type { Pod } from '../../../../shared/core-types.ts'
import { podUpdateForbiddenMessage } from '../../../validation/pod-update.ts'
import { createFlow, rendered, updateFlow } from '../testing/strategy-flow.ts'
import { pods } from './pods.ts'

function pod(spec: Pod['spec'], name = 'web'): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec }
}

describe('pod create defaults', () => {
  const { obj, errors } = createFlow(pods, pod({ containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] }))

  it('is valid', () => expect(errors).toEqual([]))

  it('fills the PodSpec defaults', () => {
    expect(obj.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
      enableServiceLinks: true,
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      serviceAccountName: 'default',
      serviceAccount: 'default',
    })
  })

  it('fills container defaults, pulling untagged images always', () => {
    expect(obj.spec?.containers?.[0]).toEqual({
      name: 'nginx',
      image: 'nginx',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      imagePullPolicy: 'Always',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
    })
  })

  it('adds the two 300 s NoExecute tolerations', () => {
    expect(obj.spec?.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ])
  })

  it('starts Pending, BestEffort, at generation 1', () => {
    expect(obj.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' })
    expect(obj.metadata.generation).toBe(1)
  })

  it('pulls tagged images if not present, :latest always', () => {
    const tagged = createFlow(pods, pod({ containers: [{ name: 'a', image: 'nginx:1.25' }, { name: 'b', image: 'registry:5000/app:latest' }, { name: 'c', image: 'registry:5000/app' }] }))
    expect(tagged.obj.spec?.containers?.map((c) => c.imagePullPolicy)).toEqual(['IfNotPresent', 'Always', 'Always'])
  })

  it('keeps a toleration the pod already has for a default one', () => {
    const tolerating = createFlow(pods, pod({ containers: [{ name: 'a', image: 'x' }], tolerations: [{ operator: 'Exists' }] }))
    expect(tolerating.obj.spec?.tolerations).toEqual([{ operator: 'Exists' }])
  })

  it('takes the priority of a system class', () => {
    const critical = createFlow(pods, pod({ containers: [{ name: 'a', image: 'x' }], priorityClassName: 'system-node-critical' }))
    expect(critical.obj.spec?.priority).toBe(2000001000)
  })

  it('computes Guaranteed and Burstable QoS', () => {
    const guaranteed = createFlow(pods, pod({ containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '500m', memory: '128Mi' } } }] }))
    expect(guaranteed.obj.spec?.containers?.[0].resources?.requests).toEqual({ cpu: '500m', memory: '128Mi' })
    expect(guaranteed.obj.status?.qosClass).toBe('Guaranteed')
    const burstable = createFlow(pods, pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '0.1' } } }] }))
    expect(burstable.obj.status?.qosClass).toBe('Burstable')
  })

  it('ignores a client-supplied status', () => {
    const sent = { ...pod({ containers: [{ name: 'a', image: 'x' }] }), status: { phase: 'Running' } }
    expect(createFlow(pods, sent).obj.status?.phase).toBe('Pending')
  })
})

describe('pod create validation', () => {
  it('requires containers', () => {
    expect(rendered(createFlow(pods, pod({})).errors)).toEqual(['spec.containers: Required value'])
  })

  it('requires a name or generateName', () => {
    const nameless = { ...pod({ containers: [{ name: 'a', image: 'x' }] }), metadata: { namespace: 'default' } }
    expect(rendered(createFlow(pods, nameless).errors)).toEqual(['metadata.name: Required value: name or generateName is required'])
  })

  it('reports missing images and duplicate container names', () => {
    const { errors } = createFlow(pods, pod({ containers: [{ name: 'a', image: 'x' }, { name: 'a' }] }))
    expect(rendered(errors)).toEqual(['spec.containers[1].image: Required value', 'spec.containers[1].name: Duplicate value: "a"'])
  })

  it('rejects a bad restartPolicy and bad ports', () => {
    const { errors } = createFlow(
      pods,
      pod({
        restartPolicy: 'Sometimes',
        containers: [{ name: 'a', image: 'x', ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 70000, protocol: 'HTTP' }] }],
      }),
    )
    expect(rendered(errors)).toEqual([
      'spec.containers[0].ports[1].name: Duplicate value: "http"',
      'spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ])
  })

  it('rejects an invalid container name', () => {
    const { errors } = createFlow(pods, pod({ containers: [{ name: 'Web_1', image: 'x' }] }))
    expect(errors[0].field).toBe('spec.containers[0].name')
    expect(errors[0].message).toMatch(/^Invalid value: "Web_1": a lowercase RFC 1123 label must consist of/)
  })

  it('rejects a mount of an unknown volume', () => {
    const { errors } = createFlow(pods, pod({ containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] }))
    expect(rendered(errors)).toEqual(['spec.containers[0].volumeMounts[0].name: Not found: "data"'])
  })
})

describe('pod update', () => {
  const created = createFlow(pods, pod({ containers: [{ name: 'nginx', image: 'nginx:1.25' }] })).obj
  created.metadata.resourceVersion = '5'

  it('allows changing the image, bumping generation and keeping status', () => {
    const { obj, errors } = updateFlow(pods, created, (next) => {
      next.spec!.containers![0].image = 'nginx:1.26'
      next.status = { phase: 'Running' }
    })
    expect(errors).toEqual([])
    expect(obj.metadata.generation).toBe(2)
    expect(obj.status?.phase).toBe('Pending')
  })

  it('allows adding a toleration', () => {
    const { errors } = updateFlow(pods, created, (next) => {
      next.spec!.tolerations!.push({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' })
    })
    expect(errors).toEqual([])
  })

  it('forbids other spec changes with upstream message', () => {
    const { errors } = updateFlow(pods, created, (next) => {
      next.spec!.containers![0].ports = [{ containerPort: 8080 }]
    })
    expect(errors).toHaveLength(1)
    expect(errors[0].field).toBe('spec')
    expect(errors[0].message).toBe(`Forbidden: ${podUpdateForbiddenMessage}\n  changed: spec.containers[0].ports`)
    expect(errors[0].message).toContain(
      'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    )
  })

  it('forbids removing a toleration', () => {
    const { errors } = updateFlow(pods, created, (next) => {
      next.spec!.tolerations = []
    })
    expect(rendered(errors)).toEqual(['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds'])
  })

  it('forbids adding containers', () => {
    const { errors } = updateFlow(pods, created, (next) => {
      next.spec!.containers!.push({ name: 'sidecar', image: 'busybox' })
    })
    expect(rendered(errors)).toContain('spec.containers: Forbidden: pod updates may not add or remove containers')
  })

  it('keeps metadata.name immutable', () => {
    const { errors } = updateFlow(pods, created, (next) => {
      next.metadata.uid = 'other'
    })
    expect(rendered(errors)).toEqual(['metadata.uid: Invalid value: "other": field is immutable'])
  })
})

describe('pod status writes', () => {
  const created = createFlow(pods, pod({ containers: [{ name: 'a', image: 'x' }] })).obj

  it('keep the spec and the QoS class', () => {
    const next = structuredClone(created)
    next.spec!.nodeName = 'elsewhere'
    next.status = { phase: 'Running' }
    pods.strategy.prepareForStatusUpdate?.(next, created, next)
    expect(next.spec?.nodeName).toBeUndefined()
    expect(next.status).toEqual({ phase: 'Running', qosClass: 'BestEffort' })
    expect(pods.strategy.validateStatusUpdate?.(next, created)).toEqual([])
  })
})

describe('pod field selectors', () => {
  it('read upstream fields', () => {
    const { obj } = createFlow(pods, pod({ containers: [{ name: 'a', image: 'x' }], nodeName: 'n1' }))
    const get = (field: string) => pods.fieldSelectors?.[field]?.(obj)
    expect([get('spec.nodeName'), get('status.phase'), get('spec.hostNetwork'), get('spec.serviceAccountName')]).toEqual(['n1', 'Pending', 'false', 'default'])
  })
})
