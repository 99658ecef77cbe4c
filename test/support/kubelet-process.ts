// Starts a kubelet as a real OS process against an apiserver URL: its own
// server on a random free port, a temp root dir, short timings for tests.
import { rmSync } from 'node:fs'
import { freePort } from './apiserver-process.ts'
import { testTempDir } from './global-temp-dir.ts'
import { startComponentProcess, type ComponentProcess } from './component-process.ts'

export interface KubeletProcess extends ComponentProcess {
  nodeName: string
  port: number
  rootDir: string
  /** Stop and remove the root dir. */
  cleanup(): Promise<void>
}

export interface KubeletStartOptions {
  nodeName?: string
  /** @default 127.0.0.1 */
  nodeIP?: string
  runtime?: 'process' | 'sim'
  /** Reuse a root dir (a restart). */
  rootDir?: string
  /** Reuse a port (a restart). */
  port?: number
  args?: string[]
  logLevel?: string
}

export async function startKubeletProcess(server: string, options: KubeletStartOptions = {}): Promise<KubeletProcess> {
  const port = options.port ?? (await freePort())
  const nodeIP = options.nodeIP ?? '127.0.0.1'
  const nodeName = options.nodeName ?? 'node-1'
  const rootDir = options.rootDir ?? testTempDir('kubeling-kubelet-')
  const component = await startComponentProcess({
    name: `kubelet ${nodeName}`,
    script: 'kubelet/main.ts',
    args: [
      '--server', server, '--node-name', nodeName, '--node-ip', nodeIP, '--port', String(port), '--root-dir', rootDir,
      '--runtime', options.runtime ?? 'process', '--log-level', options.logLevel ?? 'info',
      // Fast enough for tests, slow enough to see each state.
      '--node-status-update-frequency', '1s', '--crash-loop-backoff', '1s', '--crash-loop-backoff-max', '4s',
      ...(options.args ?? []),
    ],
    healthUrl: `http://${nodeIP}:${port}/healthz`,
    timeoutMs: 30_000,
  })
  return {
    ...component, nodeName, port, rootDir,
    async cleanup() {
      await component.stop()
      if (!options.rootDir) rmSync(rootDir, { recursive: true, force: true })
    },
  }
}
