// `npm run bench`: every benchmark in turn, each in its own process (one at a
// time: the figures assume nothing else is loading the machine), then one
// summary table. Prints figures; never fails on a missed target, only when a
// benchmark itself breaks.
//
//   npm run bench                 all of them
//   npm run bench -- list watch   only those whose file name starts so
import { spawn } from 'node:child_process'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { formatTable, machineLine, nowMs, resultMarker, root, type ResultRow } from './lib/common.ts'

const all = ['creates', 'list', 'watch-latency', 'memory-startup', 'scheduler', 'kubelet', 'cluster-start']
const wanted = process.argv.slice(2)
const selected = wanted.length === 0 ? all : all.filter((b) => wanted.some((w) => b.startsWith(w)))

function runOne(name: string): Promise<{ rows: ResultRow[]; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bench', `${name}.ts`)], { stdio: ['ignore', 'pipe', 'inherit'], cwd: root })
    const rows: ResultRow[] = []
    let buffered = ''
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      let nl: number
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        if (line.startsWith(resultMarker)) rows.push(...(JSON.parse(line.slice(resultMarker.length)) as ResultRow[]))
        else process.stdout.write(`  ${line}\n`)
      }
    })
    child.once('exit', (code) => resolve({ rows, code }))
  })
}

const rows: ResultRow[] = []
const failed: string[] = []
const t0 = nowMs()
console.log(machineLine())
if (loadavg()[0] > 1) console.log('WARNING: the machine is already busy (1-min load average > 1); on 2 cores the figures below will be low. Re-run when idle.')
for (const name of selected) {
  console.log(`\n== bench/${name}.ts`)
  const { rows: got, code } = await runOne(name)
  rows.push(...got)
  if (code !== 0) {
    failed.push(name)
    rows.push({ benchmark: name, metric: 'benchmark run', target: 'completes', result: `exited ${code}`, pass: false })
  }
}
console.log(`\n== summary (${((nowMs() - t0) / 1000).toFixed(0)} s, ${new Date().toISOString().slice(0, 10)})\n`)
console.log(formatTable(rows))
const missed = rows.filter((r) => r.pass === false).length
console.log(`\n${rows.filter((r) => r.pass === true).length} targets met, ${missed} missed`)
process.exitCode = failed.length > 0 ? 1 : 0
