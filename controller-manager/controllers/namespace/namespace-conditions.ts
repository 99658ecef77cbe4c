// The status conditions a terminating namespace carries, and how deletion
// results turn into them (upstream's status_condition_utils.go). Every
// type is always present while terminating: True with what went wrong, or
// False with the "ok" reason and message.
export interface NamespaceCondition {
  type: string
  status: 'True' | 'False' | 'Unknown'
  lastTransitionTime?: string
  reason?: string
  message?: string
}

export const conditionTypes = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const

const okReasons: Record<string, string> = {
  NamespaceDeletionDiscoveryFailure: 'ResourcesDiscovered',
  NamespaceDeletionGroupVersionParsingFailure: 'ParsedGroupVersions',
  NamespaceDeletionContentFailure: 'ContentDeleted',
  NamespaceContentRemaining: 'ContentRemoved',
  NamespaceFinalizersRemaining: 'ContentHasNoFinalizers',
}

const okMessages: Record<string, string> = {
  NamespaceDeletionDiscoveryFailure: 'All resources successfully discovered',
  NamespaceDeletionGroupVersionParsingFailure: 'All legacy kube types successfully parsed',
  NamespaceDeletionContentFailure: 'All content successfully deleted, may be waiting on finalization',
  NamespaceContentRemaining: 'All content successfully removed',
  NamespaceFinalizersRemaining: 'All content-preserving finalizers finished',
}

/** What is left after one deletion pass. */
export interface ContentTotals {
  /** `pods.` / `deployments.apps` style resource names → instances left. */
  remainingByResource: Map<string, number>
  /** finalizer → instances held by it. */
  remainingByFinalizer: Map<string, number>
}

/** Collects one pass's failures, then writes them onto a namespace's status. */
export class NamespaceConditionUpdater {
  readonly #conditions: NamespaceCondition[] = []
  readonly #contentErrors: string[] = []
  readonly #now: () => string

  constructor(now: () => string = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')) {
    this.#now = now
  }

  processDiscoveryError(message: string, failedGroups?: number): void {
    this.#conditions.push({
      type: 'NamespaceDeletionDiscoveryFailure', status: 'True', lastTransitionTime: this.#now(), reason: 'DiscoveryFailed',
      message: failedGroups === undefined ? message : `Discovery failed for some groups, ${failedGroups} failing: ${message}`,
    })
  }

  processDeleteContentError(message: string): void {
    this.#contentErrors.push(message)
  }

  processContentTotals(totals: ContentTotals): void {
    const resources = [...totals.remainingByResource].filter(([, n]) => n > 0).map(([r, n]) => `${r} has ${n} resource instances`).sort()
    if (resources.length > 0) {
      this.#conditions.push({
        type: 'NamespaceContentRemaining', status: 'True', lastTransitionTime: this.#now(), reason: 'SomeResourcesRemain',
        message: `Some resources are remaining: ${resources.join(', ')}`,
      })
    }
    const finalizers = [...totals.remainingByFinalizer].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`).sort()
    if (finalizers.length > 0) {
      this.#conditions.push({
        type: 'NamespaceFinalizersRemaining', status: 'True', lastTransitionTime: this.#now(), reason: 'SomeFinalizersRemain',
        message: `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}`,
      })
    }
  }

  /** Merges the collected conditions into `conditions` in place; true when anything changed. */
  update(conditions: NamespaceCondition[]): boolean {
    const next = [...this.#conditions]
    if (this.#contentErrors.length > 0 && !next.some((c) => c.type === 'NamespaceDeletionContentFailure')) {
      const messages = [...this.#contentErrors].sort()
      next.push({
        type: 'NamespaceDeletionContentFailure', status: 'True', lastTransitionTime: this.#now(), reason: 'ContentDeletionFailed',
        message: `Failed to delete all resource types, ${messages.length} remaining: ${messages.join(', ')}`,
      })
    }
    let changed = false
    for (const type of conditionTypes) {
      const wanted = next.find((c) => c.type === type) ?? { type, status: 'False', lastTransitionTime: this.#now(), reason: okReasons[type], message: okMessages[type] }
      const current = conditions.find((c) => c.type === type)
      if (!current) {
        conditions.push(wanted)
        changed = true
      } else if (current.status !== wanted.status || current.reason !== wanted.reason || current.message !== wanted.message) {
        if (current.status !== wanted.status) current.lastTransitionTime = this.#now()
        current.status = wanted.status
        current.reason = wanted.reason
        current.message = wanted.message
        changed = true
      }
    }
    return changed
  }
}
