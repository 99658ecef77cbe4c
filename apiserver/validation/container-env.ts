// A container's env and envFrom, as upstream's ValidateEnv and ValidateEnvFrom
// (with the relaxed variable-name rule, on by default since v1.32).
import { isConfigMapKey, isRelaxedEnvVarName } from '../../shared/name-validation.ts'
import { childPath, fieldErrors, type FieldError } from './field-error.ts'
import type { EnvFromSource, EnvVar } from '../../shared/core-types.ts'
import { nameIsDNSSubdomain } from './resource-names.ts'

// Fields the downward API may expose as environment variables.
const envFieldPaths = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs']
const resourceFieldPaths = ['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage']

export function validateEnv(vars: EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  ;(vars ?? []).forEach((env, i) => {
    const envPath = childPath(path, i)
    if (!env.name) errs.push(fieldErrors.required(childPath(envPath, 'name')))
    else for (const msg of isRelaxedEnvVarName(env.name)) errs.push(fieldErrors.invalid(childPath(envPath, 'name'), env.name, msg))
    errs.push(...validateValueFrom(env, childPath(envPath, 'valueFrom')))
  })
  return errs
}

function validateValueFrom(env: EnvVar, path: string): FieldError[] {
  const from = env.valueFrom
  if (!from) return []
  const errs: FieldError[] = []
  let sources = 0
  if (from.fieldRef) {
    sources++
    const refPath = childPath(path, 'fieldRef')
    if (!from.fieldRef.apiVersion) errs.push(fieldErrors.required(childPath(refPath, 'apiVersion')))
    else if (!from.fieldRef.fieldPath) errs.push(fieldErrors.required(childPath(refPath, 'fieldPath')))
    else errs.push(...validateFieldPath(from.fieldRef.fieldPath, refPath))
  }
  if (from.resourceFieldRef) {
    sources++
    const resource = from.resourceFieldRef.resource
    const refPath = childPath(path, 'resourceFieldRef')
    if (!resource) errs.push(fieldErrors.required(childPath(refPath, 'resource')))
    else if (!resourceFieldPaths.includes(resource) && !/^(requests|limits)\.hugepages-/.test(resource)) {
      errs.push(fieldErrors.notSupported(childPath(refPath, 'resource'), resource, resourceFieldPaths))
    }
  }
  for (const ref of ['configMapKeyRef', 'secretKeyRef'] as const) {
    const selector = from[ref]
    if (!selector) continue
    sources++
    const refPath = childPath(path, ref)
    for (const msg of nameIsDNSSubdomain(selector.name ?? '', false)) errs.push(fieldErrors.invalid(childPath(refPath, 'name'), selector.name ?? '', msg))
    if (!selector.key) errs.push(fieldErrors.required(childPath(refPath, 'key')))
    else for (const msg of isConfigMapKey(selector.key)) errs.push(fieldErrors.invalid(childPath(refPath, 'key'), selector.key, msg))
  }
  if (sources === 0) errs.push(fieldErrors.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'))
  else if (env.value) errs.push(fieldErrors.invalid(path, '', 'may not be specified when `value` is not empty'))
  else if (sources > 1) errs.push(fieldErrors.invalid(path, '', 'may not have more than one field specified at a time'))
  return errs
}

function validateFieldPath(fieldPath: string, refPath: string): FieldError[] {
  // metadata.labels['key'] and metadata.annotations['key'] select one entry.
  const subscript = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fieldPath)
  if (subscript) return []
  if (envFieldPaths.includes(fieldPath)) return []
  return [fieldErrors.notSupported(childPath(refPath, 'fieldPath'), fieldPath, envFieldPaths)]
}

export function validateEnvFrom(sources: EnvFromSource[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  ;(sources ?? []).forEach((source, i) => {
    const sourcePath = childPath(path, i)
    if (source.prefix) {
      for (const msg of isRelaxedEnvVarName(source.prefix)) errs.push(fieldErrors.invalid(childPath(sourcePath, 'prefix'), source.prefix, msg))
    }
    let count = 0
    for (const ref of ['configMapRef', 'secretRef'] as const) {
      const target = source[ref]
      if (!target) continue
      count++
      const namePath = childPath(childPath(sourcePath, ref), 'name')
      if (!target.name) errs.push(fieldErrors.required(namePath))
      else for (const msg of nameIsDNSSubdomain(target.name, true)) errs.push(fieldErrors.invalid(namePath, target.name, msg))
    }
    // Upstream reports these two on the list, not the item.
    if (count === 0) errs.push(fieldErrors.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'))
    else if (count > 1) errs.push(fieldErrors.invalid(path, '', 'may not have more than one field specified at a time'))
  })
  return errs
}
