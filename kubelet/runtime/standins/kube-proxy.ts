// registry.k8s.io/kube-proxy, run inside the kubelet: the userspace proxier
// (service-proxy.ts) for the pod's node. Meant for a hostNetwork DaemonSet
// pod, whose IP is the node's: nodePorts listen there. Every kube-proxy in
// one kubelet process shares its watch of Services and EndpointSlices
// (service-watch.ts). It logs in klog's format to stderr, as the binary
// does: the start-up lines and one pair per sync.
//
// Without an apiserver client (the runtime was created without one) it fails
// as kube-proxy does when it cannot reach the apiserver: exit 1, so the pod
// crash-loops and the reason is in its log. SIGTERM/SIGINT close the
// listeners and exit 0; SIGKILL gives 137.
import type { Clock } from '../../../shared/clock.ts'
import { exitCodeForSignal } from '../container-task.ts'
import type { LogFileWriter } from '../log-file.ts'
import { proxyRules } from '../proxy-rules.ts'
import { ServiceProxy } from '../service-proxy.ts'
import { standInTask, type InProcessStandIn } from './stand-in.ts'

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** klog's header: `I1123 18:00:00.000000       1 proxier.go:812] `, severity I/W/E, pid 1 as in a container. */
export function klogLine(severity: 'I' | 'W' | 'E', ms: number, source: string, message: string, fields: Record<string, unknown> = {}): string {
  const d = new Date(ms)
  const time = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000`
  const kv = Object.entries(fields).map(([k, v]) => ` ${k}=${JSON.stringify(v)}`).join('')
  return `${severity}${time}       1 ${source}] ${JSON.stringify(message)}${kv}`
}

/** How long after a failed bind the rules are synced again: doubling while binds keep failing. */
const retryMs = { initial: 1_000, max: 60_000 }

function klog(log: LogFileWriter, clock: Clock) {
  return (severity: 'I' | 'W' | 'E', source: string, message: string, fields?: Record<string, unknown>) =>
    log.writeLine('stderr', klogLine(severity, clock.now(), source, message, fields))
}

export const kubeProxyStandIn: InProcessStandIn = {
  stopSignal: 'SIGTERM',
  async start({ podIP, log, clock, services }) {
    const write = klog(log, clock)
    if (!services) {
      const { task, end } = standInTask(() => undefined)
      write('E', 'server.go:558', 'Error running ProxyServer', { err: 'no apiserver client: the kubelet runtime was created without one' })
      write('E', 'run.go:72', 'command failed', { err: 'no apiserver client' })
      end({ exitCode: 1 })
      return task
    }
    write('I', 'server_linux.go:66', 'Using userspace proxy')
    write('I', 'server.go:698', 'Successfully retrieved node IP(s)', { IPs: [podIP] })
    write('I', 'server.go:245', 'Kube-proxy configuration may be incomplete or incorrect', { err: 'nodePortAddresses is unset; NodePort connections will be accepted on the node IP only' })
    write('I', 'config.go:199', 'Starting service config controller')
    write('I', 'config.go:105', 'Starting endpoint slice config controller')

    const proxy = new ServiceProxy()
    let stopped = false
    let pending = false
    let synced = false
    let cancelRetry: (() => void) | undefined
    let nextRetryMs = retryMs.initial
    const reported = new Map<string, string>()

    const runSync = async () => {
      if (stopped) return
      cancelRetry?.()
      cancelRetry = undefined
      if (!synced) {
        synced = true
        write('I', 'shared_informer.go:320', 'Caches are synced for service config')
        write('I', 'shared_informer.go:320', 'Caches are synced for endpoint slice config')
      }
      const started = clock.now()
      const { services: svcs, slices } = services.snapshot()
      const rules = proxyRules(svcs, slices, podIP)
      const endpoints = new Set(rules.flatMap((r) => r.backends.map((b) => `${b.ip}:${b.port}`))).size
      write('I', 'proxier.go:812', 'Syncing userspace rules', { services: svcs.length, endpoints, rules: rules.length })
      const { listening, failed } = await proxy.sync(rules)
      if (stopped) return
      for (const [key, code] of failed) {
        // Once per port and cause: the retries would repeat it every few seconds.
        if (reported.get(key) === code) continue
        reported.set(key, code)
        const rule = rules.find((r) => r.key === key)
        write('E', 'proxier.go:1583', "can't open port, skipping it", { port: key, servicePort: rule?.servicePort ?? '', err: code })
      }
      for (const key of reported.keys()) if (!failed.has(key)) reported.delete(key)
      write('I', 'proxier.go:1528', 'SyncProxyRules complete', { elapsed: `${clock.now() - started}ms`, listeners: listening.length })
      if (!failed.size) nextRetryMs = retryMs.initial
      else {
        cancelRetry = clock.setTimeout(requestSync, nextRetryMs)
        nextRetryMs = Math.min(nextRetryMs * 2, retryMs.max)
      }
    }
    // Changes come in bursts (a Service, then its slice): one sync per turn of the loop.
    function requestSync() {
      if (pending || stopped) return
      pending = true
      clock.setTimeout(() => {
        pending = false
        void runSync()
      }, 0)
    }
    const unsubscribe = services.subscribe(requestSync)

    const { task, end } = standInTask((signal) => {
      if (signal !== 'SIGKILL' && signal !== 'SIGTERM' && signal !== 'SIGINT') return
      stopped = true
      cancelRetry?.()
      unsubscribe()
      if (signal === 'SIGKILL') {
        void proxy.close()
        end({ exitCode: exitCodeForSignal('SIGKILL'), signal: 'SIGKILL' })
        return
      }
      write('I', 'server.go:580', 'Received signal, shutting down', { signal: signal === 'SIGTERM' ? 'terminated' : 'interrupt' })
      // Listeners are gone before the exit, so a replacement pod can bind the same ports.
      void proxy.close().then(() => end({ exitCode: 0 }))
    })
    return task
  },
}
