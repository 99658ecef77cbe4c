// RFC 6902 JSON Patch (`application/json-patch+json`), as kube-apiserver
// applies it with evanphx/json-patch v4. Where that library departs from the
// RFC in ways a client can observe, we follow the library:
// - `replace` of a missing object member adds it instead of failing;
// - negative array indexes count from the end (`-1` is the last item);
// - a `test` of a missing member passes when the expected value is null.
// Error messages keep the library's wording; the handler answers 422 for them.
import { goJsonKind } from './go-format.ts'
import { deleteMember, getMember, isJsonObject, jsonEqual, setMember, type JsonObject, type JsonValue } from './json-value.ts'
import { PatchError } from './patch-error.ts'

/** kube-apiserver refuses longer patches with 413 (maxJSONPatchOperations). */
export const maxJsonPatchOperations = 10_000

/** One RFC 6902 operation; `op` decides which of the other members count. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test'
  path: string
  from?: string
  value?: JsonValue
}

/**
 * Applies `operations` (the decoded request body) to a copy of `doc`, in
 * order, all or nothing. Neither argument is mutated and the result shares
 * no objects with them.
 * @throws PatchError BadRequest if `operations` is not an array of objects,
 *   RequestEntityTooLarge past 10000 operations, Invalid if an operation fails.
 */
export function applyJsonPatch(doc: JsonValue, operations: unknown): JsonValue {
  let root = structuredClone(doc)
  for (const op of decodeOperations(operations)) root = applyOperation(root, op)
  return root
}

function decodeOperations(operations: unknown): (JsonObject | null)[] {
  // encoding/json decodes a `null` body into an empty patch.
  if (operations === null) return []
  if (!Array.isArray(operations)) {
    throw PatchError.badRequest(`json: cannot unmarshal ${goJsonKind(operations)} into Go value of type jsonpatch.Patch`)
  }
  for (const op of operations) {
    if (op !== null && !isJsonObject(op)) {
      throw PatchError.badRequest(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`)
    }
  }
  if (operations.length > maxJsonPatchOperations) {
    throw PatchError.tooLarge(`The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${operations.length}`)
  }
  return operations as (JsonObject | null)[]
}

type Container = JsonObject | JsonValue[]

/** Where a path points: the container holding the target and the target's key there. */
interface Location {
  container: Container
  key: string
}

function applyOperation(root: JsonValue, op: JsonObject | null): JsonValue {
  const kind = typeof op?.op === 'string' ? op.op : 'unknown'
  if (op === null || !['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(kind)) {
    throw PatchError.invalid(`Unexpected kind: ${kind}`)
  }
  const path = pointerMember(op, 'path', kind)
  const value = Object.hasOwn(op, 'value') ? structuredClone(op.value) : null
  switch (kind) {
    case 'add':
      insert(locateOrFail(root, path, `add operation does not apply: doc is missing path: "${path}"`), value, path)
      return root
    case 'remove':
      remove(locateOrFail(root, path, `remove operation does not apply: doc is missing path: "${path}"`), path)
      return root
    case 'replace':
      return replace(root, path, value)
    case 'move': {
      const from = pointerMember(op, 'from', kind)
      const source = locateOrFail(root, from, `move operation does not apply: doc is missing from path: ${from}`)
      const moved = read(source, `error in move for path: '${source.key}'`)
      remove(source, source.key)
      insert(locateOrFail(root, path, `move operation does not apply: doc is missing destination path: ${path}`), moved ?? null, path)
      return root
    }
    case 'copy': {
      const from = pointerMember(op, 'from', kind)
      const source = locateOrFail(root, from, `copy operation does not apply: doc is missing from path: ${from}`)
      const copied = read(source, `error in copy for from: '${from}'`)
      if (copied === undefined) throw PatchError.invalid(`copy operation does not apply: doc is missing from path: ${from}`)
      insert(locateOrFail(root, path, `copy operation does not apply: doc is missing destination path: ${path}`), structuredClone(copied), path)
      return root
    }
    default:
      test(root, path, Object.hasOwn(op, 'value') ? value : undefined)
      return root
  }
}

function pointerMember(op: JsonObject, member: 'path' | 'from', kind: string): string {
  const pointer = getMember(op, member)
  if (typeof pointer !== 'string') throw PatchError.invalid(`${kind} operation failed to decode ${member}: missing value`)
  return pointer
}

/** Resolves every token but the last; undefined when a step is missing or not a container. */
function locate(root: JsonValue, pointer: string): Location | undefined {
  if (!pointer.startsWith('/')) return undefined
  const tokens = pointer.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'))
  const key = tokens.pop() as string
  let node: JsonValue | undefined = root
  for (const token of tokens) {
    if (node === null || typeof node !== 'object') return undefined
    node = Array.isArray(node) ? node[arrayIndex(token, node.length) ?? -1] : getMember(node, token)
  }
  if (node === null || node === undefined || typeof node !== 'object') return undefined
  return { container: node, key }
}

function locateOrFail(root: JsonValue, pointer: string, message: string): Location {
  const location = locate(root, pointer)
  if (!location) throw PatchError.invalid(message)
  return location
}

/** An existing item's index: Go's Atoi syntax, negative counts from the end. */
function arrayIndex(token: string, length: number): number | undefined {
  if (!/^[+-]?\d+$/.test(token)) return undefined
  let index = Number(token)
  if (index < 0) index += length
  return index >= 0 && index < length ? index : undefined
}

function indexOrFail(token: string, length: number, context: string): number {
  if (!/^[+-]?\d+$/.test(token)) throw PatchError.invalid(`${context}: strconv.Atoi: parsing ${JSON.stringify(token)}: invalid syntax`)
  const index = arrayIndex(token, length)
  if (index === undefined) throw PatchError.invalid(`${context}: Unable to access invalid index: ${Number(token)}: invalid index referenced`)
  return index
}

function read({ container, key }: Location, context: string): JsonValue | undefined {
  if (!Array.isArray(container)) return getMember(container, key)
  return container[indexOrFail(key, container.length, context)]
}

function insert({ container, key }: Location, value: JsonValue, path: string): void {
  if (!Array.isArray(container)) return setMember(container, key, value)
  if (key === '-') {
    container.push(value)
    return
  }
  const context = `error in add for path: '${path}'`
  if (!/^[+-]?\d+$/.test(key)) throw PatchError.invalid(`${context}: value was not a proper array index: '${key}': strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`)
  // Inserting may target one past the end, so the valid range is length + 1 wide.
  container.splice(indexOrFail(key, container.length + 1, context), 0, value)
}

function remove({ container, key }: Location, path: string): void {
  const context = `error in remove for path: '${path}'`
  if (Array.isArray(container)) {
    container.splice(indexOrFail(key, container.length, context), 1)
  } else if (Object.hasOwn(container, key)) {
    deleteMember(container, key)
  } else {
    throw PatchError.invalid(`${context}: Unable to remove nonexistent key: ${key}: missing value`)
  }
}

function replace(root: JsonValue, path: string, value: JsonValue): JsonValue {
  if (path === '') {
    if (value === null || typeof value !== 'object') throw PatchError.invalid('replace operation value must be object or array')
    return value
  }
  const { container, key } = locateOrFail(root, path, `replace operation does not apply: doc is missing path: ${path}`)
  if (!Array.isArray(container)) {
    setMember(container, key, value)
    return root
  }
  const index = arrayIndex(key, container.length)
  if (index === undefined) throw PatchError.invalid(`replace operation does not apply: doc is missing key: ${path}: missing value`)
  container[index] = value
  return root
}

/** `expected` is undefined when the operation has no `value` member. */
function test(root: JsonValue, path: string, expected: JsonValue | undefined): void {
  const failed = PatchError.invalid(`testing value ${path} failed: test failed`)
  if (path === '') {
    if (expected === undefined || !jsonEqual(root, expected)) throw failed
    return
  }
  const location = locateOrFail(root, path, `test operation does not apply: is missing path: ${path}`)
  const actual = read(location, `error in test for path: '${path}'`)
  if (actual === undefined || actual === null) {
    if (expected !== undefined && expected !== null) throw failed
    return
  }
  if (expected === undefined || !jsonEqual(actual, expected)) throw failed
}
