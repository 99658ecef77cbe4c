import { describe, expect, it } from 'vitest'
import { relativeImports, rewriteDeclarationImports } from './build-package.ts'

const declaration = [
  "import { Supervised, type SupervisorEvents } from './supervisor.ts';",
  "export { startCluster } from './cluster.ts';",
  "export type { X } from \"../shared/x.ts\";",
  "import type { Readable } from 'node:stream';",
  "export declare function f(): import('./types.ts').T;",
  "import './side-effect.ts';",
].join('\n')

describe('declaration imports', () => {
  it('finds every relative specifier and no package one', () => {
    expect(relativeImports(declaration)).toEqual(['./supervisor.ts', './cluster.ts', '../shared/x.ts', './types.ts', './side-effect.ts'])
  })

  it('points relative .ts specifiers at .js and leaves the rest', () => {
    expect(rewriteDeclarationImports(declaration)).toBe([
      "import { Supervised, type SupervisorEvents } from './supervisor.js';",
      "export { startCluster } from './cluster.js';",
      "export type { X } from \"../shared/x.js\";",
      "import type { Readable } from 'node:stream';",
      "export declare function f(): import('./types.js').T;",
      "import './side-effect.js';",
    ].join('\n'))
  })
})
