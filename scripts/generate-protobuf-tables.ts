// Writes apiserver/protobuf/generated/messages.ts: the field tables the
// protobuf request-body decoder walks. The field numbers, types and map
// shapes are facts of the upstream API, so they are read here from upstream's
// own files, never typed by hand:
//   - k8s.io/api `<group>/<version>/generated.proto` and apimachinery's
//     `pkg/{runtime,apis/meta/v1,api/resource,util/intstr}/generated.proto`
//     give every message, field number, scalar/message type, repeated, map;
//   - the Go structs beside them (`types.go`, ...) give what protobuf does not
//     say but the JSON path needs: the JSON name, omitempty/omitzero, inline
//     embedding, whether the Go field is a pointer, whether a message is a
//     top-level kind (embeds TypeMeta) or a named slice (`type ExtraValue []string`);
//   - `register.go` gives each package's API group.
//
// Usage (a checkout or a bare git dir of each repository; --ref reads that tag
// or commit through `git show`, without it a work tree is read from disk and a
// bare repository at HEAD):
//
//   node scripts/generate-protobuf-tables.ts \
//     --api /path/to/kubernetes/api --apimachinery /path/to/kubernetes/apimachinery \
//     [--ref v0.35.7] [--out apiserver/protobuf/generated/messages.ts]
//
// Which packages: every group-version the registry serves, plus
// authentication.k8s.io/v1 (SelfSubjectReview, TokenRequest) and autoscaling/v1
// (Scale), plus whatever their messages reference.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { builtinResources } from '../apiserver/registry/resources/index.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const extraGroupVersions = ['authentication.k8s.io/v1', 'autoscaling/v1']
/** apimachinery packages included whole: the envelope, options kinds and the special types. */
const apimachineryPackages = ['pkg/runtime', 'pkg/apis/meta/v1', 'pkg/api/resource', 'pkg/util/intstr']
const scalarTypes = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'double', 'float'])

// ---- reading a repository at a ref -------------------------------------

interface Source {
  /** `k8s.io/api` or `k8s.io/apimachinery`: the Go module the files belong to. */
  module: string
  describe: string
  read(path: string): string | undefined
  /** Names of the files directly in `dir` ('' for the top). */
  files(dir: string): string[]
  /** Names of the directories directly in `dir`. */
  dirs(dir: string): string[]
}

function openSource(module: string, path: string, ref: string | undefined): Source {
  const bare = !existsSync(join(path, '.git')) && existsSync(join(path, 'objects')) && existsSync(join(path, 'HEAD'))
  if (ref === undefined && !bare) {
    return {
      module,
      describe: `${module} ${describeWorkTree(path)}`,
      read: (p) => (existsSync(join(path, p)) ? readFileSync(join(path, p), 'utf8') : undefined),
      files: (d) => entries(join(path, d)).filter((f) => statSync(join(path, d, f)).isFile()),
      dirs: (d) => entries(join(path, d)).filter((f) => !f.startsWith('.') && statSync(join(path, d, f)).isDirectory()),
    }
  }
  const rev = ref ?? 'HEAD'
  const git = (...args: string[]) => execFileSync('git', ['--git-dir', bare ? path : join(path, '.git'), ...args], { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] })
  const commit = git('rev-parse', `${rev}^{commit}`).trim()
  return {
    module,
    describe: `${module} ${rev} (${commit})`,
    read: (p) => {
      try {
        return git('show', `${commit}:${p}`)
      } catch {
        return undefined
      }
    },
    files: (d) => tree(d, 'blob'),
    dirs: (d) => tree(d, 'tree').filter((f) => !f.startsWith('.')),
  }
  function tree(dir: string, kind: 'blob' | 'tree'): string[] {
    let listing: string
    try {
      listing = git('ls-tree', `${commit}:${dir}`)
    } catch {
      return []
    }
    // Lines are "<mode> <kind> <object>\t<name>".
    return listing.split('\n').filter(Boolean).map((l) => l.split('\t')).filter(([meta]) => meta.split(' ')[1] === kind).map(([, name]) => name)
  }
}

/** A work tree's tag or commit when it is a git checkout; a copy without git history says so. */
function describeWorkTree(path: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', ['-C', path, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
    return `${git('describe', '--tags', '--always', '--dirty')} (${git('rev-parse', 'HEAD')}, work tree)`
  } catch {
    return 'work tree without git history'
  }
}

function entries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : []
}

// ---- generated.proto ------------------------------------------------------

interface ProtoField {
  name: string
  number: number
  /** Scalar name, or a message's full proto name. */
  type: string
  repeated: boolean
  map?: { key: string; value: string }
}

interface ProtoFile {
  pkg: string
  goPackage: string
  imports: string[]
  messages: Map<string, ProtoField[]>
}

function parseProto(text: string, where: string): ProtoFile {
  const src = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '')
  const pkg = /\bpackage\s+([\w.]+)\s*;/.exec(src)?.[1]
  const goPackage = /option\s+go_package\s*=\s*"([^"]+)"/.exec(src)?.[1]
  if (!pkg || !goPackage) throw new Error(`${where}: no package or go_package`)
  const imports = [...src.matchAll(/\bimport\s+"([^"]+)"\s*;/g)].map((m) => m[1])
  const messages = new Map<string, ProtoField[]>()
  const messageRe = /\bmessage\s+(\w+)\s*\{/g
  for (let m = messageRe.exec(src); m; m = messageRe.exec(src)) {
    const start = m.index + m[0].length
    const end = src.indexOf('}', start)
    const body = src.slice(start, end)
    if (/\b(message|enum|oneof)\s+\w+\s*\{/.test(body)) throw new Error(`${where}: ${m[1]} nests a message, enum or oneof; the generator does not handle that`)
    const fields: ProtoField[] = []
    for (const decl of body.split(';').map((s) => s.trim()).filter(Boolean)) {
      const map = /^map\s*<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)$/.exec(decl)
      if (map) {
        fields.push({ name: map[3], number: Number(map[4]), type: 'map', repeated: false, map: { key: map[1], value: resolveType(map[2], pkg) } })
        continue
      }
      const field = /^(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)(\s*\[[^\]]*\])?$/.exec(decl)
      if (!field) throw new Error(`${where}: cannot read field "${decl}" in ${m[1]}`)
      fields.push({ name: field[3], number: Number(field[4]), type: resolveType(field[2], pkg), repeated: field[1] === 'repeated' })
    }
    messages.set(`${pkg}.${m[1]}`, fields)
    messageRe.lastIndex = end
  }
  return { pkg, goPackage, imports, messages }
}

function resolveType(type: string, pkg: string): string {
  if (scalarTypes.has(type)) return type
  if (type.startsWith('.')) return type.slice(1)
  if (type.includes('.')) return type
  return `${pkg}.${type}`
}

// ---- Go structs -------------------------------------------------------------

interface GoField {
  goName: string
  embedded: boolean
  pointer: boolean
  json: string | undefined
  omitempty: boolean
  omitzero: boolean
  /** The protobuf field number, when the field is serialised. */
  number: number | undefined
}

interface GoPackage {
  structs: Map<string, GoField[]>
  /** `type X []T`: messages that wrap a Go slice in `{ items }`. */
  namedSlices: Set<string>
}

function parseGoPackage(source: Source, dir: string): GoPackage {
  const structs = new Map<string, GoField[]>()
  const namedSlices = new Set<string>()
  const files = source.files(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_generated') && !f.startsWith('generated.') && !f.endsWith('_swagger_doc_generated.go'))
  for (const file of files) {
    const text = source.read(`${dir}/${file}`) ?? ''
    for (const m of text.matchAll(/^type\s+(\w+)\s+\[\]\S+/gm)) namedSlices.add(m[1])
    const lines = text.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const head = /^type\s+(\w+)\s+struct\s*\{\s*$/.exec(lines[i])
      if (!head) continue
      const fields: GoField[] = []
      let depth = 1
      for (i++; i < lines.length && depth > 0; i++) {
        const line = lines[i].trim()
        if (line === '}' && depth === 1) break
        if (line.startsWith('//') || line === '') continue
        if (line.endsWith('{')) depth++
        if (line.startsWith('}')) depth--
        if (depth !== 1) continue
        const field = parseGoField(line)
        if (field) fields.push(field)
      }
      structs.set(head[1], fields)
    }
  }
  return { structs, namedSlices }
}

function parseGoField(line: string): GoField | undefined {
  const tick = line.indexOf('`')
  const decl = (tick < 0 ? line : line.slice(0, tick)).trim()
  const tags = tick < 0 ? '' : line.slice(tick + 1, line.lastIndexOf('`'))
  const parts = decl.split(/\s+/)
  if (parts.length === 0 || parts[0] === '') return undefined
  const embedded = parts.length === 1
  const goType = embedded ? parts[0] : parts.slice(1).join(' ')
  const goName = embedded ? goType.replace(/^\*/, '').replace(/^.*\./, '') : parts[0]
  const json = /(?:^|\s)json:"([^"]*)"/.exec(tags)?.[1]
  const protobuf = /(?:^|\s)protobuf:"([^"]*)"/.exec(tags)?.[1]
  const jsonParts = json?.split(',') ?? []
  const number = protobuf && protobuf !== '-' ? Number(protobuf.split(',')[1]) : undefined
  return {
    goName,
    embedded,
    pointer: goType.startsWith('*'),
    json: json === undefined ? undefined : jsonParts[0],
    omitempty: jsonParts.includes('omitempty'),
    omitzero: jsonParts.includes('omitzero'),
    number: Number.isFinite(number) ? number : undefined,
  }
}

// ---- assembling the tables ---------------------------------------------

interface PackageInfo {
  /** Short id: the Go import path less `k8s.io/api/` or `k8s.io/apimachinery/pkg/`. */
  id: string
  source: Source
  proto: ProtoFile
  go: GoPackage
}

type FieldRow = [number, string, string, string, string?]

function main(): void {
  const { values } = parseArgs({
    options: {
      api: { type: 'string' },
      apimachinery: { type: 'string' },
      ref: { type: 'string' },
      out: { type: 'string', default: join(root, 'apiserver', 'protobuf', 'generated', 'messages.ts') },
    },
  })
  if (!values.api || !values.apimachinery) {
    console.error('usage: node scripts/generate-protobuf-tables.ts --api <kubernetes/api checkout or git dir> --apimachinery <kubernetes/apimachinery checkout or git dir> [--ref v0.35.7] [--out file]')
    process.exit(2)
  }
  const api = openSource('k8s.io/api', values.api, values.ref)
  const machinery = openSource('k8s.io/apimachinery', values.apimachinery, values.ref)

  const packages = new Map<string, PackageInfo>() // by proto package name
  const byGoPackage = new Map<string, PackageInfo>()
  const load = (source: Source, dir: string): PackageInfo => {
    const goPath = `${source.module}/${dir}`
    const known = byGoPackage.get(goPath)
    if (known) return known
    const text = source.read(`${dir}/generated.proto`)
    if (text === undefined) throw new Error(`${source.describe}: no ${dir}/generated.proto`)
    const proto = parseProto(text, `${goPath}/generated.proto`)
    const id = proto.goPackage.replace(/^k8s\.io\/api\//, '').replace(/^k8s\.io\/apimachinery\/pkg\//, '')
    const info: PackageInfo = { id, source, proto, go: parseGoPackage(source, dir) }
    packages.set(proto.pkg, info)
    byGoPackage.set(goPath, info)
    for (const imp of proto.imports) {
      const m = /^(k8s\.io\/api|k8s\.io\/apimachinery)\/(.+)\/generated\.proto$/.exec(imp)
      if (!m) throw new Error(`${goPath}: cannot resolve import ${imp}`)
      load(m[1] === 'k8s.io/api' ? api : machinery, m[2])
    }
    return info
  }

  // Group-versions served: group name → package dir, from each register.go.
  const wanted = [...new Set([...builtinResources.map((r) => (r.group ? `${r.group}/${r.version}` : r.version)), ...extraGroupVersions])].sort()
  const groupDirs = new Map<string, string>()
  for (const top of api.dirs('')) {
    for (const version of api.dirs(top)) {
      const register = api.read(`${top}/${version}/register.go`)
      const group = register && /\bconst\s+GroupName\s*=\s*"([^"]*)"/.exec(register)?.[1]
      if (group === undefined || group === null) continue
      groupDirs.set(group ? `${group}/${version}` : version, `${top}/${version}`)
    }
  }
  const groupVersions: Record<string, string> = {}
  for (const gv of wanted) {
    const dir = groupDirs.get(gv)
    if (!dir) throw new Error(`${api.describe}: no package serves ${gv}`)
    groupVersions[gv] = load(api, dir).id
  }
  for (const dir of apimachineryPackages) load(machinery, dir)
  groupVersions['meta.k8s.io/v1'] = load(machinery, 'pkg/apis/meta/v1').id

  // Every message of a served or apimachinery package, and whatever those reference.
  const roots = [...packages.values()].filter((p) => Object.values(groupVersions).includes(p.id) || p.source === machinery)
  const queue = roots.flatMap((p) => [...p.proto.messages.keys()])
  const included = new Set<string>()
  while (queue.length) {
    const name = queue.pop()!
    if (included.has(name)) continue
    included.add(name)
    const { fields } = findMessage(packages, name)
    for (const f of fields) {
      const type = f.map ? f.map.value : f.type
      if (!scalarTypes.has(type)) queue.push(type)
    }
  }

  const shortName = (full: string): string => {
    if (scalarTypes.has(full)) return full
    const { pkg } = findMessage(packages, full)
    return `${pkg.id}.${full.slice(pkg.proto.pkg.length + 1)}`
  }
  const rows: string[] = []
  const warnings: string[] = []
  const names = [...included].sort((a, b) => shortName(a).localeCompare(shortName(b)))
  for (const full of names) {
    const { pkg, fields } = findMessage(packages, full)
    const msg = full.slice(pkg.proto.pkg.length + 1)
    const goStruct = pkg.go.structs.get(msg)
    const byNumber = new Map(fields.map((f) => [f.number, f]))
    const ordered: { proto: ProtoField; go: GoField | undefined }[] = []
    for (const g of goStruct ?? []) {
      if (g.number === undefined) continue
      const proto = byNumber.get(g.number)
      if (!proto) throw new Error(`${pkg.id}.${msg}: Go field ${g.goName} has protobuf number ${g.number}, which generated.proto lacks`)
      ordered.push({ proto, go: g })
      byNumber.delete(g.number)
    }
    for (const proto of byNumber.values()) {
      // Types with their own marshalling (Time, Quantity) tag no Go field at all.
      if (goStruct?.some((g) => g.number !== undefined)) warnings.push(`${pkg.id}.${msg}.${proto.name} (${proto.number}) has no Go field`)
      ordered.push({ proto, go: undefined })
    }
    const fieldRows = ordered.map(({ proto, go }): FieldRow => {
      const json = go ? (go.json === undefined ? go.goName : go.json) : proto.name
      let flags = ''
      if (proto.repeated) flags += 'r'
      if (go?.pointer) flags += 'p'
      if (go?.omitempty) flags += 'o'
      if (go?.omitzero) flags += 'z'
      if (go?.embedded && json === '') flags += 'i'
      if (json === '-') flags += '-'
      const type = proto.map ? `map<${shortName(proto.map.key)},${shortName(proto.map.value)}>` : shortName(proto.type)
      const row: FieldRow = [proto.number, json === '-' ? proto.name : json, type, flags]
      if (row[1] !== proto.name) row.push(proto.name)
      return row
    })
    const isKind = (goStruct ?? []).some((g) => g.embedded && g.goName === 'TypeMeta' && g.json === '' && g.number === undefined)
    const shape = isKind ? ', kind: true' : pkg.go.namedSlices.has(msg) ? ', list: true' : ''
    rows.push(`  '${pkg.id}.${msg}': { fields: [${fieldRows.map((r) => JSON.stringify(r).replaceAll('"', "'")).join(', ')}]${shape} },`)
  }

  const out = [
    '// Generated by scripts/generate-protobuf-tables.ts; do not edit. Re-run the script instead.',
    `// From ${api.describe}`,
    `// and ${machinery.describe}.`,
    '//',
    '// A field row is [number, JSON name, type, flags, proto name when it differs from the JSON name].',
    '// type: a protobuf scalar, a message (`<package>.<Message>`) or `map<key,value>`.',
    "// flags: r repeated, p Go pointer, o omitempty, z omitzero, i inline (embedded, json:\",inline\"), - json:\"-\".",
    "import type { MessageTable } from '../message-table.ts'",
    '',
    '/** API group/version → package id of its messages. */',
    `export const groupVersions: Record<string, string> = ${JSON.stringify(groupVersions, null, 2).replaceAll('"', "'")}`,
    '',
    'export const messages: Record<string, MessageTable> = {',
    ...rows,
    '}',
    '',
  ].join('\n')
  writeFileSync(values.out!, out)
  for (const w of warnings) console.warn(`warning: ${w}`)
  console.log(`wrote ${relative(process.cwd(), values.out!)}: ${names.length} messages from ${Object.keys(groupVersions).length} group-versions`)
}

function findMessage(packages: Map<string, PackageInfo>, full: string): { pkg: PackageInfo; fields: ProtoField[] } {
  let best: PackageInfo | undefined
  for (const [name, info] of packages) {
    if (full.startsWith(`${name}.`) && (!best || name.length > best.proto.pkg.length)) best = info
  }
  const fields = best?.proto.messages.get(full)
  if (!best || !fields) throw new Error(`message ${full} is in no loaded generated.proto`)
  return { pkg: best, fields }
}

main()
