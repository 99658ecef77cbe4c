import { describe, expect, it } from 'vitest'
import { fieldPatchMeta, genericObjectSchema, schemaFor, type FieldPatchMeta, type PatchSchema } from './patch-meta.ts'

/** The metadata of the field at `path` (list items are transparent), walking field types. */
function metaAt(schema: PatchSchema, path: string): FieldPatchMeta {
  let type: PatchSchema | undefined = schema
  let meta: FieldPatchMeta = {}
  for (const field of path.split('.')) {
    meta = fieldPatchMeta(type, field)
    type = meta.type
  }
  return meta
}

const strategyOf = (schema: PatchSchema, path: string) => {
  const { strategy, mergeKey, retainKeys } = metaAt(schema, path)
  return { strategy, mergeKey, retainKeys }
}

describe('schemaFor', () => {
  const pod = schemaFor('', 'Pod')

  it.each([
    ['spec.containers', 'merge', 'name'],
    ['spec.initContainers', 'merge', 'name'],
    ['spec.ephemeralContainers', 'merge', 'name'],
    ['spec.containers.ports', 'merge', 'containerPort'],
    ['spec.containers.env', 'merge', 'name'],
    ['spec.containers.volumeMounts', 'merge', 'mountPath'],
    ['spec.containers.volumeDevices', 'merge', 'devicePath'],
    ['spec.ephemeralContainers.env', 'merge', 'name'],
    ['spec.imagePullSecrets', 'merge', 'name'],
    ['spec.hostAliases', 'merge', 'ip'],
    ['spec.topologySpreadConstraints', 'merge', 'topologyKey'],
    ['spec.schedulingGates', 'merge', 'name'],
    ['status.conditions', 'merge', 'type'],
    ['status.podIPs', 'merge', 'ip'],
    ['status.hostIPs', 'merge', 'ip'],
    ['metadata.ownerReferences', 'merge', 'uid'],
    ['metadata.finalizers', 'merge', undefined],
  ])('Pod %s merges (%s) by %s', (path, strategy, mergeKey) => {
    expect(strategyOf(pod, path)).toEqual({ strategy, mergeKey, retainKeys: undefined })
  })

  it('marks volumes and resource claims merge,retainKeys', () => {
    expect(strategyOf(pod, 'spec.volumes')).toEqual({ strategy: 'merge', mergeKey: 'name', retainKeys: true })
    expect(strategyOf(pod, 'spec.resourceClaims')).toEqual({ strategy: 'merge', mergeKey: 'name', retainKeys: true })
  })

  it.each(['spec.tolerations', 'spec.containers.envFrom', 'spec.containers.resizePolicy', 'status.containerStatuses', 'spec.readinessGates'])(
    'leaves untagged Pod field %s without a strategy (replaced)',
    (path) => expect(metaAt(pod, path)).toEqual({}),
  )

  it.each([
    ['apps', 'Deployment'],
    ['apps', 'ReplicaSet'],
    ['apps', 'DaemonSet'],
    ['apps', 'StatefulSet'],
    ['', 'ReplicationController'],
    ['batch', 'Job'],
  ])('%s/%s has the pod template at spec.template and conditions by type', (group, kind) => {
    const schema = schemaFor(group, kind)
    expect(schema.name).toBe(kind)
    expect(metaAt(schema, 'spec.template.spec')).toEqual({ type: fieldPatchMeta(pod, 'spec').type })
    expect(strategyOf(schema, 'spec.template.metadata.finalizers').strategy).toBe('merge')
    expect(strategyOf(schema, 'status.conditions')).toMatchObject({ strategy: 'merge', mergeKey: 'type' })
  })

  it('reaches the CronJob pod template through spec.jobTemplate', () => {
    expect(strategyOf(schemaFor('batch', 'CronJob'), 'spec.jobTemplate.spec.template.spec.containers.env').mergeKey).toBe('name')
  })

  it('marks only the Deployment strategy retainKeys, without merging it as a list', () => {
    expect(strategyOf(schemaFor('apps', 'Deployment'), 'spec.strategy')).toEqual({ strategy: undefined, mergeKey: undefined, retainKeys: true })
    expect(metaAt(schemaFor('apps', 'DaemonSet'), 'spec.updateStrategy')).toEqual({})
  })

  it('knows Service ports by port, Node lists and untagged taints', () => {
    expect(strategyOf(schemaFor('', 'Service'), 'spec.ports').mergeKey).toBe('port')
    const node = schemaFor('', 'Node')
    expect(strategyOf(node, 'spec.podCIDRs')).toEqual({ strategy: 'merge', mergeKey: undefined, retainKeys: undefined })
    expect(strategyOf(node, 'status.conditions').mergeKey).toBe('type')
    expect(strategyOf(node, 'status.addresses').mergeKey).toBe('type')
    expect(metaAt(node, 'spec.taints')).toEqual({})
  })

  it('replaces the PodDisruptionBudget selector whole', () => {
    expect(strategyOf(schemaFor('policy', 'PodDisruptionBudget'), 'spec.selector').strategy).toBe('replace')
  })

  it('gives other kinds only ObjectMeta: ConfigMap, Endpoints, custom resources', () => {
    for (const [group, kind] of [['', 'ConfigMap'], ['', 'Endpoints'], ['example.com', 'Widget']]) {
      expect(schemaFor(group, kind)).toBe(genericObjectSchema)
    }
    expect(strategyOf(genericObjectSchema, 'metadata.finalizers').strategy).toBe('merge')
    expect(metaAt(genericObjectSchema, 'subsets')).toEqual({})
  })

  it('gives every merge key a merge strategy', () => {
    const seen = new Set<PatchSchema>()
    const visit = (schema: PatchSchema) => {
      if (seen.has(schema)) return
      seen.add(schema)
      for (const meta of Object.values(schema.fields)) {
        if (meta.mergeKey) expect(meta.strategy).toBe('merge')
        if (meta.type) visit(meta.type)
      }
    }
    for (const [group, kind] of [['', 'Pod'], ['apps', 'Deployment'], ['batch', 'CronJob'], ['', 'Node'], ['', 'Service']]) visit(schemaFor(group, kind))
    expect(seen.size).toBeGreaterThan(10)
  })
})
