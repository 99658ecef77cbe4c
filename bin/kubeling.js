#!/usr/bin/env node
// `npx kubeling`: the package's bin, plain JavaScript so any Node can start it.
// In the repository it runs the .ts sources (bin/kubeling.ts), never a stale
// dist/; installed under node_modules, where Node strips no types, it runs the
// JavaScript built at pack time (dist/bin/kubeling.js). A Node older than the
// project's (e.g. the machine's own) hands over to the pinned one in
// node_modules/node, as bin/kubectl-tree does.
import { spawn } from 'node:child_process'
import { existsSync, realpathSync } from 'node:fs'
import { constants } from 'node:os'
import { dirname, join, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const minimumMajor = 24
const here = dirname(realpathSync(fileURLToPath(import.meta.url)))
const root = dirname(here)
const source = join(here, 'kubeling.ts')
const built = join(root, 'dist', 'bin', 'kubeling.js')
const underNodeModules = here.split(sep).includes('node_modules')
const entry = existsSync(source) && !underNodeModules ? source : built

const fail = (message) => {
  process.stderr.write(`kubeling: ${message}\n`)
  process.exit(1)
}

if (!existsSync(entry)) fail(`${entry} is missing; run npm run build (npm pack does it) or reinstall the package`)

if (Number(process.versions.node.split('.')[0]) >= minimumMajor) {
  await import(pathToFileURL(entry).href)
} else {
  const pinned = [join(root, 'node_modules', 'node', 'bin', 'node'), join(root, 'node_modules', '.bin', 'node')].find((p) => existsSync(p))
  if (!pinned) fail(`needs Node >= ${minimumMajor}; this is ${process.version} (in the repository, npm install brings the pinned one)`)
  const child = spawn(pinned, [entry, ...process.argv.slice(2)], { stdio: 'inherit' })
  // Ctrl-C reaches the child from the terminal already (same process group);
  // passing SIGINT on too would make the launcher see it twice. A SIGTERM or
  // SIGHUP aimed at this process alone is passed on.
  process.on('SIGINT', () => {})
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)))
}
