// `kubeling service NAME [--url] [-n NS]`: where a Service can be reached
// from this machine, like `minikube service`: http://<node IP>:<nodePort> for
// every node's InternalIP and every TCP port with a nodePort (kube-proxy on
// each node listens there). --url prints just the URLs, one a line, for
// scripts; otherwise a small table.
import { parseArgs } from 'node:util'
import type { KubeObject } from '../../shared/api-types.ts'
import { isNotFound } from '../../shared/client/index.ts'
import { CommandError, connectionHelp, connectionOptions, parseOrUsage, processOutput, UsageError, withClient, type Output } from './connection.ts'
import { internalIPs, type NodeObject } from './ip.ts'

export const serviceUsage = `Print the URLs at which a NodePort or LoadBalancer Service is reached through every node.

Usage:
  kubeling service NAME [--url] [-n NAMESPACE] [--server URL]

Options:
      --url              print only the URLs, one a line
  -n, --namespace NS     the Service's namespace (default: default)
${connectionHelp}
`

interface ServicePort {
  name?: string
  port: number
  protocol?: string
  nodePort?: number
}

export interface ServiceObject extends KubeObject {
  spec?: { type?: string; ports?: ServicePort[] }
}

export interface ServiceURL {
  namespace: string
  name: string
  /** The Service port as minikube shows it: `name/port`, or the bare port when unnamed. */
  port: string
  url: string
}

/** One URL per TCP node port and node IP, ports in the Service's order. */
export function serviceURLs(service: ServiceObject, nodeIPs: readonly string[]): ServiceURL[] {
  const namespace = service.metadata.namespace ?? 'default'
  const name = service.metadata.name ?? ''
  const ports = (service.spec?.ports ?? []).filter((p) => p.nodePort && (p.protocol ?? 'TCP') === 'TCP')
  if (ports.length === 0) {
    throw new CommandError(`service ${namespace}/${name} has no node port (type ${service.spec?.type ?? 'ClusterIP'}); make it type NodePort, e.g. kubectl expose … --type=NodePort`)
  }
  if (nodeIPs.length === 0) throw new CommandError('no node has an InternalIP address yet')
  return ports.flatMap((p) => nodeIPs.map((ip) => ({
    namespace, name, port: p.name ? `${p.name}/${p.port}` : String(p.port), url: `http://${ip}:${p.nodePort}`,
  })))
}

/** minikube's boxed table: NAMESPACE, NAME, TARGET PORT, URL; the port column right-aligned. */
export function formatServiceTable(rows: readonly ServiceURL[]): string {
  const header = ['NAMESPACE', 'NAME', 'TARGET PORT', 'URL']
  const cells = rows.map((r) => [r.namespace, r.name, r.port, r.url])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`
  const centred = (text: string, width: number) => {
    const left = Math.floor((width - text.length) / 2)
    return ' '.repeat(left) + text + ' '.repeat(width - text.length - left)
  }
  const line = (c: string[]) => `| ${c.map((cell, i) => (i === 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(' | ')} |`
  return [rule, `| ${header.map((h, i) => centred(h, widths[i])).join(' | ')} |`, rule, ...cells.map(line), rule, ''].join('\n')
}

/** `kubeling service …` with argv after `service`; resolves with the exit code. */
export async function runService(argv: string[], env: NodeJS.ProcessEnv = process.env, io: Output = processOutput): Promise<number> {
  const { values, positionals } = parseOrUsage('service', () => parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: { ...connectionOptions, url: { type: 'boolean' }, namespace: { type: 'string', short: 'n' } },
  }))
  if (values.help) {
    io.out(serviceUsage)
    return 0
  }
  if (positionals.length !== 1) throw new UsageError('kubeling service takes one Service name (see kubeling service --help)')
  const [name] = positionals
  const namespace = values.namespace || 'default'
  return withClient(values, env, io, async (client) => {
    const service = await client.services.namespace(namespace).get(name).catch((err: unknown) => {
      if (isNotFound(err)) throw new CommandError(`service "${name}" not found in namespace "${namespace}"`)
      throw err
    }) as ServiceObject
    const nodes = await client.nodes.list()
    // Simulated nodes share one IP: one URL each is enough.
    const rows = serviceURLs(service, [...new Set(internalIPs(nodes.items as NodeObject[]).map((n) => n.ip))])
    io.out(values.url ? rows.map((r) => `${r.url}\n`).join('') : formatServiceTable(rows))
  })
}
