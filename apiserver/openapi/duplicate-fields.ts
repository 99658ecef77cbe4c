// Duplicate keys in a JSON text. JSON.parse keeps the last of two equal keys
// without a word; upstream's strict decoder reports each as
// `duplicate field "spec.replicas"`. A single forward scan, run only when
// fieldValidation is Strict or Warn.

interface Frame {
  array: boolean
  path: string
  keys?: Set<string>
  key?: string
  index: number
  expectKey: boolean
}

/** The paths of duplicate keys, in document order (`metadata.name`, `spec.containers[0].image`). */
export function duplicateFields(text: string): string[] {
  const found: string[] = []
  const stack: Frame[] = []
  const n = text.length
  let i = 0
  while (i < n) {
    const c = text.charCodeAt(i)
    const top = stack[stack.length - 1]
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const path = top ? childPath(top) : ''
      stack.push(c === 0x7b ? { array: false, path, keys: new Set(), index: 0, expectKey: true } : { array: true, path, index: 0, expectKey: false })
      i++
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop()
      i++
    } else if (c === 0x2c /* , */) {
      if (top) {
        if (top.array) top.index++
        else top.expectKey = true
      }
      i++
    } else if (c === 0x22 /* " */) {
      let j = i + 1
      let escaped = false
      while (j < n) {
        const d = text.charCodeAt(j)
        if (d === 0x5c /* \ */) {
          escaped = true
          j += 2
          continue
        }
        if (d === 0x22) break
        j++
      }
      if (top && !top.array && top.expectKey) {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j)
        if (top.keys!.has(key)) found.push(top.path ? `${top.path}.${key}` : key)
        else top.keys!.add(key)
        top.key = key
        top.expectKey = false
      }
      i = j + 1
    } else {
      i++
    }
  }
  return found
}

function childPath(frame: Frame): string {
  if (frame.array) return `${frame.path}[${frame.index}]`
  return frame.path ? `${frame.path}.${frame.key}` : frame.key!
}
