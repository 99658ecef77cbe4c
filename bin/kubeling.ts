// `npx kubeling`: with no command, the launcher (the same as `npm start`,
// flags and all); `kubeling service …` and `kubeling ip …` are helpers like
// minikube's. bin/kubeling.js, the package's bin, loads this (or its build).
// The compile cache must be on before the rest loads (see apiserver/main.ts).
import { enableCompileCache } from 'node:module'

enableCompileCache()

const usage = `kubeling: a Kubernetes cluster on this machine, every component its own process.

Usage:
  kubeling [flags]                          start a cluster, as npm start does; Ctrl-C stops it
  kubeling service NAME [--url] [-n NS]     the node-port URLs of a Service
  kubeling ip [NODE]                        node InternalIPs
  kubeling COMMAND --help                   a command's own options

Flags of the launcher (kubeling [flags]):
`

const commands: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  service: async () => (await import('./commands/service.ts')).runService,
  ip: async () => (await import('./commands/ip.ts')).runIP,
}

const [first, ...rest] = process.argv.slice(2)
if (first !== undefined && Object.hasOwn(commands, first)) {
  const { UsageError } = await import('./commands/connection.ts')
  let code: number
  try {
    code = await (await commands[first]())(rest)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`Error: ${err.message}\n`)
    code = 2
  }
  // Exit once stdout has drained: on a pipe, process.exit could cut the output short.
  process.stdout.write('', () => process.exit(code))
} else if (first !== undefined && first !== 'help' && !first.startsWith('-')) {
  process.stderr.write(`Error: unknown command "${first}"; commands are ${Object.keys(commands).join(', ')}, or flags for the launcher (see kubeling --help)\n`)
  process.exit(2)
} else {
  const args = process.argv.slice(2)
  if (first === 'help' || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage)
    // The launcher prints its flags (from its own table) for --help and exits.
    process.argv = [...process.argv.slice(0, 2), '--help']
  }
  await import('./launcher/cli.ts')
}

