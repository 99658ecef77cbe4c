// `kubeling ip [NODE]`: a node's InternalIP, like `minikube ip`, or every
// node's name and InternalIP. Kubeling's nodes are loopback addresses
// (127.0.1.1, 127.0.1.2, …) on this machine, where NodePorts listen.
import { parseArgs } from 'node:util'
import type { KubeObject } from '../../shared/api-types.ts'
import { isNotFound } from '../../shared/client/index.ts'
import { renderTable } from '../tree/table-text.ts'
import { CommandError, connectionHelp, connectionOptions, parseOrUsage, processOutput, UsageError, withClient, type Output } from './connection.ts'

export const ipUsage = `Print a node's InternalIP, or without NODE every node's name and InternalIP.

Usage:
  kubeling ip [NODE] [--server URL]

Options:
${connectionHelp}
`

export interface NodeObject extends KubeObject {
  status?: { addresses?: Array<{ type: string; address: string }> }
}

export function internalIP(node: NodeObject): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address
}

/** Nodes with an InternalIP, in the order given. */
export function internalIPs(nodes: readonly NodeObject[]): Array<{ name: string; ip: string }> {
  return nodes.flatMap((n) => {
    const ip = internalIP(n)
    return ip ? [{ name: n.metadata.name ?? '', ip }] : []
  })
}

export function formatNodeIPs(nodes: readonly NodeObject[]): string {
  return renderTable(['NAME', 'INTERNAL-IP'], nodes.map((n) => [n.metadata.name ?? '', internalIP(n) ?? '<none>']))
}

/** `kubeling ip …` with argv after `ip`; resolves with the exit code. */
export async function runIP(argv: string[], env: NodeJS.ProcessEnv = process.env, io: Output = processOutput): Promise<number> {
  const { values, positionals } = parseOrUsage('ip', () => parseArgs({ args: argv, allowPositionals: true, strict: true, options: connectionOptions }))
  if (values.help) {
    io.out(ipUsage)
    return 0
  }
  if (positionals.length > 1) throw new UsageError('kubeling ip takes at most one node name (see kubeling ip --help)')
  const [name] = positionals
  return withClient(values, env, io, async (client) => {
    if (name === undefined) {
      const nodes = (await client.nodes.list()).items as NodeObject[]
      if (nodes.length === 0) throw new CommandError('the cluster has no nodes')
      io.out(formatNodeIPs(nodes))
      return
    }
    const node = await client.nodes.get(name).catch((err: unknown) => {
      if (isNotFound(err)) throw new CommandError(`node "${name}" not found`)
      throw err
    }) as NodeObject
    const ip = internalIP(node)
    if (!ip) throw new CommandError(`node "${name}" has no InternalIP address`)
    io.out(`${ip}\n`)
  })
}
