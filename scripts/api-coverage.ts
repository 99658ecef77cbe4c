// Writes docs/api-coverage.md from the apiserver's registry, so the list of
// served kinds, verbs and subresources cannot drift from the code:
//   npx node scripts/api-coverage.ts          rewrite the doc
//   npx node scripts/api-coverage.ts --check  exit 1 when the doc is stale (a test runs this)
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { apiVersionOf } from '../shared/api-types.ts'
import { builtinResources } from '../apiserver/registry/resources/index.ts'
import { defaultVerbs, type ResourceDefinition } from '../apiserver/registry/types.ts'
import { subresourcesOf } from '../apiserver/http/discovery.ts'

const docPath = fileURLToPath(new URL('../docs/api-coverage.md', import.meta.url))

function row(def: ResourceDefinition): string {
  const subs = subresourcesOf(def).map((s) => `${s.name} (${s.verbs.join(', ')})`)
  const cells = [
    `\`${apiVersionOf(def.group, def.version)}\``,
    def.kind,
    def.plural,
    def.namespaced ? 'Namespaced' : 'Cluster',
    (def.verbs ?? defaultVerbs).join(', '),
    subs.join('; ') || '—',
    def.shortNames?.join(', ') || '—',
    def.categories?.join(', ') || '—',
    ['metadata.name', 'metadata.namespace', ...Object.keys(def.fieldSelectors ?? {})].join(', '),
  ]
  return `| ${cells.join(' | ')} |`
}

export function renderCoverage(resources: readonly ResourceDefinition[]): string {
  return [
    '# API coverage',
    '',
    'Generated from the apiserver\'s registry by `npx node scripts/api-coverage.ts`; a test fails when this',
    'file and the registry disagree. Every row is served over REST and watch, in discovery (legacy and',
    'aggregated) and in `/openapi/v3`.',
    '',
    '| apiVersion | kind | resource | scope | verbs | subresources | short names | categories | field selectors |',
    '|---|---|---|---|---|---|---|---|---|',
    ...resources.map(row),
    '',
    `${resources.length} resources.`,
    '',
  ].join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = renderCoverage(builtinResources)
  if (process.argv.includes('--check')) {
    const current = readFileSync(docPath, 'utf8')
    if (current !== text) {
      console.error('docs/api-coverage.md is stale: run `npx node scripts/api-coverage.ts`')
      process.exit(1)
    }
  } else {
    writeFileSync(docPath, text)
    console.log(`wrote ${docPath}`)
  }
}
