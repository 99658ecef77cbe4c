import { describe, expect, it } from 'vitest'
import { podSpecWarnings, templateWarnings } from './pod-warnings.ts'

describe('pod warnings', () => {
  it('names deprecated node labels, annotations and volume plugins as upstream', () => {
    const warnings = podSpecWarnings(
      {
        nodeSelector: { 'beta.kubernetes.io/os': 'linux' },
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'failure-domain.beta.kubernetes.io/zone' }] }] } } },
        volumes: [{ name: 'v', storageos: {} }],
        containers: [{ name: 'c', image: 'x', env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }, { name: 'B', value: '1' }, { name: 'B', value: '$(B)-more' }] }],
        imagePullSecrets: [{ name: 's' }, { name: 's' }],
      },
      { annotations: { 'scheduler.alpha.kubernetes.io/critical-pod': '' } },
    )
    expect(warnings).toEqual([
      'spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use "kubernetes.io/os" instead',
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key: failure-domain.beta.kubernetes.io/zone is deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
      'metadata.annotations[scheduler.alpha.kubernetes.io/critical-pod]: non-functional in v1.16+; use the "priorityClassName" field instead',
      'spec.volumes[0].storageOS: deprecated in v1.22, non-functional in v1.25+',
      'spec.imagePullSecrets[1].name: duplicate name "s"',
      'spec.containers[0].env[1]: hides previous definition of "A", which may be dropped when using apply',
    ])
  })

  it('warns for a workload template only when it changed', () => {
    const template = { spec: { nodeSelector: { 'beta.kubernetes.io/arch': 'amd64' }, containers: [] } }
    expect(templateWarnings(template, undefined, 'spec.template')).toEqual(['spec.template.spec.nodeSelector[beta.kubernetes.io/arch]: deprecated since v1.14; use "kubernetes.io/arch" instead'])
    expect(templateWarnings(template, structuredClone(template), 'spec.template')).toEqual([])
  })
})
