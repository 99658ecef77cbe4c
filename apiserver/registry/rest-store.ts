// The one create/update/delete flow for every kind (as upstream's generic
// registry.Store): metadata, strategy, validation, guarded write, and the
// translation of storage errors into Status errors. Kinds differ only through
// their ResourceDefinition and Strategy.
import { isDeepStrictEqual } from 'node:util'
import type { KubeObject } from '../../shared/api-types.ts'
import { apiVersionOf } from '../../shared/api-types.ts'
import type { Store, StoredObject, Preconditions } from '../storage/store.ts'
import { StorageError } from '../storage/store.ts'
import { StatusError } from '../status-error.ts'
import type { FieldError } from '../validation/field-error.ts'
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta.ts'
import { nameIsDNSSubdomain } from '../validation/resource-names.ts'
import type { ResourceDefinition } from './types.ts'
import { storageKey } from './registry.ts'
import { isNamespace, isPod } from './deletion.ts'
import { carryUpdateMetadata, fillCreateMetadata, generateName } from './system-metadata.ts'
import { updateManagedFields } from './managed-fields.ts'
import { applyConfiguration } from '../apply/server-side-apply.ts'
import { applySchemaFor } from '../apply/openapi-schema.ts'
import { hooksKey, type FinishWrite, type WriteHooks } from './write-hooks.ts'

export interface WriteContext {
  /** `fieldManager` query parameter, or derived from the User-Agent. */
  manager: string
  dryRun: boolean
  now: Date
  /**
   * `Apply` for server-side apply, whose change already set managedFields
   * (the store keeps them); otherwise the write is recorded as an Update.
   */
  operation?: 'Apply' | 'Update'
  /** Collects the strategy's warnings for the response's `Warning` headers. */
  warnings?: string[]
}

/**
 * Which part of the object a write may change: the main resource (spec,
 * metadata), `status`, `scale` (a main-resource write recorded in
 * managedFields under the scale subresource, as upstream), or `system` for
 * the server's own subresource writes (binding, namespace finalize) that
 * bypass the kind's strategy.
 */
export type Subresource = 'status' | 'scale' | 'system' | undefined

/** Turns the current object (a private clone) into the requested next state. */
export type Change = (current: KubeObject) => KubeObject

const maxGenerateNameAttempts = 8

export function groupResource(def: ResourceDefinition) {
  return { group: def.group, resource: def.plural }
}

/** Where an update's begin hook leaves its finish function. */
interface UpdateTxn {
  finish?: FinishWrite
}

const finishNothing: FinishWrite = () => {}

export class RestStore {
  readonly store: Store
  private readonly hooks = new Map<string, WriteHooks>()

  constructor(store: Store) {
    this.store = store
  }

  /** Installs this server's hooks for one resource (write-hooks.ts); replaces earlier ones. */
  setHooks(resource: { group: string; plural: string }, hooks: WriteHooks): void {
    this.hooks.set(hooksKey(resource), hooks)
  }

  private hooksFor(def: ResourceDefinition): WriteHooks | undefined {
    return this.hooks.size === 0 ? undefined : this.hooks.get(hooksKey(def))
  }

  get(def: ResourceDefinition, namespace: string | undefined, name: string): StoredObject {
    const stored = this.store.get(storageKey(def, namespace, name))
    if (!stored) throw StatusError.notFound(groupResource(def), name)
    return stored
  }

  async create(def: ResourceDefinition, namespace: string | undefined, body: KubeObject, ctx: WriteContext): Promise<StoredObject> {
    const obj = body
    obj.apiVersion = apiVersionOf(def.group, def.version)
    obj.kind = def.kind
    obj.metadata ??= {}
    const applied = ctx.operation === 'Apply' ? obj.metadata.managedFields : undefined
    if (def.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw StatusError.badRequest('the namespace of the provided object does not match the namespace sent on the request')
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace
    } else {
      delete obj.metadata.namespace
    }
    if (!def.virtual) fillCreateMetadata(obj.metadata, ctx.now)

    // The name is generated first, so that defaults and labels derived from it (a Job's job-name) see it.
    const generated = !obj.metadata.name && !!obj.metadata.generateName
    if (generated) obj.metadata.name = generateName(obj.metadata.generateName!)
    const strategy = def.strategy
    const hooks = this.hooksFor(def)
    asDecodeError(def, () => {
      strategy.defaults?.(obj)
      hooks?.admit?.(obj)
      // Kinds with a status subresource start with an empty status unless their strategy says otherwise.
      if (def.subresources?.status && !strategy.prepareForCreate) obj.status = {}
      strategy.prepareForCreate?.(obj)
      // A virtual kind (SelfSubjectAccessReview) is never stored, so it needs no name.
      const metaErrors = def.virtual ? [] : this.validateMeta(def, obj)
      this.validate(def, obj, [...metaErrors, ...(strategy.validate?.(obj) ?? [])])
      if (strategy.warnings) ctx.warnings?.push(...strategy.warnings(obj, undefined))
    })
    if (def.namespaced) this.checkNamespaceAcceptsContent(def, obj.metadata.namespace!, obj.metadata.name!)

    if (def.virtual) return dryRunResult(obj)
    if (ctx.operation === 'Apply') {
      if (applied) obj.metadata.managedFields = applied
    } else updateManagedFields(undefined, obj, { manager: ctx.manager, apiVersion: obj.apiVersion }, ctx.now)
    // After managedFields: what the server fills in (allocated IPs) belongs to no manager, as upstream.
    const finish = hooks?.beginCreate?.(obj, ctx) ?? finishNothing
    if (ctx.dryRun) {
      finish(false)
      if (this.store.get(storageKey(def, obj.metadata.namespace, obj.metadata.name!))) throw StatusError.alreadyExists(groupResource(def), obj.metadata.name!)
      return dryRunResult(obj)
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const stored = await this.store.create(storageKey(def, obj.metadata.namespace, obj.metadata.name!), obj)
        finish(true)
        return stored
      } catch (err) {
        // A generated name that collides is retried with a fresh suffix, as upstream does.
        if (err instanceof StorageError && err.code === 'KeyExists' && generated && attempt < maxGenerateNameAttempts) {
          obj.metadata.name = generateName(obj.metadata.generateName!)
          continue
        }
        finish(false)
        throw translate(err, def, obj.metadata.name!)
      }
    }
  }

  /**
   * Update, patch and status writes: `change` computes the requested object
   * from the current one; the store runs it synchronously against the latest
   * state, so read-modify-write cannot interleave with another write.
   */
  async update(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    change: Change,
    ctx: WriteContext,
    subresource?: Subresource,
  ): Promise<StoredObject> {
    const key = storageKey(def, namespace, name)
    const txn: UpdateTxn = {}
    const compute = (current: KubeObject): KubeObject | undefined => {
      // A store that runs the change again gets a fresh transaction.
      txn.finish?.(false)
      txn.finish = undefined
      return this.nextState(def, namespace, name, current, change, ctx, subresource, txn)
    }
    if (ctx.dryRun) {
      const current = this.get(def, namespace, name)
      try {
        const next = compute(structuredClone(current.object))
        return next ? dryRunResult(next) : current
      } finally {
        txn.finish?.(false)
      }
    }
    let stored: StoredObject
    try {
      stored = await this.store.update(key, compute)
    } catch (err) {
      txn.finish?.(false)
      throw translate(err, def, name)
    }
    txn.finish?.(true)
    return this.finalizeIfDone(def, stored)
  }

  /** Updates that clear the last finalizer of a deleting object complete its deletion. */
  private async finalizeIfDone(def: ResourceDefinition, stored: StoredObject): Promise<StoredObject> {
    const meta = stored.object.metadata
    if (!meta.deletionTimestamp || (meta.finalizers?.length ?? 0) > 0) return stored
    // A pod waits for its kubelet's final delete (grace period 0).
    if (isPod(def) && (meta.deletionGracePeriodSeconds ?? 0) > 0) return stored
    // A namespace waits until its content is gone and spec.finalizers is emptied.
    if (isNamespace(def) && ((stored.object.spec as { finalizers?: string[] } | undefined)?.finalizers?.length ?? 0) > 0) return stored
    try {
      const deleted = await this.store.delete(stored.key, { resourceVersion: meta.resourceVersion })
      this.hooksFor(def)?.afterDelete?.(deleted.object)
      return deleted
    } catch (err) {
      if (err instanceof StorageError && (err.code === 'Conflict' || err.code === 'NotFound')) return stored
      throw err
    }
  }

  private nextState(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    current: KubeObject,
    change: Change,
    ctx: WriteContext,
    subresource: Subresource,
    txn: UpdateTxn,
  ): KubeObject | undefined {
    const prev = structuredClone(current)
    const requested = change(current)
    if (!requested || typeof requested !== 'object' || Array.isArray(requested)) throw StatusError.badRequest('the body of the request must be an object')
    requested.metadata ??= {}
    if (typeof requested.metadata !== 'object' || Array.isArray(requested.metadata)) {
      throw StatusError.badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: metadata must be an object`)
    }
    const meta = requested.metadata
    if (meta.name !== undefined && meta.name !== name) {
      throw StatusError.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`)
    }
    if (def.namespaced && meta.namespace && meta.namespace !== namespace) {
      throw StatusError.badRequest('the namespace of the provided object does not match the namespace sent on the request')
    }
    if (meta.resourceVersion && meta.resourceVersion !== prev.metadata.resourceVersion) {
      throw StatusError.staleUpdate(groupResource(def), name)
    }
    if (requested.kind !== undefined && requested.kind !== def.kind) {
      throw StatusError.badRequest(`${requested.kind} in version "${def.version}" cannot be handled as a ${def.kind}: the object kind does not match the resource`)
    }

    let next: KubeObject
    if (subresource === 'system') {
      // The change function already made exactly the edit the subresource defines.
      next = requested
      carryUpdateMetadata(next.metadata, prev.metadata)
      next.metadata.resourceVersion = prev.metadata.resourceVersion
      return isDeepStrictEqual(next, prev) ? undefined : next
    }
    if (subresource === 'status') {
      // Only status moves; everything else stays as stored.
      next = structuredClone(prev)
      if (requested.status === undefined) delete next.status
      else next.status = requested.status
      def.strategy.prepareForStatusUpdate?.(next, prev, requested)
    } else {
      next = requested
      next.metadata.name = name
      if (def.namespaced) next.metadata.namespace = namespace
      carryUpdateMetadata(next.metadata, prev.metadata)
      if (def.subresources?.status && !def.strategy.prepareForUpdate) {
        if (prev.status === undefined) delete next.status
        else next.status = prev.status
      }
    }
    next.apiVersion = apiVersionOf(def.group, def.version)
    next.kind = def.kind
    next.metadata.resourceVersion = prev.metadata.resourceVersion

    asDecodeError(def, () => {
      def.strategy.defaults?.(next)
      if (subresource !== 'status') def.strategy.prepareForUpdate?.(next, prev)
      const errors: FieldError[] =
        subresource === 'status'
          ? (def.strategy.validateStatusUpdate?.(next, prev) ?? [])
          : [...validateObjectMetaUpdate(next.metadata, prev.metadata), ...this.validateMeta(def, next), ...(def.strategy.validateUpdate?.(next, prev) ?? def.strategy.validate?.(next) ?? [])]
      this.validate(def, next, errors)
      if (subresource !== 'status' && def.strategy.warnings) ctx.warnings?.push(...def.strategy.warnings(next, prev))
    })

    if (ctx.operation !== 'Apply') updateManagedFields(prev, next, { manager: ctx.manager, apiVersion: next.apiVersion!, subresource }, ctx.now)
    // A write that changes nothing, field ownership included, keeps the resourceVersion, as upstream.
    if (isDeepStrictEqual(next, prev)) return undefined
    if (subresource !== 'status') {
      const begin = this.hooksFor(def)?.beginUpdate
      if (begin) txn.finish = begin(next, prev, ctx)
    }
    return next
  }

  /**
   * Server-side apply (PATCH with application/apply-patch+yaml): `body` is
   * `ctx.manager`'s whole intent for the fields it manages. Creates the
   * object when it does not exist (`created`), otherwise applies inside
   * update; fields other managers own with other values are a 409 Conflict
   * unless `force`.
   */
  async apply(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    body: unknown,
    ctx: WriteContext,
    options: { force: boolean; subresource?: 'status' },
  ): Promise<{ stored: StoredObject; created: boolean }> {
    const defaults = def.strategy.defaults
    const request = {
      group: def.group,
      version: def.version,
      kind: def.kind,
      namespace,
      name,
      manager: ctx.manager,
      force: options.force,
      subresource: options.subresource,
      schema: applySchemaFor(def),
      defaults: defaults && ((obj: KubeObject) => defaults.call(def.strategy, obj)),
      now: ctx.now,
    }
    const applyCtx: WriteContext = { ...ctx, operation: 'Apply' }
    if (!options.subresource && !this.store.get(storageKey(def, namespace, name))) {
      const obj = applyConfiguration(undefined, body, request)
      if (obj.metadata.name !== name) {
        throw StatusError.badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${name})`)
      }
      try {
        return { stored: await this.create(def, namespace, obj, applyCtx), created: true }
      } catch (err) {
        // Created meanwhile by another writer: apply to that object instead.
        if (!(err instanceof StatusError && err.status.reason === 'AlreadyExists')) throw err
      }
    }
    const stored = await this.update(def, namespace, name, (current) => applyConfiguration(current, body, request), applyCtx, options.subresource)
    return { stored, created: false }
  }

  /** Deletes, or marks for deletion when finalizers or a grace period hold the object. */
  async delete(def: ResourceDefinition, namespace: string | undefined, name: string, plan: DeletePlanner, ctx: WriteContext): Promise<{ stored: StoredObject; deleted: boolean }> {
    const key = storageKey(def, namespace, name)
    const current = this.get(def, namespace, name)
    const decision = plan(structuredClone(current.object), ctx.now)
    if (decision.preconditions) checkPreconditions(def, name, current.object, decision.preconditions)
    if (ctx.dryRun) return { stored: decision.mark ? dryRunResult(decision.mark) : current, deleted: !decision.mark }
    try {
      if (decision.mark) {
        const marked = decision.mark
        const stored = await this.store.update(key, (cur) => {
          if (cur.metadata.resourceVersion !== current.object.metadata.resourceVersion) {
            const again = plan(cur, ctx.now)
            return again.mark
          }
          return marked
        })
        const final = await this.finalizeIfDone(def, stored)
        return { stored: final, deleted: !this.store.get(key) }
      }
      const pre: Preconditions = { resourceVersion: current.object.metadata.resourceVersion }
      const stored = await this.store.delete(key, pre)
      this.hooksFor(def)?.afterDelete?.(stored.object)
      return { stored, deleted: true }
    } catch (err) {
      if (err instanceof StorageError && err.code === 'Conflict') return this.delete(def, namespace, name, plan, ctx)
      throw translate(err, def, name)
    }
  }

  private validateMeta(def: ResourceDefinition, obj: KubeObject): FieldError[] {
    return validateObjectMeta(obj.metadata, { namespaced: def.namespaced, validateName: def.validateName ?? nameIsDNSSubdomain })
  }

  private validate(def: ResourceDefinition, obj: KubeObject, errors: FieldError[]): void {
    if (errors.length > 0) throw StatusError.invalid(def.group, def.kind, obj.metadata.name ?? obj.metadata.generateName ?? '', errors)
  }

  /** Namespace lifecycle: content may go only into a namespace that exists and is not terminating. */
  private checkNamespaceAcceptsContent(def: ResourceDefinition, namespace: string, name: string): void {
    const ns = this.store.get(`/registry/namespaces/${namespace}`)
    if (!ns) throw StatusError.notFound({ group: '', resource: 'namespaces' }, namespace)
    const phase = (ns.object.status as { phase?: string } | undefined)?.phase
    if (ns.object.metadata.deletionTimestamp || phase === 'Terminating') {
      const err = StatusError.forbidden(groupResource(def), name, `unable to create new content in namespace ${namespace} because it is being terminated`)
      err.status.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }]
      throw err
    }
  }
}

/** What a delete does to the current object: remove it, or store `mark` (deletionTimestamp set). */
export interface DeleteDecision {
  mark?: KubeObject
  preconditions?: Preconditions
}
export type DeletePlanner = (current: KubeObject, now: Date) => DeleteDecision

function checkPreconditions(def: ResourceDefinition, name: string, obj: KubeObject, pre: Preconditions): void {
  if (pre.uid && pre.uid !== obj.metadata.uid) {
    throw StatusError.conflict(groupResource(def), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`)
  }
  if (pre.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw StatusError.conflict(
      groupResource(def),
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`,
    )
  }
}

/**
 * Strategies read a body's fields as the kind's types say they are, so a
 * field of the wrong type (a number where a string belongs) can make one
 * throw. Upstream rejects such a body while decoding it, with a 400; so does
 * this, instead of answering 500.
 */
function asDecodeError(def: ResourceDefinition, run: () => void): void {
  try {
    run()
  } catch (err) {
    if (err instanceof StatusError || err instanceof StorageError) throw err
    throw StatusError.badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${(err as Error).message}`)
  }
}

function dryRunResult(obj: KubeObject): StoredObject {
  return { key: '', object: obj, json: JSON.stringify(obj), revision: 0 }
}

export function translate(err: unknown, def: ResourceDefinition, name: string): unknown {
  if (!(err instanceof StorageError)) return err
  switch (err.code) {
    case 'KeyExists':
      return StatusError.alreadyExists(groupResource(def), name)
    case 'NotFound':
      return StatusError.notFound(groupResource(def), name)
    case 'Conflict':
      return StatusError.staleUpdate(groupResource(def), name)
    case 'Expired':
      return StatusError.expired(err.message)
    case 'Unavailable':
      return StatusError.internal(err.message)
  }
}
