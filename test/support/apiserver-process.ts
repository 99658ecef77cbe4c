// Starts the apiserver as a real OS process on 127.0.0.1 with a random free
// port and a temp data dir, as users start it, and stops it again.
import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { startComponentProcess } from './component-process.ts'
import { testTempDir } from './global-temp-dir.ts'

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
  const dataDir = options.dataDir ?? testTempDir('kubeling-data-')
  const url = `http://127.0.0.1:${port}`
  const component = await startComponentProcess({
    name: 'apiserver',
    script: 'apiserver/main.ts',
    args: ['--port', String(port), '--data-dir', dataDir, '--storage', options.storage ?? 'leveldb', '--log-level', options.logLevel ?? 'warn', ...(options.args ?? [])],
    healthUrl: `${url}/readyz`,
  })
  return {
    url,
    port,
    dataDir,
    process: component.process,
    output: component.output,
    stop: component.stop,
    kill: component.kill,
    async cleanup() {
      await component.stop()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
