import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    // e2e tests start real processes; give them room on a 2-core machine
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
