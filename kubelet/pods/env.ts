// A container's environment, built as upstream's makeEnvironmentVariables
// builds it:
//   1. service links (env-service-links.ts);
//   2. envFrom, source by source: every key of the ConfigMap or Secret, with
//      the source's prefix; a later source overrides an earlier one;
//   3. env, in declared order: a literal value has its `$(VAR)` references
//      expanded against what is defined so far (envFrom and earlier env
//      entries, then service links); a valueFrom is resolved from the pod,
//      the container's resources, a ConfigMap key or a Secret key.
// A later definition of a name replaces an earlier one. A missing required
// ConfigMap, Secret or key stops it: the pod worker reports the message as
// the container's CreateContainerConfigError and tries again on the next sync.
import type { Container, Pod } from '../../shared/core-types.ts'
import { isRelaxedEnvVarName } from '../../shared/name-validation.ts'
import {
  configMapNotFound,
  decodeBase64,
  secretNotFound,
  type ConfigMap,
  type ObjectSources,
  type Secret,
  type Service,
} from './env-api-objects.ts'
import { containerResourceValue, podFieldValue, type PodAddresses } from './env-downward-api.ts'
import { expand, mappingFor } from './env-expansion.ts'
import { linkedServices, serviceEnvironment } from './env-service-links.ts'

export { expandCommand, expandCommandStatic, expandSubPathExpr } from './env-expansion.ts'

/** What the kubelet knows that a container's environment is built from. */
export interface EnvSources extends ObjectSources, PodAddresses {
  /** The Services of a namespace from the kubelet's informer; asked for the pod's namespace and for `default`. */
  services(namespace: string): readonly Service[]
  /** The node's allocatable: what a resourceFieldRef to an unset limit reports. */
  nodeAllocatable?: Readonly<Record<string, string | number>>
}

export interface EnvWarning {
  reason: string
  message: string
}

export interface ResolvedEnvironment {
  /** Each name once, in order of first definition, with its last value. */
  env: Array<[string, string]>
  /**
   * Set when the container must not start (env then holds what was resolved
   * so far). Upstream's message, for the CreateContainerConfigError waiting
   * state and the Failed event `Error: <message>`.
   */
  error?: string
  /** Warning events for the pod (e.g. InvalidEnvironmentVariableNames). */
  warnings: EnvWarning[]
}

/** Resolves the environment of one container of pod; never throws, failures come back in `error`. */
export async function resolveEnvironment(pod: Pod, container: Container, sources: EnvSources): Promise<ResolvedEnvironment> {
  const namespace = pod.metadata.namespace ?? 'default'
  const services = serviceEnvironment(linkedServices(namespace, pod.spec?.enableServiceLinks ?? true, (ns) => sources.services(ns)))
  const serviceEnv = new Map(services)
  // Everything defined by envFrom and env: it shadows the service links.
  const defined = new Map<string, string>()
  const warnings: EnvWarning[] = []
  const configMaps = new Map<string, ConfigMap | undefined>()
  const secrets = new Map<string, Secret | undefined>()
  const getConfigMap = async (name: string) => {
    if (!configMaps.has(name)) configMaps.set(name, await sources.configMap(namespace, name))
    return configMaps.get(name)
  }
  const getSecret = async (name: string) => {
    if (!secrets.has(name)) secrets.set(name, await sources.secret(namespace, name))
    return secrets.get(name)
  }
  const result = (error?: string): ResolvedEnvironment => {
    const env = new Map(services)
    for (const [name, value] of defined) env.set(name, value)
    return { env: [...env], error, warnings }
  }

  try {
    for (const source of container.envFrom ?? []) {
      const prefix = source.prefix ?? ''
      let entries: Array<[string, string]>
      let what: string
      if (source.configMapRef) {
        const name = source.configMapRef.name ?? ''
        const configMap = await getConfigMap(name)
        if (!configMap) {
          if (source.configMapRef.optional) continue
          return result(configMapNotFound(name))
        }
        entries = Object.entries(configMap.data ?? {})
        what = `configMap ${namespace}/${name}`
      } else if (source.secretRef) {
        const name = source.secretRef.name ?? ''
        const secret = await getSecret(name)
        if (!secret) {
          if (source.secretRef.optional) continue
          return result(secretNotFound(name))
        }
        entries = Object.entries(secret.data ?? {}).map(([key, value]) => [key, decodeBase64(value).toString('utf8')])
        what = `secret ${namespace}/${name}`
      } else continue
      // Keys that cannot name a process environment variable at all ('=', control
      // characters) are skipped with the event older kubelets gave for invalid names.
      const invalid: string[] = []
      for (const [key, value] of entries) {
        const name = prefix + key
        if (isRelaxedEnvVarName(name).length > 0) invalid.push(name)
        else defined.set(name, value)
      }
      if (invalid.length > 0) {
        warnings.push({
          reason: 'InvalidEnvironmentVariableNames',
          message: `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${what} were skipped since they are considered invalid environment variable names.`,
        })
      }
    }

    const mapping = mappingFor(defined, serviceEnv)
    for (const variable of container.env ?? []) {
      const name = variable.name ?? ''
      let value = variable.value ?? ''
      const from = variable.valueFrom
      if (value !== '') {
        value = expand(value, mapping)
      } else if (from?.fieldRef) {
        value = podFieldValue(pod, from.fieldRef, sources)
      } else if (from?.resourceFieldRef) {
        value = containerResourceValue(from.resourceFieldRef, pod, container, sources.nodeAllocatable)
      } else if (from?.configMapKeyRef) {
        const { name: cmName = '', key = '', optional = false } = from.configMapKeyRef
        const configMap = await getConfigMap(cmName)
        if (!configMap) {
          if (optional) continue
          return result(configMapNotFound(cmName))
        }
        const found = configMap.data?.[key]
        if (found === undefined) {
          if (optional) continue
          return result(`couldn't find key ${key} in ConfigMap ${namespace}/${cmName}`)
        }
        value = found
      } else if (from?.secretKeyRef) {
        const { name: secretName = '', key = '', optional = false } = from.secretKeyRef
        const secret = await getSecret(secretName)
        if (!secret) {
          if (optional) continue
          return result(secretNotFound(secretName))
        }
        const found = secret.data?.[key]
        if (found === undefined) {
          if (optional) continue
          return result(`couldn't find key ${key} in Secret ${namespace}/${secretName}`)
        }
        value = decodeBase64(found).toString('utf8')
      }
      defined.set(name, value)
    }
  } catch (err) {
    return result(err instanceof Error ? err.message : String(err))
  }
  return result()
}
