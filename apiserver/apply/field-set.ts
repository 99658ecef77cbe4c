// A set of field paths, as structured-merge-diff's fieldpath.Set: a tree whose
// nodes hold members (paths in the set) and children (paths that lead to
// members). A path may be both a member and a parent: a map-list item owned
// as a whole that also has owned fields. Sets are what managedFields store,
// serialized as FieldsV1. Sets are values: operations return new sets, and
// only a set still being built (FieldSet.of, a walker's own) is inserted into.
import type { JsonObject, JsonValue } from '../patch/json-value.ts'
import { isJsonObject } from '../patch/json-value.ts'
import type { ApplyType } from './apply-type.ts'
import { childType, isNamedField } from './apply-type.ts'
import type { Path, PathElement } from './path-element.ts'
import { compareElements, parseElement, serializeElement } from './path-element.ts'

interface Child {
  readonly element: PathElement
  readonly set: FieldSet
}

export class FieldSet {
  /** Members at this level, by serialized element. */
  private readonly members = new Map<string, PathElement>()
  /** Subsets below this level; never empty. */
  private readonly children = new Map<string, Child>()
  /** The FieldsV1 this set was read from: written back as it was while the set is unchanged. */
  private source?: JsonObject

  static of(...paths: Path[]): FieldSet {
    const set = new FieldSet()
    for (const p of paths) set.insert(p)
    return set
  }

  /** Adds `path` (not its parents). The empty path, the whole object, is never owned. */
  insert(path: Path): void {
    if (path.length === 0) return
    let node: FieldSet = this
    for (let i = 0; i < path.length - 1; i++) node = node.descend(path[i])
    const last = path[path.length - 1]
    node.members.set(serializeElement(last), last)
  }

  /** The level below `pe`, created when missing; only for sets still being built. */
  descend(pe: PathElement): FieldSet {
    const key = serializeElement(pe)
    let child = this.children.get(key)
    if (!child) {
      child = { element: pe, set: new FieldSet() }
      this.children.set(key, child)
    }
    return child.set
  }

  /** Adds `pe` as a member at this level; only for sets still being built. */
  addMember(pe: PathElement): void {
    this.members.set(serializeElement(pe), pe)
  }

  has(path: Path): boolean {
    if (path.length === 0) return false
    let node: FieldSet | undefined = this
    for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(serializeElement(path[i]))?.set
    return node?.members.has(serializeElement(path[path.length - 1])) ?? false
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false
    for (const c of this.children.values()) if (!c.set.isEmpty()) return false
    return true
  }

  /** The paths below `pe`, without the prefix. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializeElement(pe))?.set ?? new FieldSet()
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(serializeElement(pe))
  }

  // Sets are values, so the operations share unchanged subtrees (and return
  // an operand itself) instead of copying them.

  union(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this
    if (this.isEmpty()) return other
    const out = new FieldSet()
    for (const [k, pe] of this.members) out.members.set(k, pe)
    for (const [k, pe] of other.members) out.members.set(k, pe)
    for (const [k, c] of this.children) out.children.set(k, c)
    for (const [k, c] of other.children) {
      const mine = out.children.get(k)
      out.children.set(k, mine ? { element: c.element, set: mine.set.union(c.set) } : c)
    }
    return out
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet()
    for (const [k, pe] of this.members) if (other.members.has(k)) out.members.set(k, pe)
    for (const [k, c] of this.children) {
      const theirs = other.children.get(k)
      if (!theirs) continue
      const both = c.set.intersection(theirs.set)
      if (!both.isEmpty()) out.children.set(k, { element: c.element, set: both })
    }
    return out
  }

  /** Members of this set that are not members of `other`; a member of `other` does not remove what lies below it. */
  difference(other: FieldSet): FieldSet {
    return this.subtract(other, false)
  }

  /** Like difference, but a member of `other` also removes everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    return this.subtract(other, true)
  }

  private subtract(other: FieldSet, recursive: boolean): FieldSet {
    if (other.members.size === 0 && other.children.size === 0) return this
    const out = new FieldSet()
    let changed = false
    for (const [k, pe] of this.members) {
      if (other.members.has(k)) changed = true
      else out.members.set(k, pe)
    }
    for (const [k, c] of this.children) {
      if (recursive && other.members.has(k)) {
        changed = true
        continue
      }
      const theirs = other.children.get(k)
      const rest = theirs ? c.set.subtract(theirs.set, recursive) : c.set
      if (rest !== c.set) changed = true
      if (!rest.isEmpty()) out.children.set(k, rest === c.set ? c : { element: c.element, set: rest })
    }
    return changed ? out : this
  }

  /**
   * This set plus every declared struct field that leads to a member: a set
   * holding `spec.replicas` then also holds `spec`, but a set holding
   * `metadata.labels.app` does not hold `metadata.labels.app`'s map.
   */
  ensureNamedFieldsAreMembers(t: ApplyType): FieldSet {
    const out = new FieldSet()
    for (const [k, pe] of this.members) out.members.set(k, pe)
    for (const [k, c] of this.children) {
      let ct: ApplyType = { type: 'any' }
      if ('field' in c.element) {
        if (isNamedField(t, c.element.field)) out.members.set(k, c.element)
        ct = childType(t, c.element.field)
      } else if ('key' in c.element && t.type === 'list') {
        ct = t.items ?? ct
      }
      out.children.set(k, { element: c.element, set: c.set.ensureNamedFieldsAreMembers(ct) })
    }
    return out
  }

  /** The elements that lead to members below this level, with the sets below them. */
  childEntries(): { element: PathElement; set: FieldSet }[] {
    return [...this.children.values()]
  }

  /** Every member path, depth first: a level's members (sorted) before its children (sorted). */
  paths(): PathElement[][] {
    const out: PathElement[][] = []
    this.collect([], out)
    return out
  }

  private collect(prefix: PathElement[], out: PathElement[][]): void {
    for (const pe of sorted(this.members.values())) out.push([...prefix, pe])
    for (const c of sortedChildren(this.children.values())) c.set.collect([...prefix, c.element], out)
  }

  /** FieldsV1: one key per element, sorted; `.` marks a parent that is itself a member. */
  toFieldsV1(): JsonObject {
    return this.source ?? this.emit(false)
  }

  private emit(includeSelf: boolean): JsonObject {
    const out: JsonObject = {}
    if (includeSelf && (this.members.size > 0 || this.children.size > 0)) out['.'] = {}
    const entries: [string, PathElement][] = [...this.members]
    for (const [k, c] of this.children) if (!this.members.has(k)) entries.push([k, c.element])
    entries.sort(byElement)
    for (const [k] of entries) {
      const child = this.children.get(k)
      out[k] = child ? child.set.emit(this.members.has(k)) : {}
    }
    return out
  }

  static fromFieldsV1(fields: JsonValue | undefined): FieldSet {
    const set = new FieldSet()
    if (fields === undefined || fields === null) return set
    if (!isJsonObject(fields)) throw new Error('FieldsV1 must be a JSON object')
    set.read(fields)
    set.source = fields
    return set
  }

  /** Reads the entries of one FieldsV1 level into this node. */
  private read(fields: JsonObject): void {
    for (const [key, sub] of Object.entries(fields)) {
      if (key === '.') continue
      const pe = parseElement(key)
      // Field keys are canonical as written; keys and values are re-serialized to compare equal.
      const id = 'field' in pe ? key : serializeElement(pe)
      if (!isJsonObject(sub)) throw new Error(`FieldsV1 entry ${key} must be an object`)
      let children = false
      let self = false
      for (const k in sub) {
        if (k === '.') self = true
        else children = true
      }
      if (!children || self) this.members.set(id, pe)
      if (children) {
        const child = new FieldSet()
        child.read(sub)
        if (!child.isEmpty()) this.children.set(id, { element: pe, set: child })
      }
    }
  }
}

function byElement(a: [string, PathElement], b: [string, PathElement]): number {
  const x = a[1]
  const y = b[1]
  if ('field' in x && 'field' in y) return x.field < y.field ? -1 : x.field > y.field ? 1 : 0
  return compareElements(x, y)
}

function sorted(elements: Iterable<PathElement>): PathElement[] {
  return [...elements].sort(compareElements)
}

function sortedChildren(children: Iterable<Child>): Child[] {
  return [...children].sort((a, b) => compareElements(a.element, b.element))
}

/**
 * Where a walker is in the value it walks, for adding members to sets being
 * built: levels of the sets are created only when a member is added below
 * them, so the sets never hold empty levels, and adding costs no walk from
 * the root.
 */
export class PathCursor {
  private readonly sets: (FieldSet | undefined)[]
  private readonly parent: PathCursor | undefined
  private readonly element: PathElement | undefined

  private constructor(sets: (FieldSet | undefined)[], parent: PathCursor | undefined, element: PathElement | undefined) {
    this.sets = sets
    this.parent = parent
    this.element = element
  }

  /** The root of `sets`. */
  static at(...sets: FieldSet[]): PathCursor {
    return new PathCursor(sets, undefined, undefined)
  }

  child(pe: PathElement): PathCursor {
    return new PathCursor(new Array(this.sets.length), this, pe)
  }

  /** Adds the cursor's own path to set `which` (the root is never added). */
  add(which = 0): void {
    if (this.parent && this.element) this.parent.level(which).addMember(this.element)
  }

  private level(which: number): FieldSet {
    let set = this.sets[which]
    if (!set) {
      set = this.parent!.level(which).descend(this.element!)
      this.sets[which] = set
    }
    return set
  }

  /** The path from the root, for messages. */
  path(): PathElement[] {
    const out: PathElement[] = []
    for (let c: PathCursor | undefined = this; c?.element; c = c.parent) out.push(c.element)
    return out.reverse()
  }
}
