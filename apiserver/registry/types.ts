// What a resource is: one declaration (ResourceDefinition) and a strategy.
// The generic store (rest-store.ts) and the HTTP handlers read only these.
import type { KubeObject } from '../../shared/api-types.ts'
import type { FieldError } from '../validation/field-error.ts'
import type { Printer } from '../printers/printer.ts'

/**
 * Per-kind behaviour, as upstream's RESTCreateStrategy/RESTUpdateStrategy.
 * Order on create: default → prepareForCreate → validate.
 * Order on update: default → prepareForUpdate → validateUpdate.
 * `validate*` must not mutate. Every hook is optional; a strategy is a plain
 * stateless value. Objects arrive with apiVersion/kind/metadata set; the
 * generic store has already validated and defaulted common metadata.
 */
export interface Strategy<T extends KubeObject = KubeObject> {
  /** Fill defaults, as upstream's SetDefaults_* (also run on update and status writes). */
  defaults?(obj: T): void
  /** Reset fields a client may not set on create (usually status). */
  prepareForCreate?(obj: T): void
  /** Carry over what the main resource may not change (usually status); decide generation bumps. */
  prepareForUpdate?(next: T, prev: T): void
  validate?(obj: T): FieldError[]
  /** Runs on update instead of `validate`; call `validate` from it when the checks are the same. */
  validateUpdate?(next: T, prev: T): FieldError[]
  /** Status subresource writes: keep everything but status from `prev` (the default); `requested` is what the client sent. */
  prepareForStatusUpdate?(next: T, prev: T, requested: T): void
  validateStatusUpdate?(next: T, prev: T): FieldError[]
  /**
   * Upstream's WarningsOnCreate/WarningsOnUpdate: texts sent back as
   * `Warning` headers (deprecated labels, annotations, volume plugins ...);
   * `prev` is undefined on create. Runs after validation passed.
   */
  warnings?(obj: T, prev: T | undefined): string[]
}

export interface ScaleSubresource {
  /** Dotted path of the desired replica count, e.g. `spec.replicas`. */
  specReplicasPath: string
  /** Dotted path of the observed replica count, e.g. `status.replicas`. */
  statusReplicasPath: string
  /** Dotted path of the label selector (an object with matchLabels/matchExpressions, or a map). */
  labelSelectorPath: string
}

/** Extracts the value a field selector compares; undefined = field not supported. */
export type FieldGetter<T extends KubeObject = KubeObject> = (obj: T) => string | undefined

export interface ResourceDefinition<T extends KubeObject = KubeObject> {
  group: string
  version: string
  kind: string
  /** Lower-case plural: the path segment. */
  plural: string
  singular: string
  namespaced: boolean
  shortNames?: string[]
  categories?: string[]
  /** Default: get, list, watch, create, update, patch, delete, deletecollection. */
  verbs?: string[]
  strategy: Strategy<T>
  /**
   * A request-response kind such as SelfSubjectAccessReview: create runs the
   * strategy and answers with the result; nothing is stored.
   */
  virtual?: boolean
  subresources?: {
    status?: boolean
    scale?: ScaleSubresource
  }
  /**
   * Validates metadata.name (and generateName's prefix), returning upstream's
   * messages. Default: DNS-1123 subdomain, as most kinds.
   */
  validateName?: (name: string, prefix: boolean) => string[]
  /** Field selectors beyond metadata.name and metadata.namespace. */
  fieldSelectors?: Record<string, FieldGetter<T>>
  /**
   * Server-side printing: the Table columns and cells `kubectl get` shows.
   * Default: upstream's Name and Created At.
   */
  printer?: Printer
}

export const defaultVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']

/** Identity helper that keeps the kind's type through the declaration. */
export function defineResource<T extends KubeObject = KubeObject>(def: ResourceDefinition<T>): ResourceDefinition {
  return def as unknown as ResourceDefinition
}
