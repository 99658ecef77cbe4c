// What turns a pod's spec into its containers' inputs: environment (env.ts)
// and volumes (volumes.ts), with ConfigMaps and Secrets read from the
// apiserver and Services from the kubelet's informer.
import { isNotFound, type Client } from '../shared/client/index.ts'
import type { Informer } from '../shared/informer/index.ts'
import type { PodInputs } from './kubelet.ts'
import { expandCommand, resolveEnvironment } from './pods/env.ts'
import type { ConfigMap, ObjectSources, Secret, Service } from './pods/env-api-objects.ts'
import { materializeVolumes } from './pods/volumes.ts'

export interface PodInputsOptions {
  client: Pick<Client, 'configMaps' | 'secrets'>
  services: Informer<Service>
  rootDir: string
  /** What a resourceFieldRef to an unset limit reports. */
  nodeAllocatable?: Record<string, string>
}

async function orUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

export function createPodInputs(options: PodInputsOptions): PodInputs {
  const { client, services, rootDir, nodeAllocatable } = options
  const objects: ObjectSources = {
    configMap: (namespace, name) => orUndefined(client.configMaps.namespace(namespace).get(name) as Promise<ConfigMap>),
    secret: (namespace, name) => orUndefined(client.secrets.namespace(namespace).get(name) as Promise<Secret>),
  }
  return {
    async prepareVolumes(pod, podDir) {
      const volumes = await materializeVolumes(pod, podDir, { ...objects, nodeAllocatable }, { rootDir })
      return { volumes: volumes.paths, mountsFor: (container, env) => volumes.mountsFor(container, env) }
    },
    async resolveEnv(pod, container, podIP, node) {
      const resolved = await resolveEnvironment(pod, container, {
        ...objects, nodeAllocatable,
        services: (namespace) => services.byIndex('namespace', namespace),
        podIPs: podIP ? [podIP] : [],
        hostIPs: [node.ip],
      })
      if (resolved.error) throw new Error(resolved.error)
      return resolved.env
    },
    expand: (args, env) => expandCommand(args, env),
  }
}
