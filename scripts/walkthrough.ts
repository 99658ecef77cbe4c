// Writes docs/walkthrough.md from a real run: starts a fresh 3-node cluster
// (the launcher's startCluster(), every component its own process), runs each
// step of scripts/walkthrough/steps.ts with the real kubectl on the PATH, and
// writes the commands with what they printed. Progress goes to stdout.
//
//   node scripts/walkthrough.ts [--out docs/walkthrough.md] [--steps id,id] [--no-flow]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execFileSync } from 'node:child_process'
import { startCluster, type Cluster } from '../bin/launcher/cluster.ts'
import { parseFlags } from '../shared/flags.ts'
import { FlowUnavailableError } from './walkthrough/flow-stream.ts'
import { Session } from './walkthrough/session.ts'
import { runSteps, walkthroughSteps } from './walkthrough/steps.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

const flags = parseFlags(process.argv.slice(2), {
  out: { type: 'string', default: join(root, 'docs', 'walkthrough.md'), description: 'where to write the walkthrough' },
  steps: { type: 'string', description: 'only these steps (ids, comma-separated), for trying one out' },
  'no-flow': { type: 'boolean', default: false, description: 'leave out the /debug/flow lines (for an apiserver without the flow stream)' },
})

// Short failover timings, so freezing a kubelet shows its effect in seconds.
const timings = { nodeMonitorGracePeriodSeconds: 8, defaultNotReadyTolerationSeconds: 5, defaultUnreachableTolerationSeconds: 5 }
const log = (text: string) => process.stdout.write(`[walkthrough] ${text}\n`)

const only = typeof flags.steps === 'string' ? new Set(flags.steps.split(',').map((s) => s.trim())) : undefined
const unknown = [...(only ?? [])].filter((id) => !walkthroughSteps.some((s) => s.id === id))
if (unknown.length > 0) {
  process.stderr.write(`error: unknown step ${unknown.join(', ')}; steps: ${walkthroughSteps.map((s) => s.id).join(', ')}\n`)
  process.exit(2)
}
const steps = only ? walkthroughSteps.filter((s) => only.has(s.id)) : walkthroughSteps

const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-walkthrough-'))
const workDir = mkdtempSync(join(tmpdir(), 'kubeling-walkthrough-work-'))
let cluster: Cluster | undefined
let exitCode = 0
const interrupted = async () => {
  log('interrupted: stopping the cluster')
  await cluster?.stop()
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(workDir, { recursive: true, force: true })
  process.exit(130)
}
process.once('SIGINT', () => void interrupted())
process.once('SIGTERM', () => void interrupted())

try {
  const kubectlVersion = (JSON.parse(execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion
  log(`starting a fresh 3-node cluster (kubectl ${kubectlVersion})`)
  cluster = await startCluster({ nodes: 3, port: 0, dataDir, fresh: true, clusterCIDR: '10.244.0.0/16', ...timings })
  log(`cluster ready at ${cluster.url}: apiserver in ${cluster.timings.apiserverReadyMs} ms, nodes Ready in ${cluster.timings.nodesReadyMs} ms`)
  const components = cluster.components
  const session = new Session({
    serverUrl: cluster.url,
    workDir,
    kubeconfig: cluster.kubeconfig,
    path: [join(root, 'bin')],
    flow: !flags['no-flow'],
    kubeletPid: (node) => components.find((c) => c.spec.name === `kubelet ${node}`)?.pid,
    progress: log,
  })
  // What is shown as the reader would see it with `npm start`: the default port and data dir, paths from the repo.
  session.document.substitute(cluster.url, 'http://127.0.0.1:8080')
  session.document.substitute(dataDir, '.kubeling')
  session.document.substitute(`${root}/`, '')
  session.document.heading('# Walkthrough: a pod\'s life and the objects around it')
  session.say(`Every command below ran against a fresh kubeling cluster, and every output is what it printed: \`npm run walkthrough\` (\`scripts/walkthrough.ts\`) starts the cluster, runs the steps of \`scripts/walkthrough/steps.ts\` with the real kubectl (${kubectlVersion} for this copy), and writes this file. Ages, random name suffixes, pod IPs and node ports change from run to run.

To follow along, start the same cluster: three nodes, and failover timings cut from minutes to seconds:

\`\`\`sh
npm start -- --fresh --nodes 3 --node-monitor-grace-period 8s \\
  --default-not-ready-toleration-seconds 5 --default-unreachable-toleration-seconds 5
export PATH="$PWD/bin:$PATH"    # for kubectl tree
\`\`\`

kubectl needs no configuration: with no kubeconfig it talks to http://localhost:8080, where the apiserver listens.`)
  try {
    await runSteps(session, steps)
  } catch (err) {
    if (err instanceof FlowUnavailableError) {
      throw new Error(`${err.message}\nThe walkthrough shows the flow of the first pod from the apiserver's /debug/flow stream; run with --no-flow to write it without.`)
    }
    throw err
  }
  const out = resolve(flags.out as string)
  writeFileSync(out, session.document.render())
  log(`wrote ${out}`)
} catch (err) {
  process.stderr.write(`[walkthrough] FAILED: ${err instanceof Error ? err.message : err}\n`)
  exitCode = 1
} finally {
  log('stopping the cluster')
  await cluster?.stop()
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(workDir, { recursive: true, force: true })
}
process.exit(exitCode)
