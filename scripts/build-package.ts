// `npm pack` (prepack) and `npm run build`: the JavaScript and type
// declarations the packed package ships in dist/. Node strips types only
// outside node_modules, so an installed kubeling must run built JavaScript;
// development keeps running the .ts sources. dist/ mirrors the source tree,
// so every `new URL('…', import.meta.url)` finds its file at the same place.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
/** The package's entry point; only the declarations it reaches are shipped. */
const apiDeclarations = join(dist, 'bin', 'launcher', 'index.d.ts')
/** Files the built code reads at run time through import.meta.url, relative to root. */
const assets = ['apiserver/openapi/generated/definitions.json']

/** The relative specifiers a declaration file imports (`from './x.ts'`, `import('./x.ts')`). */
export function relativeImports(text: string): string[] {
  const found: string[] = []
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g)) found.push(m[2])
  return found
}

/** tsc keeps `.ts` in declaration imports; installed packages resolve `.js`, so point them there. */
export function rewriteDeclarationImports(text: string): string {
  return text.replace(/((?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])\.{1,2}\/[^'"]+?)\.ts\2/g, '$1.js$2')
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* walk(path)
    else yield path
  }
}

function compile(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed (exit ${result.status ?? result.signal})`)
}

/** Keeps the declarations the API entry reaches (with `.js` imports) and deletes the rest. */
function pruneDeclarations(): number {
  const keep = new Set<string>()
  const queue = [apiDeclarations]
  while (queue.length > 0) {
    const file = queue.pop()!
    if (keep.has(file)) continue
    if (!existsSync(file)) throw new Error(`declaration ${relative(root, file)} is missing`)
    keep.add(file)
    const text = readFileSync(file, 'utf8')
    for (const specifier of relativeImports(text)) queue.push(resolve(dirname(file), specifier.replace(/\.(ts|js)$/, '.d.ts')))
    writeFileSync(file, rewriteDeclarationImports(text))
  }
  for (const file of walk(dist)) if (file.endsWith('.d.ts') && !keep.has(file)) rmSync(file)
  return keep.size
}

function main(): void {
  const started = Date.now()
  rmSync(dist, { recursive: true, force: true })
  compile()
  const declarations = pruneDeclarations()
  for (const asset of assets) {
    mkdirSync(dirname(join(dist, asset)), { recursive: true })
    copyFileSync(join(root, asset), join(dist, asset))
  }
  // apiserver/version.ts and shared/client/client.ts read ../package.json
  // relative to themselves, which in dist/ is this file; it also keeps dist/
  // an ES module scope. tsc copied the whole package.json; the version is all they need.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string }
  writeFileSync(join(dist, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', private: true }, null, 2)}\n`)
  let files = 0
  for (const _ of walk(dist)) files++
  process.stdout.write(`built dist/: ${files} files (${declarations} declaration files) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main()
