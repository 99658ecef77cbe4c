// Acceptance of the launcher as a newcomer meets it (issue 9): `npm start --
// --fresh --nodes 3` in the background on the default port 8080; real kubectl
// (both versions) with no kubeconfig at all runs part of the walkthrough
// (scripts/walkthrough/steps.ts); SIGTERM to npm leaves no component process
// behind; a second `npm start` on the same data dir finds the objects again.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Session } from '../../scripts/walkthrough/session.ts'
import { createPod, deploymentChain, job, nodePortService, runSteps, scalingAndRollout, theCluster } from '../../scripts/walkthrough/steps.ts'
import { repoRoot } from '../support/component-process.ts'
import { kubectlVersions } from '../support/kubectl.ts'
import { waitFor } from '../support/wait-for.ts'

const serverUrl = 'http://127.0.0.1:8080'

/** npm's own CLI run by the pinned Node, as `npx vitest` was; else `npm` from the PATH with the pinned Node first. */
function npmCommand(): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  const env = { ...process.env, PATH: [join(repoRoot, 'node_modules', '.bin'), process.env.PATH].join(delimiter) }
  const fromEnv = process.env.npm_execpath
  if (fromEnv?.endsWith('.js') && existsSync(fromEnv)) return { command: process.execPath, args: [fromEnv], env }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'npm')
    if (!existsSync(candidate)) continue
    const real = realpathSync(candidate)
    return real.endsWith('.js') ? { command: process.execPath, args: [real], env } : { command: candidate, args: [], env }
  }
  throw new Error('npm is not on the PATH')
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer()
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === 'EADDRINUSE'
        ? `port ${port} is in use (another kubeling, or npm start left running?): this test runs the launcher on its default port and cannot start`
        : `cannot check port ${port}: ${err.message}`)))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()))
  })
}

interface NpmStart {
  child: ChildProcess
  output(): string
  exited: Promise<number | null>
}

async function npmStart(dataDir: string, extra: string[]): Promise<NpmStart> {
  await assertPortFree(8080)
  const npm = npmCommand()
  const child = spawn(npm.command, [...npm.args, 'start', '--', ...extra, '--nodes', '3', '--data-dir', dataDir], {
    cwd: repoRoot, env: npm.env, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  await waitFor('the launcher\'s ready line', () => {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`)
    return /cluster ready at http:\/\/127\.0\.0\.1:8080\b/.test(output) || undefined
  }, 90_000).catch((err: Error) => {
    throw new Error(`${err.message}\nnpm start printed:\n${output}`)
  })
  return { child, output: () => output, exited }
}

/** A process as /proc shows it; its start time tells it from a later process that reuses the pid. */
interface ProcessEntry {
  pid: number
  ppid: number
  startTime: string
  cmdline: string
}

function processTable(): ProcessEntry[] {
  const table: ProcessEntry[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // The command name (2nd field) is in parentheses and may hold spaces: split after it.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim()
      table.push({ pid: Number(entry), ppid: Number(fields[1]), startTime: fields[19], cmdline })
    } catch {
      // gone meanwhile
    }
  }
  return table
}

/** Every process started under pid (npm, its shell, the launcher, each component, their containers). */
function descendantsOf(pid: number): ProcessEntry[] {
  const table = processTable()
  const found: ProcessEntry[] = []
  const parents = [pid]
  while (parents.length > 0) {
    const parent = parents.pop()!
    for (const p of table) {
      if (p.ppid === parent) {
        found.push(p)
        parents.push(p.pid)
      }
    }
  }
  return found
}

/** Of these processes, the ones still running; and anything else naming the data dir. */
function leftOver(known: ProcessEntry[], dataDir: string): ProcessEntry[] {
  const table = processTable()
  return table.filter((p) => p.pid !== process.pid && (known.some((k) => k.pid === p.pid && k.startTime === p.startTime) || p.cmdline.includes(dataDir)))
}

async function stopWithSigterm(started: NpmStart, dataDir: string): Promise<void> {
  const tree = descendantsOf(started.child.pid!)
  cluster.push(...tree)
  // The launcher, apiserver, scheduler, controller-manager and three kubelets, under npm (and its shell).
  expect(tree.filter((p) => /\/(apiserver|scheduler|controller-manager|kubelet)\/main\.ts/.test(p.cmdline)).length).toBe(6)
  started.child.kill('SIGTERM')
  await started.exited
  await waitFor('no process of the cluster left', () => leftOver(tree, dataDir).length === 0 || undefined, 20_000).catch((err: Error) => {
    throw new Error(`${err.message}; after SIGTERM to npm, still running:\n${leftOver(tree, dataDir).map((p) => `${p.pid} ${p.cmdline}`).join('\n')}`)
  })
}

/** Every process any start of this test's cluster ran, for the clean-up. */
const cluster: ProcessEntry[] = []

const namespaceFor = (version: string) => `walk-${version.replace(/[^0-9a-z]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}`

describe('npm start, as the README tells a newcomer', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-npm-start-'))
  const workDirs: string[] = []
  let running: NpmStart | undefined

  const session = (binary: string, namespace: string) => {
    const workDir = mkdtempSync(join(tmpdir(), 'kubeling-npm-start-work-'))
    workDirs.push(workDir)
    // No kubeconfig at all: kubectl falls back to http://localhost:8080.
    return new Session({ serverUrl, workDir, kubectl: binary, namespace, path: [join(repoRoot, 'bin')], flow: false })
  }

  afterAll(async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      cluster.push(...descendantsOf(running.child.pid!))
      running.child.kill('SIGTERM')
      await Promise.race([running.exited, new Promise((r) => setTimeout(r, 20_000))])
    }
    // Whatever is left of this test's cluster is killed, nothing else.
    for (const { pid } of leftOver(cluster, dataDir)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true })
    for (const dir of workDirs) rmSync(dir, { recursive: true, force: true })
  }, 40_000)

  it('runs the walkthrough with kubectl and no kubeconfig, stops on SIGTERM leaving no process, and resumes with the objects', async () => {
    running = await npmStart(dataDir, ['--fresh'])
    expect(running.output()).toMatch(/3 node\(s\) Ready in \d+\.\d+ s/)

    const nodePorts = new Map<string, number>()
    for (const version of kubectlVersions()) {
      const namespace = namespaceFor(version.name)
      const w = session(version.binary, namespace)
      await w.kubectl(['create', 'namespace', namespace], { hidden: true })
      await runSteps(w, [theCluster, createPod, deploymentChain, scalingAndRollout, nodePortService, job])

      const shown = w.document.render()
      expect(shown).toContain('$ kubectl run nginx --image=nginx\npod/nginx created')
      expect(shown).toMatch(/\$ kubectl get nodes -o wide\nNAME +STATUS[^\n]*\nnode-1 +Ready[^\n]*\nnode-2 +Ready[^\n]*\nnode-3 +Ready/)
      expect(shown).toMatch(/└─ReplicaSet\/nginx-deployment-\w+/)
      expect(shown).toContain('Welcome to nginx!')
      expect(await w.kubectl(['get', 'pod', 'nginx', '--no-headers'], { hidden: true })).toMatch(/^nginx\s+1\/1\s+Running/)
      expect(await w.kubectl(['get', 'deployment', 'nginx-deployment', '--no-headers'], { hidden: true })).toMatch(/^nginx-deployment\s+5\/5\s+5\s+5\s/)
      expect(await w.kubectl(['get', 'job', 'countdown', '--no-headers'], { hidden: true })).toMatch(/^countdown\s+Complete\s+3\/3\s/)
      nodePorts.set(namespace, (await w.get(w.ns('v1', 'services', 'nginx-deployment'))).spec.ports[0].nodePort)
    }

    await stopWithSigterm(running, dataDir)
    expect(running.output()).toContain('SIGTERM: stopping every component')
    await expect(fetch(`${serverUrl}/readyz`)).rejects.toThrow()

    running = await npmStart(dataDir, [])
    for (const version of kubectlVersions()) {
      const namespace = namespaceFor(version.name)
      const w = session(version.binary, namespace)
      expect(await w.kubectl(['get', 'pod', 'nginx', '-o', 'name'], { hidden: true })).toBe('pod/nginx\n')
      expect(await w.kubectl(['get', 'deployment', 'nginx-deployment', '-o', 'jsonpath={.spec.replicas}'], { hidden: true })).toBe('5')
      await w.kubectl(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=90s'], { hidden: true })
      expect(await w.kubectl(['get', 'job', 'countdown', '--no-headers'], { hidden: true })).toMatch(/^countdown\s+Complete\s+3\/3\s/)
      const nodePort = nodePorts.get(namespace)!
      expect((await w.get(w.ns('v1', 'services', 'nginx-deployment'))).spec.ports[0].nodePort).toBe(nodePort)
      for (const node of await w.nodes()) {
        const text = await waitFor(`the nginx page at ${node.ip}:${nodePort} after the restart`, async () => {
          const response = await fetch(`http://${node.ip}:${nodePort}/`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined)
          return response?.ok ? response.text() : undefined
        }, 30_000)
        expect(text).toContain('Welcome to nginx!')
      }
    }
    await stopWithSigterm(running, dataDir)
  }, 420_000)
})
