// docker-compose.yml without Docker: each service's own command and
// environment, read from the file, run as local processes in depends_on
// order (waiting on the file's own healthcheck), with two kubelet replicas and
// real kubectl from the host; and the file's structural promises (published
// port, named volume, health-gated start, a scalable kubelet, a non-root
// image). So the compose file cannot drift from what works.
//
// The only changes made to what the file declares are those a container gets
// for free and one host does not, all in `StandIn` below.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { freePort } from '../support/apiserver-process.ts'
import { repoRoot } from '../support/component-process.ts'
import { kubectlFor, kubectlVersions } from '../support/kubectl.ts'
import { waitFor } from '../support/wait-for.ts'

interface ComposeService {
  build?: unknown
  image?: string
  command?: string[] | string
  environment?: Record<string, string | number | boolean | null> | string[]
  healthcheck?: { test: string[] | string; timeout?: string }
  depends_on?: string[] | Record<string, { condition: string }>
  ports?: string[]
  volumes?: string[]
  container_name?: string
  hostname?: string
}

interface ComposeFile {
  services: Record<string, ComposeService>
  volumes?: Record<string, unknown>
}

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as ComposeFile
const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')
const kubeletReplicas = 2

function commandOf(name: string): string[] {
  const command = compose.services[name].command
  if (!Array.isArray(command)) throw new Error(`service ${name}: write its command as a list, so no shell splits it`)
  return command.map(String)
}

/** The value after `--flag` in a service's command. */
function flagOf(name: string, flag: string): string | undefined {
  const command = commandOf(name)
  const i = command.indexOf(flag)
  return i < 0 ? undefined : command[i + 1]
}

function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {}
  if (Array.isArray(env)) return Object.fromEntries(env.map((e) => [e.split('=')[0], e.slice(e.indexOf('=') + 1)]))
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]))
}

function dependenciesOf(service: ComposeService): Record<string, string> {
  const deps = service.depends_on ?? {}
  return Array.isArray(deps) ? Object.fromEntries(deps.map((d) => [d, 'service_started'])) : Object.fromEntries(Object.entries(deps).map(([d, v]) => [d, v.condition]))
}

/** Services in an order that starts every dependency first. */
function startOrder(): string[] {
  const order: string[] = []
  const visit = (name: string, path: string[]) => {
    if (order.includes(name)) return
    if (path.includes(name)) throw new Error(`depends_on cycle: ${[...path, name].join(' → ')}`)
    for (const dep of Object.keys(dependenciesOf(compose.services[name]))) visit(dep, [...path, name])
    order.push(name)
  }
  for (const name of Object.keys(compose.services)) visit(name, [])
  return order
}

/** One container of a service. */
interface Replica {
  service: string
  /** Named like compose's containers, e.g. kubelet-2; in Docker the hostname is the container ID. */
  hostname: string
  /** The container's own address on the compose network. */
  ip: string
  /** The host port standing in for the one port the container listens on. */
  port: number
  /** The port the command listens on inside the container, when it names one. */
  containerPort?: number
  /** The container's own filesystem. */
  root: string
}

/**
 * What a container gives for free and one host does not, and what stands in
 * for it. These are the only changes made to the file's commands, healthcheck
 * and environment:
 * - service names resolve on the compose network: `apiserver` → 127.0.0.1;
 * - each container has its own ports: its listening port (`--port`, or the
 *   component's default through KUBELING_PORT, the flag's environment
 *   variable) → a free port, and URLs that name it follow;
 * - each container has its own address: `--node-ip auto` → 127.0.0.11, .12, …;
 * - each container has its own hostname, which the kubelet's --node-name
 *   defaults to: KUBELING_NODE_NAME (that flag's variable) → the replica's name;
 * - each container has its own filesystem and volumes: absolute paths → a
 *   temp dir, a named volume's mount point → that volume's temp dir;
 * - the image's `node` is Node 24 → this test's own Node.
 */
class StandIn {
  readonly replicas: Replica[] = []
  readonly dir = mkdtempSync(join(tmpdir(), 'kubeling-compose-'))

  async add(service: string, index: number): Promise<Replica> {
    const port = flagOf(service, '--port')
    const replica: Replica = {
      service,
      hostname: `${service}-${index}`,
      ip: `127.0.0.${11 + this.replicas.length}`,
      port: await freePort(),
      containerPort: port === undefined ? undefined : Number(port),
      root: join(this.dir, `${service}-${index}`),
    }
    mkdirSync(replica.root, { recursive: true })
    this.replicas.push(replica)
    return replica
  }

  /** The address a URL's `host:port` reaches from inside `self`. */
  #address(host: string, port: string, self: Replica): string {
    const target = host === '127.0.0.1' || host === 'localhost' ? self : this.replicas.find((r) => r.service === host)
    if (!target) throw new Error(`${host} is no service started before ${self.service}`)
    if (target.containerPort !== Number(port)) throw new Error(`${self.service} reaches ${host}:${port}, but ${target.service} listens on ${target.containerPort ?? 'its default port'}`)
    return `127.0.0.1:${target.port}`
  }

  #path(path: string, self: Replica): string {
    for (const mount of compose.services[self.service].volumes ?? []) {
      const [volume, target] = mount.split(':')
      if (path === target || path.startsWith(`${target}/`)) return join(this.dir, 'volumes', volume, path.slice(target.length))
    }
    return join(self.root, path)
  }

  arg(arg: string, previous: string | undefined, self: Replica): string {
    if (previous === '--port') return String(self.port)
    if (previous === '--node-ip' && arg === 'auto') return self.ip
    if (arg.startsWith('/')) {
      const path = this.#path(arg, self)
      // The image has its state directories (Dockerfile); a volume starts empty.
      mkdirSync(path, { recursive: true })
      return path
    }
    return arg.replace(/http:\/\/([\w.-]+):(\d+)/g, (_, host: string, port: string) => `http://${this.#address(host, port, self)}`)
  }

  argv(argv: string[], self: Replica): string[] {
    return argv.map((arg, i) => (i === 0 && arg === 'node' ? process.execPath : this.arg(arg, argv[i - 1], self)))
  }

  env(service: ComposeService, self: Replica): NodeJS.ProcessEnv {
    const declared = Object.fromEntries(Object.entries(environmentOf(service)).map(([k, v]) => [k, this.arg(v, undefined, self)]))
    return {
      PATH: process.env.PATH,
      HOME: join(self.root, 'home'),
      HOSTNAME: self.hostname,
      KUBELING_NODE_NAME: self.hostname,
      ...(self.containerPort === undefined ? { KUBELING_PORT: String(self.port) } : {}),
      ...declared,
    }
  }
}

interface Running {
  replica: Replica
  child: ChildProcess
  output(): string
  exited: Promise<void>
}

function start(standIn: StandIn, replica: Replica): Running {
  const service = compose.services[replica.service]
  const [command, ...args] = standIn.argv(commandOf(replica.service), replica)
  // The Dockerfile's WORKDIR holds the repository's files.
  const child = spawn(command, args, { cwd: repoRoot, env: standIn.env(service, replica), stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return { replica, child, output: () => output, exited }
}

/** Runs a service's healthcheck as Docker does; its exit code. */
function healthcheck(standIn: StandIn, replica: Replica): Promise<number> {
  const check = compose.services[replica.service].healthcheck
  if (!check) throw new Error(`${replica.service} has no healthcheck`)
  const test = Array.isArray(check.test) ? check.test.map(String) : ['CMD-SHELL', check.test]
  const argv = test[0] === 'CMD' ? standIn.argv(test.slice(1), replica) : ['sh', '-c', standIn.arg(test[1], undefined, replica)]
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { cwd: repoRoot, env: standIn.env(compose.services[replica.service], replica), timeout: 10_000 }, (err) => {
      resolve(err ? (typeof err.code === 'number' ? err.code : 1) : 0)
    })
  })
}

describe('docker-compose.yml', () => {
  it('keeps its promises: one non-root image, a published port on 127.0.0.1 only, a named volume, health-gated start, a scalable kubelet', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['apiserver', 'controller-manager', 'kubelet', 'scheduler'])
    // One image, built once, run by every service.
    const builders = Object.entries(compose.services).filter(([, s]) => s.build !== undefined)
    expect(builders.map(([name]) => name)).toEqual(['apiserver'])
    for (const service of Object.values(compose.services)) expect(service.image).toBe(compose.services.apiserver.image)

    // The Dockerfile: node:24-slim, production dependencies, and a user that is not root.
    const instructions = dockerfile.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    expect(instructions[0]).toBe('FROM node:24-slim')
    expect(instructions.some((l) => /^RUN npm ci --omit=dev\b/.test(l))).toBe(true)
    const users = instructions.filter((l) => l.startsWith('USER ')).map((l) => l.slice(5).trim().split(':')[0])
    expect(users.length).toBeGreaterThan(0)
    const user = users.at(-1)!
    expect(['root', '0']).not.toContain(user)
    // That user owns the directories the services write; the code itself stays root's.
    const chowns = instructions.filter((l) => l.startsWith('RUN ')).flatMap((l) => [...l.matchAll(new RegExp(`\\bchown (?:-R )?${user}(?::\\S+)? ([^&;|]+)`, 'g'))])
    const handedOver = chowns.flatMap((m) => m[1].trim().split(/\s+/))
    for (const dir of [flagOf('apiserver', '--data-dir'), flagOf('kubelet', '--root-dir')]) expect(handedOver).toContain(dir)

    const apiserver = compose.services.apiserver
    const apiserverPort = flagOf('apiserver', '--port')
    expect(flagOf('apiserver', '--bind-address')).toBe('0.0.0.0')
    // A controller-manager runs, so its namespace controller empties deleted namespaces, as the launcher sets it up.
    expect(flagOf('apiserver', '--namespace-lifecycle')).toBe('controller')
    // Published on the host's loopback only, at the port kubectl tries without a kubeconfig.
    expect(apiserver.ports).toHaveLength(1)
    const published = /^(?<ip>[\d.]+):(?<host>\d+):(?<container>\d+)(?:\/tcp)?$/.exec(apiserver.ports![0])?.groups
    expect(published).toEqual({ ip: '127.0.0.1', host: '8080', container: apiserverPort })
    // Its data on a named volume mounted where --data-dir points.
    expect(apiserver.volumes).toHaveLength(1)
    const [volume, target] = apiserver.volumes![0].split(':')
    expect(Object.keys(compose.volumes ?? {})).toContain(volume)
    expect(target).toBe(flagOf('apiserver', '--data-dir'))
    // The healthcheck asks /readyz on the apiserver's own port.
    expect(JSON.stringify(apiserver.healthcheck?.test)).toContain(`127.0.0.1:${apiserverPort}/readyz`)

    for (const name of ['scheduler', 'controller-manager', 'kubelet']) {
      expect(dependenciesOf(compose.services[name])).toEqual({ apiserver: 'service_healthy' })
      expect(flagOf(name, '--server')).toBe(`http://apiserver:${apiserverPort}`)
    }
    // `--scale kubelet=N`: nothing fixed per container, and each replica names its Node after its hostname.
    const kubelet = compose.services.kubelet
    expect(kubelet.container_name).toBeUndefined()
    expect(kubelet.hostname).toBeUndefined()
    expect(kubelet.ports ?? []).toEqual([])
    expect(commandOf('kubelet')).not.toContain('--node-name')
    expect(flagOf('kubelet', '--node-ip')).toBe('auto')
  })

  describe('run as local processes', () => {
    let standIn: StandIn | undefined
    const running: Running[] = []
    const outputs = () => running.map((r) => `--- ${r.replica.hostname}\n${r.output()}`).join('\n')

    afterAll(async () => {
      // Kubelets first (they stop their pods), the apiserver last, as `docker compose down`.
      for (const r of [...running].reverse()) {
        if (r.child.exitCode !== null || r.child.signalCode !== null) continue
        r.child.kill('SIGTERM')
        const stopped = await Promise.race([r.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000))])
        if (!stopped) {
          r.child.kill('SIGKILL')
          await r.exited
        }
      }
      if (standIn) rmSync(standIn.dir, { recursive: true, force: true })
    })

    it('starts in depends_on order, its nodes get Ready, and pods and Deployments run', async () => {
      // Every service and replica first, so URLs can name any of them.
      const stand = (standIn = new StandIn())
      const order = startOrder()
      expect(order[0]).toBe('apiserver')
      const replicas = new Map<string, Replica[]>()
      for (const name of order) {
        const count = name === 'kubelet' ? kubeletReplicas : 1
        const list: Replica[] = []
        for (let i = 1; i <= count; i++) list.push(await stand.add(name, i))
        replicas.set(name, list)
      }
      const apiserver = replicas.get('apiserver')![0]
      // The healthcheck fails while nothing listens, so passing it means something.
      expect(await healthcheck(stand, apiserver)).not.toBe(0)

      const healthy = new Set<string>()
      for (const name of order) {
        for (const [dep, condition] of Object.entries(dependenciesOf(compose.services[name]))) {
          if (condition !== 'service_healthy' || healthy.has(dep)) continue
          const dependency = replicas.get(dep)![0]
          await waitFor(`${dep} healthy`, async () => {
            if (running.some((r) => r.child.exitCode !== null)) throw new Error(`a service exited:\n${outputs()}`)
            return (await healthcheck(stand, dependency)) === 0
          }, 30_000)
          healthy.add(dep)
        }
        for (const replica of replicas.get(name)!) running.push(start(stand, replica))
      }
      expect(healthy).toEqual(new Set(['apiserver']))

      const kubectl = kubectlFor(kubectlVersions()[0].binary, `http://127.0.0.1:${apiserver.port}`)
      const kubelets = replicas.get('kubelet')!
      await waitFor('both kubelet replicas Ready', async () => {
        if (running.some((r) => r.child.exitCode !== null)) throw new Error(`a service exited:\n${outputs()}`)
        const nodes = await kubectl.ok(['get', 'nodes', '-o', 'wide', '--no-headers'])
        return kubelets.every((k) => new RegExp(`^${k.hostname}\\s+Ready\\s.*\\s${k.ip.replaceAll('.', '\\.')}\\s`, 'm').test(nodes)) ? nodes : undefined
      }, 60_000)
      expect((await kubectl.ok(['get', 'nodes', '-o', 'name'])).trim().split('\n').sort()).toEqual(kubelets.map((k) => `node/${k.hostname}`))

      // The scheduler binds it, a kubelet runs it, and its logs come through the apiserver from that kubelet's address.
      await kubectl.ok(['run', 'hello', '--image=busybox', '--', 'sh', '-c', 'echo hello from compose; sleep 3600'])
      await kubectl.ok(['wait', 'pod/hello', '--for=condition=Ready', '--timeout=60s'], { timeoutMs: 70_000 })
      const [phase, nodeName, hostIP] = (await kubectl.ok(['get', 'pod', 'hello', '-o', 'jsonpath={.status.phase} {.spec.nodeName} {.status.hostIP}'])).split(' ')
      expect(phase).toBe('Running')
      const node = kubelets.find((k) => k.hostname === nodeName)
      expect(node).toBeDefined()
      expect(hostIP).toBe(node!.ip)
      await waitFor('the pod\'s log', async () => ((await kubectl.ok(['logs', 'hello'])) === 'hello from compose\n' ? true : undefined), 20_000)

      // The controller-manager turns a Deployment into a ReplicaSet and its pods. (Pods that
      // listen, such as nginx, are left out: on one host their pod IPs can meet another
      // cluster's, as every cluster's first podCIDR is the same.)
      await kubectl.ok(['create', 'deployment', 'web', '--image=busybox', '--replicas=2', '--', 'sleep', '3600'])
      await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 })
      const pods = (await kubectl.ok(['get', 'pods', '-l', 'app=web', '--no-headers'])).trim().split('\n')
      expect(pods).toHaveLength(2)
      for (const line of pods) expect(line).toMatch(/1\/1\s+Running/)

      expect(running.filter((r) => r.child.exitCode !== null).map((r) => r.replica.hostname)).toEqual([])
    }, 240_000)
  })
})
