// The shape of the generated field tables (generated/messages.ts) and their
// compiled form, which the decoder walks. The tables are derived from
// upstream's generated.proto files and Go structs by
// scripts/generate-protobuf-tables.ts, never written by hand.
import { groupVersions, messages } from './generated/messages.ts'

/**
 * One field as generated: [number, JSON name, type, flags, proto name when it
 * differs from the JSON name]. type is a protobuf scalar, a message
 * (`<package>.<Message>`) or `map<key,value>`; flags hold r (repeated),
 * p (Go pointer), o (omitempty), z (omitzero), i (inline), - (json:"-").
 */
export type FieldRow = readonly [number: number, json: string, type: string, flags: string, protoName?: string]

export interface MessageTable {
  fields: readonly FieldRow[]
  /** A top-level kind: its Go struct embeds TypeMeta. */
  kind?: boolean
  /** A Go named slice (`type ExtraValue []string`), wrapped as `{ items }` on the wire. */
  list?: boolean
}

export interface Field {
  number: number
  /** The JSON name; '' for an inline (embedded) struct. */
  json: string
  protoName: string
  /** A scalar (`string`, `int64`, ...) or a message name; for a map, 'map'. */
  type: string
  map?: { key: string; value: string }
  repeated: boolean
  /** The Go field is a pointer: absent means nil, present means set, even to a zero value. */
  pointer: boolean
  omitempty: boolean
  omitzero: boolean
  inline: boolean
  /** json:"-": decoded but never part of the JSON object. */
  hidden: boolean
}

export interface Message {
  name: string
  /** In Go declaration order, which is the order of the JSON object's keys. */
  fields: Field[]
  byNumber: Map<number, Field>
  kind: boolean
  list: boolean
}

const compiled = new Map<string, Message>()

/** The compiled table of a message, or undefined when the tables do not have it. */
export function findMessage(name: string): Message | undefined {
  const known = compiled.get(name)
  if (known) return known
  const table = Object.hasOwn(messages, name) ? messages[name] : undefined
  if (!table) return undefined
  const fields = table.fields.map(compileField)
  const message: Message = { name, fields, byNumber: new Map(fields.map((f) => [f.number, f])), kind: table.kind === true, list: table.list === true }
  compiled.set(name, message)
  return message
}

export function messageOf(name: string): Message {
  const message = findMessage(name)
  if (!message) throw new Error(`no protobuf table for message ${name}`)
  return message
}

/**
 * The message of a top-level kind sent under an apiVersion, as upstream's
 * scheme would create it. meta.k8s.io/v1 kinds (DeleteOptions, ...) are
 * registered into every group-version, so they are found under any of them.
 */
export function findKind(apiVersion: string, kind: string): Message | undefined {
  const pkg = Object.hasOwn(groupVersions, apiVersion) ? groupVersions[apiVersion] : undefined
  const candidates = pkg ? [`${pkg}.${kind}`, `${groupVersions['meta.k8s.io/v1']}.${kind}`] : []
  for (const name of candidates) {
    const message = findMessage(name)
    if (message?.kind) return message
  }
  return undefined
}

function compileField([number, json, type, flags, protoName]: FieldRow): Field {
  const map = /^map<([^,]+),(.+)>$/.exec(type)
  return {
    number,
    json,
    protoName: protoName ?? json,
    type: map ? 'map' : type,
    map: map ? { key: map[1], value: map[2] } : undefined,
    repeated: flags.includes('r'),
    pointer: flags.includes('p'),
    omitempty: flags.includes('o'),
    omitzero: flags.includes('z'),
    inline: flags.includes('i'),
    hidden: flags.includes('-'),
  }
}
