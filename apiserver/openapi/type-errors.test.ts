import { describe, expect, it } from 'vitest'
import { schemaFor } from './kind-schema.ts'
import { firstTypeError } from './type-errors.ts'

const root = (group: string, kind: string) => schemaFor({ group, version: 'v1', kind })!.root

describe('firstTypeError', () => {
  it('words a mismatch as Go decoding does', () => {
    expect(firstTypeError(root('', 'ConfigMap'), { metadata: { name: 'c' }, data: 5 }, 'ConfigMap')).toBe(
      'json: cannot unmarshal number into Go struct field ConfigMap.data of type map[string]string',
    )
    expect(firstTypeError(root('', 'ConfigMap'), { metadata: { name: 'c', labels: { a: 5 } } }, 'ConfigMap')).toBe(
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    )
    const deployment = { spec: { replicas: 1.5, template: { spec: { containers: [{ name: 'c', image: 7 }] } } } }
    expect(firstTypeError(root('apps', 'Deployment'), deployment, 'Deployment')).toBe(
      'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32',
    )
    deployment.spec.replicas = 2
    expect(firstTypeError(root('apps', 'Deployment'), deployment, 'Deployment')).toBe(
      'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string',
    )
  })

  it('accepts what Go accepts: null anywhere, numbers or strings for quantities and int-or-string', () => {
    const pod = {
      metadata: { name: 'p', creationTimestamp: null },
      spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: 1, memory: '1Gi' } }, ports: [{ containerPort: 80 }] }], nodeSelector: null },
    }
    expect(firstTypeError(root('', 'Pod'), pod, 'Pod')).toBeUndefined()
    const deployment = { spec: { strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } } }
    expect(firstTypeError(root('apps', 'Deployment'), deployment, 'Deployment')).toBeUndefined()
  })
})
