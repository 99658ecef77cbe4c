// What a walkthrough step works with: real kubectl whose command and output
// go into the document, files written where kubectl reads them, prose, and
// the apiserver's JSON for the waits and facts the steps need (which node a
// pod landed on, a Service's node port). The script and the launcher e2e
// build one each: the script with a kubeconfig, the e2e with none at all.
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { shellLine, WalkthroughDocument } from './document.ts'
import { subscribeFlow, type FlowSubscription } from './flow-stream.ts'

/** A Kubernetes object as decoded JSON; steps index it freely. */
/** The script's own reads name themselves, so the flow it shows can leave them out. */
export const scriptUserAgent = 'walkthrough'
const scriptHeaders = { 'user-agent': `${scriptUserAgent}/1` }

export type Json = any

export interface KubectlCall {
  /** The command is expected to fail (a removed flag, an unknown API version): exit 0 is an error. */
  fails?: boolean
  /** Run it without showing it in the document. */
  hidden?: boolean
  /** kubectl is killed after this long. @default 120_000 */
  timeoutMs?: number
}

export interface KubectlOutcome {
  code: number
  stdout: string
  stderr: string
  /** stdout and stderr as they arrived, as a terminal shows them. */
  output: string
}

export interface SessionOptions {
  /** The apiserver, for the session's own reads. */
  serverUrl: string
  /** Holds the manifests (kubectl's working directory) and kubectl's HOME. */
  workDir: string
  /** @default 'kubectl' (from the PATH) */
  kubectl?: string
  /** kubectl's kubeconfig; without one kubectl gets none at all and falls back to http://localhost:8080. */
  kubeconfig?: string
  /** Where the steps create their objects; kubectl gets `--namespace` (not shown) unless it is default. @default 'default' */
  namespace?: string
  /** Directories put before the PATH, e.g. the repo's bin/ so kubectl finds `kubectl-tree`. */
  path?: string[]
  /** Show the /debug/flow lines when the first pod is created. @default true */
  flow?: boolean
  /** The process id of a node's kubelet, for the failover step. */
  kubeletPid?: (node: string) => number | undefined
  /** Where progress goes. @default nowhere */
  progress?: (text: string) => void
}

export class Session {
  readonly document = new WalkthroughDocument()
  readonly serverUrl: string
  readonly namespace: string
  readonly flowEnabled: boolean
  readonly #options: SessionOptions
  readonly #env: NodeJS.ProcessEnv

  constructor(options: SessionOptions) {
    this.#options = options
    this.serverUrl = options.serverUrl
    this.namespace = options.namespace ?? 'default'
    this.flowEnabled = options.flow ?? true
    const home = join(options.workDir, '.home')
    mkdirSync(home, { recursive: true })
    this.#env = {
      PATH: [...(options.path ?? []), process.env.PATH ?? ''].join(delimiter),
      HOME: home,
      KUBECONFIG: options.kubeconfig ?? join(home, 'no-such-kubeconfig'),
      KUBECACHEDIR: join(home, 'cache'),
    }
  }

  progress(text: string): void {
    this.#options.progress?.(text)
  }

  heading(text: string): void {
    this.document.heading(text)
  }

  say(markdown: string): void {
    this.document.prose(markdown)
  }

  /** Writes a file into kubectl's working directory and shows it. */
  file(name: string, content: string): void {
    writeFileSync(join(this.#options.workDir, name), content)
    this.document.file(name, content)
  }

  /** Shows a command the session ran itself (curl through fetch, kill through process.kill) and its output. */
  shown(command: string, output: string): void {
    this.progress(`$ ${command}`)
    this.document.command(command, output)
  }

  /** Shows lines of a stream as they came. */
  text(lines: string[]): void {
    this.document.text(lines)
  }

  /** Runs kubectl, shows `$ kubectl …` and what it printed; resolves with stdout. */
  async kubectl(args: string[], call: KubectlCall = {}): Promise<string> {
    const outcome = await this.kubectlOutcome(args, call)
    return outcome.stdout
  }

  async kubectlOutcome(args: string[], call: KubectlCall = {}): Promise<KubectlOutcome> {
    const line = shellLine('kubectl', args)
    if (!call.hidden) this.progress(`$ ${line}`)
    const outcome = await this.#run(this.#options.kubectl ?? 'kubectl', this.#namespaced(args), call.timeoutMs ?? 120_000)
    if (call.fails && outcome.code === 0) throw new Error(`${line} was expected to fail but exited 0:\n${outcome.output}`)
    if (!call.fails && outcome.code !== 0) throw new Error(`${line} exited ${outcome.code}:\n${outcome.output}`)
    if (!call.hidden) this.document.command(line, outcome.output)
    return outcome
  }

  /** The object at path; throws unless the apiserver answers 2xx. */
  async get(path: string): Promise<Json> {
    const response = await fetch(`${this.serverUrl}${path}`, { headers: scriptHeaders })
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`)
    return response.json()
  }

  /** The object at path, or undefined when it does not exist. */
  async find(path: string): Promise<Json | undefined> {
    const response = await fetch(`${this.serverUrl}${path}`, { headers: scriptHeaders })
    if (response.status === 404) return undefined
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`)
    return response.json()
  }

  /** The API path of a namespaced collection or object in the session's namespace, e.g. ns('apps/v1', 'deployments', 'web'). */
  ns(groupVersion: string, resource: string, name?: string): string {
    const prefix = groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`
    return `${prefix}/namespaces/${this.namespace}/${resource}${name ? `/${name}` : ''}`
  }

  /** Polls probe until it returns a value other than undefined or false; on timeout says what was last seen. */
  async waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, ms = 60_000): Promise<T> {
    this.progress(`  … waiting for ${what}`)
    const end = Date.now() + ms
    let last: unknown
    for (;;) {
      try {
        const value = await probe()
        if (value !== undefined && value !== false) return value as T
      } catch (err) {
        last = err
      }
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `; last error: ${last}` : ''}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  /** The cluster's nodes with their InternalIP, by name. */
  async nodes(): Promise<Array<{ name: string; ip: string }>> {
    const list = await this.get('/api/v1/nodes')
    return (list.items as Json[])
      .map((n) => ({ name: n.metadata.name as string, ip: (n.status?.addresses ?? []).find((a: Json) => a.type === 'InternalIP')?.address as string }))
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  kubeletPid(node: string): number {
    const pid = this.#options.kubeletPid?.(node)
    if (!pid) throw new Error(`no kubelet process known for ${node}: this session cannot freeze nodes`)
    return pid
  }

  subscribeFlow(query: Record<string, string>): Promise<FlowSubscription> {
    return subscribeFlow(this.serverUrl, query)
  }

  /** kubectl's arguments with the session's namespace, unless it is default or the step names one; before `--`, which ends kubectl's own flags. */
  #namespaced(args: string[]): string[] {
    const dashes = args.indexOf('--')
    const own = dashes < 0 ? args : args.slice(0, dashes)
    if (this.namespace === 'default' || own.some((a) => /^(-n|--namespace|-A|--all-namespaces)(=|$)/.test(a))) return args
    const flag = `--namespace=${this.namespace}`
    return dashes < 0 ? [...args, flag] : [...args.slice(0, dashes), flag, ...args.slice(dashes)]
  }

  #run(binary: string, args: string[], timeoutMs: number): Promise<KubectlOutcome> {
    return new Promise((resolve, reject) => {
      const child = spawn(binary, args, { cwd: this.#options.workDir, env: this.#env, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      let output = ''
      child.stdout.on('data', (d: Buffer) => ((stdout += d), (output += d)))
      child.stderr.on('data', (d: Buffer) => ((stderr += d), (output += d)))
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      child.once('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
      child.once('close', (code) => {
        clearTimeout(timer)
        resolve({ code: code ?? -1, stdout, stderr, output })
      })
    })
  }
}
