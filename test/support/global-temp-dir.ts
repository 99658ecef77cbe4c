// vitest globalSetup: one temp dir for the whole run, handed to the test
// processes through the environment and removed when the run ends, for what
// helpers make by the hundred (kubectl HOMEs with their discovery caches).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const testTempDirVariable = 'KUBELING_TEST_TMPDIR'

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-test-run-'))
  process.env[testTempDirVariable] = dir
  return () => rmSync(dir, { recursive: true, force: true })
}

/** A new temp dir: inside the run's (so the run's end removes it) under vitest, else in the system's. */
export function testTempDir(prefix: string): string {
  return mkdtempSync(join(process.env[testTempDirVariable] ?? tmpdir(), prefix))
}
