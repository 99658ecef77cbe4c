// --controllers as upstream reads it: a comma-separated list where `*` means
// every controller on by default, `name` turns one on and `-name` turns one
// off. Upstream's names since v1.28 end in `-controller`
// (`deployment-controller`); the older short names are accepted too.
const aliases: Record<string, string> = {
  garbagecollector: 'garbage-collector',
  'pod-garbage-collector': 'podgc',
  ttl: 'ttl-after-finished',
  'cronjob-v2': 'cronjob',
  nodeipam: 'node-ipam',
  nodelifecycle: 'node-lifecycle',
  'endpointslice-mirroring': 'endpointslice',
}

function canonical(name: string): string {
  const short = name.replace(/-controller$/, '')
  return aliases[short] ?? short
}

/** The names of the controllers to run, out of known, or a RangeError naming an unknown one. */
export function selectControllers(flag: string, known: readonly string[]): string[] {
  const items = flag.split(',').map((s) => s.trim()).filter(Boolean)
  const enabled = new Set<string>()
  const disabled = new Set<string>()
  let all = false
  for (const item of items) {
    if (item === '*') {
      all = true
      continue
    }
    const off = item.startsWith('-')
    const name = canonical(off ? item.slice(1) : item)
    if (!known.includes(name)) throw new RangeError(`"${item}" is not in the list of known controllers`)
    ;(off ? disabled : enabled).add(name)
  }
  return known.filter((name) => !disabled.has(name) && (all || enabled.has(name)))
}
