// The kubelet's side of the streaming server: its pods and containers as the
// logs / exec / attach / port-forward handlers see them.
import type { Pod } from '../shared/core-types.ts'
import type { Kubelet } from './kubelet.ts'
import type { ContainerView, PodWorker } from './pods/pod-worker.ts'
import type { ContainerRuntime, RunningContainer } from './runtime/types.ts'
import type { ContainerLog, StreamingBackend, StreamingContainer, StreamingContainerState, StreamingPod } from './server/types.ts'

function logOf(container: RunningContainer | undefined): ContainerLog | undefined {
  return container ? { path: container.logPath, ended: container.exited } : undefined
}

function stateOf(view: ContainerView): StreamingContainerState {
  const state = view.record.state
  if ('running' in state && view.running) return { state: 'running', log: logOf(view.running)! }
  // Waiting to restart (CrashLoopBackOff): upstream serves the last run's log.
  if ('terminated' in state || view.current) return { state: 'terminated', log: logOf(view.current) }
  return { state: 'waiting', reason: 'waiting' in state ? state.waiting.reason : 'ContainerCreating' }
}

/** lastState's attempt: the one before a running container, or the last run of one waiting to restart. */
function previousOf(view: ContainerView): RunningContainer | undefined {
  return view.running ? view.previous : 'waiting' in view.record.state ? view.current : view.previous
}

function streamingContainer(worker: PodWorker, name: string, runtime: ContainerRuntime): StreamingContainer | undefined {
  if (!worker.container(name)) return undefined
  return {
    get state() {
      return stateOf(worker.container(name)!)
    },
    get previousLog() {
      return logOf(previousOf(worker.container(name)!))
    },
    async exec(options) {
      const view = worker.container(name)!
      const sandbox = worker.sandbox
      if (!view.running || !view.config || !sandbox) throw new Error(`container ${name} is not running`)
      return runtime.exec(sandbox, view.running, view.config, options)
    },
  }
}

export function streamingBackend(kubelet: Kubelet, runtime: ContainerRuntime): StreamingBackend {
  return {
    findPod(namespace, name): StreamingPod | undefined {
      const worker = kubelet.workerFor(namespace, name)
      if (!worker) return undefined
      return {
        uid: worker.pod.metadata.uid ?? '',
        podIP: worker.podIP,
        container: (container) => streamingContainer(worker, container, runtime),
      }
    },
    listPods(): Pod[] {
      return kubelet.pods.list()
    },
  }
}
