// Golden tables: testdata/*.yaml holds, per resource, the headers kubectl
// shows (and those -o wide adds) and stored objects with the cells of their
// rows at a fixed `now`.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { KubeObject } from '../../shared/api-types.ts'
import { builtinResources } from '../registry/resources/index.ts'
import { defaultPrinter } from './printer.ts'

interface GoldenTable {
  /** `plural.group`, or the plural alone for core/v1. */
  resource: string
  headers: string[]
  wide: string[]
  cases: { name: string; object: KubeObject; cells: unknown[] }[]
}

const testdata = join(import.meta.dirname, 'testdata')

for (const file of readdirSync(testdata).filter((f) => f.endsWith('.yaml')).sort()) {
  const golden = parse(readFileSync(join(testdata, file), 'utf8')) as { now: string; tables: GoldenTable[] }
  const now = Date.parse(golden.now)
  describe(file, () => {
    for (const table of golden.tables) {
      const def = builtinResources.find((d) => (d.group ? `${d.plural}.${d.group}` : d.plural) === table.resource)
      const printer = def?.printer ?? defaultPrinter
      describe(table.resource, () => {
        it('has the upstream headers', () => {
          expect(def, `no resource ${table.resource}`).toBeDefined()
          expect(printer.columns.filter((c) => c.priority === 0).map((c) => c.name.toUpperCase())).toEqual(table.headers)
          expect(printer.columns.filter((c) => c.priority > 0).map((c) => c.name.toUpperCase())).toEqual(table.wide)
          for (const c of printer.columns) expect(c.description, c.name).not.toBe('')
        })
        it.each(table.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
          const cells = printer.cells(c.object, now)
          expect(cells).toHaveLength(printer.columns.length)
          expect(cells).toEqual(c.cells)
        })
      })
    }
  })
}
