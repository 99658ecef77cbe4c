// The load side of bench/watch-latency.ts, run as its own process so that its
// pacing and the watchers' reading do not share one event loop:
//
//   node bench/lib/watch-load.ts <url> <creates per second> <seconds>
//
// Creates pods load-0, load-1, ... open-loop at the given rate and prints one
// JSON line: for each i, the CLOCK_MONOTONIC time (ms) its 201 arrived.
import { apiPool, createPod, nowMs, sleep } from './common.ts'

const [url, rateText, secondsText] = process.argv.slice(2)
const rate = Number(rateText)
const total = Math.round(rate * Number(secondsText))
const maxInFlight = 256
const pool = apiPool(url, 64)
const responded = new Array<number>(total).fill(-1)
let issued = 0
let inFlight = 0
let errors = 0
let firstError: string | undefined
let lagged = 0

const start = nowMs()
while (issued < total) {
  const due = Math.min(total, Math.floor(((nowMs() - start) * rate) / 1000) + 1)
  if (due - issued > maxInFlight) lagged++
  while (issued < due && inFlight < maxInFlight) {
    const i = issued++
    inFlight++
    createPod(pool, `load-${i}`).then(
      (code) => {
        responded[i] = nowMs()
        if (code !== 201) { errors++; firstError ??= `HTTP ${code}` }
        inFlight--
      },
      (err: unknown) => { errors++; firstError ??= String(err); inFlight-- },
    )
  }
  await sleep(1)
}
while (inFlight > 0) await sleep(1)
const elapsed = (nowMs() - start) / 1000
await pool.close()
const cpu = process.cpuUsage()
const cpuSeconds = (cpu.user + cpu.system) / 1e6
process.stdout.write(JSON.stringify({ responded, errors, firstError, achievedRate: total / elapsed, lagged, cpuSeconds, elapsed }) + '\n')
