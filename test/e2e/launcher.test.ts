// `npm start` as a user runs it: one launcher process that starts every
// component as its own process; real kubectl against it; SIGTERM leaves no
// process behind; a second start on the same data dir finds the objects.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../support/component-process.ts'
import { kubectlFor, kubectlVersions } from '../support/kubectl.ts'
import { waitFor } from '../support/wait-for.ts'

interface Launcher {
  child: ChildProcess
  url: string
  output(): string
  exited: Promise<void>
}

async function launch(dataDir: string, extra: string[] = []): Promise<Launcher> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'start.ts'), '--port', '0', '--data-dir', dataDir, '--nodes', '2', '--node-monitor-grace-period', '8s', ...extra], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await waitFor('the cluster ready line', async () => {
    if (child.exitCode !== null) throw new Error(`launcher exited: ${output}`)
    return /cluster ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
  }, 60_000)
  return { child, url, output: () => output, exited }
}

/** Processes whose command line mentions one of needles (the data dir, the server URL): what the launcher started. */
function processesUsing(...needles: string[]): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (needles.some((n) => cmdline.includes(n))) pids.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}

describe('the launcher (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-launcher-'))
  let launcher: Launcher | undefined

  afterAll(async () => {
    if (launcher && launcher.child.exitCode === null) {
      launcher.child.kill('SIGTERM')
      await launcher.exited
    }
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('starts the whole cluster, runs a pod, stops cleanly and resumes on the same data dir', async () => {
    launcher = await launch(dataDir, ['--fresh'])
    expect(launcher.output()).toMatch(/2 node\(s\) Ready in \d+\.\d+ s/)
    const kubectl = kubectlFor(kubectlVersions()[0].binary, launcher.url)
    expect(await kubectl.ok(['get', 'nodes', '-o', 'name'])).toBe('node/node-1\nnode/node-2\n')
    await kubectl.ok(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2'])
    await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])
    const wide = await kubectl.ok(['get', 'pods', '-o', 'wide', '--no-headers'])
    expect(wide.trim().split('\n')).toHaveLength(2)
    expect(wide).toMatch(/1\/1\s+Running/)
    // The launcher, apiserver, scheduler, controller-manager and two kubelets.
    const url = launcher.url
    expect(processesUsing(dataDir, url).length).toBeGreaterThanOrEqual(6)

    launcher.child.kill('SIGTERM')
    await launcher.exited
    expect(launcher.output()).toContain('stopped')
    await waitFor('no process of the cluster left', () => (processesUsing(dataDir, url).length === 0 ? true : undefined), 10_000)

    launcher = await launch(dataDir)
    const again = kubectlFor(kubectlVersions()[0].binary, launcher.url)
    expect((await again.ok(['get', 'deployment', 'web', '-o', 'name'])).trim()).toBe('deployment.apps/web')
    await again.ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])
  }, 180_000)
})
