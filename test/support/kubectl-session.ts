// The setup most kubectl e2e files share: an apiserver process, a REST client
// and a kubectl bound to it, and a temp dir for manifests — started in
// beforeAll and removed in afterAll. Call it inside a describe block.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { startApiserverProcess, type ApiserverProcess, type StartOptions } from './apiserver-process.ts'
import { apiClient, type ApiClient } from './api-client.ts'
import { kubectlFor, type Kubectl } from './kubectl.ts'

export interface KubectlSession {
  server: ApiserverProcess
  api: ApiClient
  kubectl: Kubectl
  dir: string
  /** Writes a manifest into the session's temp dir and returns its path. */
  manifest(file: string, text: string): string
}

/** The returned object is filled in by beforeAll; read its fields inside tests and hooks. */
export function kubectlSession(binary: string, options: StartOptions = { storage: 'memory' }): KubectlSession {
  const session = {
    manifest(file: string, text: string) {
      const path = join(session.dir, file)
      writeFileSync(path, text)
      return path
    },
  } as KubectlSession
  beforeAll(async () => {
    session.server = await startApiserverProcess(options)
    session.api = apiClient(session.server.url)
    session.kubectl = kubectlFor(binary, session.server.url)
    session.dir = mkdtempSync(join(tmpdir(), 'kubeling-e2e-'))
  })
  afterAll(async () => {
    await session.server?.cleanup()
    if (session.dir) rmSync(session.dir, { recursive: true, force: true })
    if (session.kubectl) rmSync(session.kubectl.home, { recursive: true, force: true })
  })
  return session
}
