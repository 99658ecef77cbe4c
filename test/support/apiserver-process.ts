// Starts the apiserver as a real OS process on 127.0.0.1 with a random free
// port and a temp data dir, as users start it, and stops it again.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitFor } from './wait-for.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface ApiserverProcess {
  url: string
  port: number
  dataDir: string
  process: ChildProcess
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>
  /** SIGKILL and wait for exit: a crash. */
  kill(): Promise<void>
  /** Stop and remove the data dir. */
  cleanup(): Promise<void>
}

export interface StartOptions {
  storage?: 'memory' | 'leveldb'
  dataDir?: string
  port?: number
  args?: string[]
  logLevel?: string
}

export async function startApiserverProcess(options: StartOptions = {}): Promise<ApiserverProcess> {
  const port = options.port ?? (await freePort())
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kubeling-data-'))
  const child = spawn(
    process.execPath,
    [join(root, 'apiserver', 'main.ts'), '--port', String(port), '--data-dir', dataDir, '--storage', options.storage ?? 'leveldb', '--log-level', options.logLevel ?? 'warn', ...(options.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: root },
  )
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let gone = false
  child.once('exit', () => (gone = true))
  const url = `http://127.0.0.1:${port}`
  try {
    await waitFor(`apiserver on ${url} to be ready`, async () => {
      if (gone) throw new Error(`apiserver exited: ${output}`)
      const res = await fetch(`${url}/readyz`)
      return res.ok ? true : undefined
    }, 20_000)
  } catch (err) {
    child.kill('SIGKILL')
    throw new Error(`${(err as Error).message}\n${output}`)
  }
  const signal = async (sig: NodeJS.Signals) => {
    if (!gone) child.kill(sig)
    await exited
  }
  return {
    url,
    port,
    dataDir,
    process: child,
    output: () => output,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    async cleanup() {
      await signal('SIGTERM')
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
