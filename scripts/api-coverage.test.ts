import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { builtinResources } from '../apiserver/registry/resources/index.ts'
import { renderCoverage } from './api-coverage.ts'

describe('docs/api-coverage.md', () => {
  it('matches the registry (regenerate with `npx node scripts/api-coverage.ts`)', () => {
    const doc = readFileSync(new URL('../docs/api-coverage.md', import.meta.url), 'utf8')
    expect(doc).toBe(renderCoverage(builtinResources))
  })
})
