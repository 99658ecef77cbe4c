import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    // e2e tests start real processes; give them room on a 2-core machine
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A temp dir for the whole run, removed at its end (test/support/global-temp-dir.ts).
    globalSetup: ['test/support/global-temp-dir.ts'],
  },
})
