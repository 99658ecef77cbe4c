// The package as a user gets it: `npm pack` (which builds dist/), `npm
// install` of the tarball into a fresh project, then from that project a
// cluster from `import { startCluster } from 'kubeling'` and one from
// `npx kubeling`, with `kubeling ip` and `kubeling service` against it.
// Node strips no types under node_modules, so this proves the built
// JavaScript runs on its own. Every child runs with the pinned Node, put
// first on the PATH (the machine's own Node is too old).
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../support/component-process.ts'
import { kubectlFor, kubectlVersions } from '../support/kubectl.ts'
import { freshGet } from '../support/fresh-get.ts'
import { waitFor } from '../support/wait-for.ts'

const work = mkdtempSync(join(tmpdir(), 'kubeling-package-'))
const project = join(work, 'project')
const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`, npm_config_update_notifier: 'false' }

interface Run {
  code: number
  stdout: string
  stderr: string
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, env: options.env ?? env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr })
    })
  })
}

async function ok(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string> {
  const result = await run(command, args, options)
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`)
  return result.stdout
}

interface ProcessInfo {
  pid: number
  cmdline: string
}

function processInfo(pid: number): ProcessInfo | undefined {
  try {
    return { pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() }
  } catch {
    return undefined // gone meanwhile
  }
}

function allProcesses(): Array<ProcessInfo & { ppid: number }> {
  const found: Array<ProcessInfo & { ppid: number }> = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // The ppid is the 2nd field after "pid (comm)"; comm may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const info = processInfo(Number(entry))
      if (info) found.push({ ...info, ppid })
    } catch {
      // gone meanwhile
    }
  }
  return found
}

/** Processes whose command line mentions needle (a data dir of this test): what a cluster started. */
function processesUsing(needle: string): ProcessInfo[] {
  return allProcesses().filter((p) => p.cmdline.includes(needle))
}

/** pid and every process below it: the components and their pods' processes. */
function processTree(pid: number): ProcessInfo[] {
  const all = allProcesses()
  const tree = all.filter((p) => p.pid === pid)
  for (let i = 0; i < tree.length; i++) tree.push(...all.filter((p) => p.ppid === tree[i].pid))
  return tree
}

/** Those of processes still running (the same pid with the same command line). */
function stillRunning(processes: ProcessInfo[]): ProcessInfo[] {
  return processes.filter((p) => processInfo(p.pid)?.cmdline === p.cmdline)
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // exited meanwhile
  }
}

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* filesUnder(path)
    else yield path
  }
}

const children: ChildProcess[] = []

describe('the packed package (npm pack, npm install, startCluster and npx kubeling)', () => {
  beforeAll(async () => {
    await ok('npm', ['pack', '--pack-destination', work], { cwd: repoRoot, timeoutMs: 120_000 })
    const tarball = readdirSync(work).find((f) => /^kubeling-.*\.tgz$/.test(f))
    if (!tarball) throw new Error(`npm pack left no kubeling-*.tgz in ${work}`)
    mkdirSync(project)
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'kubeling-consumer', private: true, type: 'module' }))
    await ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball)], { cwd: project, timeoutMs: 150_000 })
  }, 240_000)

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    // Anything a failed test left running: every process of this test names
    // the temp dir (its data dir, or its script under the temp project).
    const leftover = () => processesUsing(work).filter((p) => p.pid !== process.pid)
    if (leftover().length > 0) {
      for (const { pid } of leftover()) signal(pid, 'SIGTERM')
      await waitFor('the leftover processes to stop', () => (leftover().length === 0 ? true : undefined), 15_000).catch(() => {
        for (const { pid } of leftover()) signal(pid, 'SIGKILL')
      })
    }
    rmSync(work, { recursive: true, force: true })
  }, 30_000)

  it('installs built JavaScript with declarations and no TypeScript sources', async () => {
    const installed = join(project, 'node_modules', 'kubeling')
    const files = [...filesUnder(installed)].map((f) => relative(installed, f))
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([])
    expect(files.filter((f) => /\.test\.|testdata|(^|\/)test\//.test(f))).toEqual([])
    expect(files).toEqual(expect.arrayContaining([
      'bin/kubeling.js', 'dist/bin/kubeling.js', 'dist/bin/launcher/index.js', 'dist/bin/launcher/index.d.ts', 'dist/bin/launcher/cluster.d.ts',
      'dist/apiserver/main.js', 'dist/scheduler/main.js', 'dist/controller-manager/main.js', 'dist/kubelet/main.js',
      'dist/apiserver/openapi/generated/definitions.json', 'dist/package.json', 'package.json', 'README.md',
    ]))
    expect(readFileSync(join(installed, 'dist/bin/launcher/cluster.d.ts'), 'utf8')).toContain("from './supervisor.js'")

    // A TypeScript user gets the types, checked strictly (no skipLibCheck).
    writeFileSync(join(project, 'types.ts'), [
      "import { startCluster, type Cluster, type ClusterOptions } from 'kubeling'",
      "const options: ClusterOptions = { port: 0, nodes: 1, runtime: 'process', storage: 'memory' }",
      'const cluster: Cluster = await startCluster(options)',
      'const url: string = cluster.url',
      'const kubeconfig: string = cluster.kubeconfig',
      'console.log(url, kubeconfig, cluster.components.map((c) => c.pid))',
      'await cluster.stop()',
      '// @ts-expect-error the runtime is process or sim',
      "await startCluster({ runtime: 'docker' })",
      '',
    ].join('\n'))
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc')
    await ok(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2024', '--module', 'nodenext', '--types', 'node', '--typeRoots', join(repoRoot, 'node_modules', '@types'), 'types.ts'], { cwd: project })
  })

  it('starts a cluster with startCluster() from the installed package and stops every process', async () => {
    const dataDir = mkdtempSync(join(work, 'api-data-'))
    writeFileSync(join(project, 'cluster.mjs'), [
      "import { startCluster } from 'kubeling'",
      "const cluster = await startCluster({ port: 0, nodes: 1, runtime: 'process', dataDir: process.argv[2] })",
      'console.log(JSON.stringify({ url: cluster.url, kubeconfig: cluster.kubeconfig, nodeNames: cluster.nodeNames }))',
      "process.stdin.once('end', async () => { await cluster.stop(); console.log('stopped') }).resume()",
      '',
    ].join('\n'))
    const child = spawn(process.execPath, ['cluster.mjs', dataDir], { cwd: project, env, stdio: ['pipe', 'pipe', 'pipe'] })
    children.push(child)
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    const started = await waitFor('startCluster() to resolve', () => {
      if (child.exitCode !== null) throw new Error(`the script exited: ${output}`)
      const line = output.split('\n').find((l) => l.startsWith('{'))
      return line ? (JSON.parse(line) as { url: string; kubeconfig: string; nodeNames: string[] }) : undefined
    }, 60_000)
    expect(started.nodeNames).toEqual(['node-1'])
    expect(started.kubeconfig).toBe(join(dataDir, 'kubeconfig'))
    expect(readFileSync(started.kubeconfig, 'utf8')).toContain(`server: ${started.url}`)

    const kubectl = kubectlFor(kubectlVersions()[0].binary, undefined)
    expect(await kubectl.ok(['get', 'nodes', '--server', started.url, '--no-headers'])).toMatch(/^node-1\s+Ready\s/)
    // Every component runs the built JavaScript from node_modules.
    const tree = processTree(child.pid!)
    for (const component of ['apiserver', 'scheduler', 'controller-manager', 'kubelet']) {
      expect(tree.filter((p) => p.cmdline.includes(join(project, 'node_modules', 'kubeling', 'dist', component, 'main.js')))).toHaveLength(1)
    }
    child.stdin.end()
    expect(await exited).toBe(0)
    expect(output).toContain('stopped')
    expect(stillRunning(tree)).toEqual([])
  }, 90_000)

  it('runs npx kubeling, answers kubeling ip and kubeling service, and stops every process on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(work, 'npx-data-'))
    const launcher = spawn('npx', ['kubeling', '--port', '0', '--nodes', '1', '--data-dir', dataDir], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(launcher)
    let output = ''
    launcher.stdout.on('data', (d) => (output += d))
    launcher.stderr.on('data', (d) => (output += d))
    const exited = new Promise<void>((resolve) => launcher.once('exit', () => resolve()))
    const url = await waitFor('the cluster ready line', () => {
      if (launcher.exitCode !== null) throw new Error(`npx kubeling exited: ${output}`)
      return /cluster ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
    }, 60_000)
    expect(output).toMatch(/1 node\(s\) Ready in \d+\.\d+ s/)
    expect((await fetch(`${url}/readyz`)).ok).toBe(true)

    const kubectl = kubectlFor(kubectlVersions()[0].binary, url)
    await kubectl.ok(['create', 'deployment', 'web', '--image=nginx:1.25'])
    await kubectl.ok(['expose', 'deployment', 'web', '--type=NodePort', '--port=80'])
    const nodePort = Number(await kubectl.ok(['get', 'service', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}']))
    expect(nodePort).toBeGreaterThanOrEqual(30000)
    const nodeURL = `http://127.0.1.1:${nodePort}`

    const kubeling = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => run('npx', ['kubeling', ...args], { cwd: project, env: { ...env, ...extraEnv } })
    const [all, one, urls, table, missing] = await Promise.all([
      // This one finds the server through the kubeconfig the launcher wrote.
      kubeling(['ip'], { KUBECONFIG: join(dataDir, 'kubeconfig') }),
      kubeling(['ip', 'node-1', '--server', url]),
      kubeling(['service', 'web', '--url', '--server', url]),
      kubeling(['service', 'web', '-n', 'default', '--server', url]),
      kubeling(['service', 'nope', '--server', url]),
    ])
    expect(all).toMatchObject({ code: 0, stdout: 'NAME     INTERNAL-IP\nnode-1   127.0.1.1\n' })
    expect(one).toMatchObject({ code: 0, stdout: '127.0.1.1\n' })
    expect(urls).toMatchObject({ code: 0, stdout: `${nodeURL}\n` })
    expect(table.code).toBe(0)
    expect(table.stdout).toContain(`| default   | web  |          80 | ${nodeURL} |`)
    expect(missing.code).toBe(1)
    expect(missing.stdout).toBe('')
    expect(missing.stderr).toContain('Error: service "nope" not found in namespace "default"')

    // The URL it printed serves the pod, through the node's kube-proxy.
    await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])
    await waitFor(`the nginx page at ${nodeURL}`, async () => (await freshGet(`${nodeURL}/`)).includes('Welcome to nginx!') || undefined, 30_000)

    // SIGTERM to npx alone: npm's `sh -c` dies without passing it on, so the launcher must notice and stop.
    const tree = processTree(launcher.pid!)
    // npm, sh, the launcher, every component from the installed dist/, and the pods' processes.
    for (const component of ['apiserver', 'scheduler', 'controller-manager', 'kubelet']) {
      expect(tree.filter((p) => p.cmdline.includes(join(project, 'node_modules', 'kubeling', 'dist', component, 'main.js')))).toHaveLength(1)
    }
    launcher.kill('SIGTERM')
    await exited
    await waitFor('the launcher to say it stopped', () => output.includes('stopped') || undefined, 20_000)
    await waitFor('no process of the cluster left', () => (stillRunning(tree).length === 0 ? true : undefined), 10_000)
  }, 150_000)
})
