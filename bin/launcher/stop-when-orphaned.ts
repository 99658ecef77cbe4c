// `npm start` and `npx kubeling` run the launcher under `sh -c`. On Debian
// that shell (dash) stays the launcher's parent instead of exec-ing it, and
// when npm passes a SIGTERM on to it the shell dies without passing it
// further: the cluster would run on with nobody to stop it. So once the
// launcher is re-parented it stops as if the SIGTERM had reached it (as soon
// as it listens for SIGTERM, which it does from the moment the cluster is up).

export function stopWhenOrphaned(intervalMs = 500): void {
  const parent = process.ppid
  if (parent <= 1) return
  const timer = setInterval(() => {
    if (process.ppid === parent || process.listenerCount('SIGTERM') === 0) return
    clearInterval(timer)
    process.kill(process.pid, 'SIGTERM')
  }, intervalMs)
  timer.unref()
}
