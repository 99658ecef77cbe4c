// --merge-kubeconfig: add (or refresh) the `kubeling` cluster, user and
// context in an existing kubeconfig and make it current, the way kind does,
// leaving every other entry as it was.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parse, stringify } from 'yaml'

type Named = { name?: string; [field: string]: unknown }

function upsert(list: unknown, entry: Named): Named[] {
  const items = (Array.isArray(list) ? list : []) as Named[]
  const i = items.findIndex((e) => e?.name === entry.name)
  if (i >= 0) items[i] = entry
  else items.push(entry)
  return items
}

export function mergeKubeconfig(path: string, url: string): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : ''
  const config = ((text.trim() ? parse(text) : null) ?? { apiVersion: 'v1', kind: 'Config' }) as Record<string, unknown>
  config.clusters = upsert(config.clusters, { name: 'kubeling', cluster: { server: url } })
  config.users = upsert(config.users, { name: 'kubeling', user: {} })
  config.contexts = upsert(config.contexts, { name: 'kubeling', context: { cluster: 'kubeling', user: 'kubeling' } })
  config['current-context'] = 'kubeling'
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, stringify(config), { mode: 0o600 })
}
