// The walkthrough's steps, in order: each a title and what to run and say.
// Steps build on the ones before (the Service exposes the Deployment of an
// earlier step); each waits for the state it describes before showing it, and
// throws when the cluster does something the prose would not be true of.
import { execFileSync } from 'node:child_process'
import * as manifests from './manifests.ts'
import { scriptUserAgent, type Json, type Session } from './session.ts'

export interface Step {
  id: string
  title: string
  run(w: Session): Promise<void>
}

const isReady = (obj: Json) => (obj?.status?.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True')

async function pods(w: Session, selector: string): Promise<Json[]> {
  return (await w.get(`${w.ns('v1', 'pods')}?labelSelector=${encodeURIComponent(selector)}`)).items
}

async function podRunning(w: Session, name: string): Promise<Json> {
  return w.waitFor(`pod ${name} Running and Ready`, async () => {
    const pod = await w.find(w.ns('v1', 'pods', name))
    return pod?.status?.phase === 'Running' && isReady(pod) ? pod : undefined
  })
}

/** Every pod of the selector ready, and none left terminating, so listings show the settled state. */
async function settled(w: Session, selector: string, count: number): Promise<Json[]> {
  return w.waitFor(`${count} ready pods ${selector} and none terminating`, async () => {
    const list = await pods(w, selector)
    return list.length === count && list.every((p) => isReady(p) && !p.metadata.deletionTimestamp) ? list : undefined
  }, 90_000)
}

async function jobComplete(w: Session, name: string, ms = 90_000): Promise<Json> {
  return w.waitFor(`job ${name} Complete`, async () => {
    const job = await w.find(w.ns('batch/v1', 'jobs', name))
    return (job?.status?.conditions ?? []).some((c: Json) => c.type === 'Complete' && c.status === 'True') ? job : undefined
  }, ms)
}

async function page(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) })
    return response.ok ? await response.text() : undefined
  } catch {
    return undefined
  }
}

export const theCluster: Step = {
  id: 'cluster',
  title: 'The cluster',
  async run(w) {
    const nodes = await w.nodes()
    await w.waitFor('kube-proxy ready on every node', async () => {
      const ds = await w.find('/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy')
      return ds?.status?.numberReady === nodes.length || undefined
    })
    w.say(`Every component is its own process: the apiserver (the only one that touches storage), the scheduler, the controller-manager and one kubelet per node. The kubelets registered their Nodes and keep renewing a Lease each; the node lifecycle controller in the controller-manager reads those heartbeats, and node IPAM gave each node a pod CIDR.`)
    await w.kubectl(['get', 'nodes', '-o', 'wide'])
    w.say(`kube-proxy runs on every node as a DaemonSet the apiserver created at its first start, as kubeadm does. Its pods use the host network, so their IP is the node's.`)
    await w.kubectl(['get', 'pods', '-n', 'kube-system', '-o', 'wide'])
  },
}

export const createPod: Step = {
  id: 'create-pod',
  title: 'Creating a pod, step by step',
  async run(w) {
    if (!w.flowEnabled) {
      w.say('(This copy was written without the apiserver\'s flow stream, so the lines each component\'s requests produce are not shown.)')
      await w.kubectl(['run', 'nginx', '--image=nginx'])
      await podRunning(w, 'nginx')
      return
    }
    const query = { namespace: w.namespace, name: 'nginx' }
    w.say(`The apiserver narrates its traffic at \`/debug/flow\`: one line per API request and one per watch event it delivers, naming both ends. In one terminal, follow everything about the pod named nginx:`)
    const flow = await w.subscribeFlow(query)
    w.shown(`curl -N '${w.serverUrl}/debug/flow?${new URLSearchParams(query)}'`, '')
    w.say('In another, create the pod:')
    try {
      await w.kubectl(['run', 'nginx', '--image=nginx'])
      await podRunning(w, 'nginx')
      await flow.waitForLine(/kubelet.*→\s*apiserver.*status/)
      await flow.settle(700)
    } finally {
      flow.close()
    }
    // The script's own polling (is the pod Running yet?) is not part of the story.
    const lines = flow.lines.filter((line) => !line.includes(`${scriptUserAgent} → apiserver`))
    // The order the prose below tells; a stream that says otherwise stops the walkthrough.
    const story: Array<[string, RegExp]> = [
      ['kubectl creates the pod', /kubectl\s*→\s*apiserver\s+POST\s+\S*\/pods\b/],
      ['the scheduler hears of it', /apiserver\s*→\s*scheduler\s+watch ADDED/],
      ['the scheduler binds it', /scheduler\s*→\s*apiserver\s+POST\s+\S*binding/],
      ['the kubelet hears of it', /apiserver\s*→\s*kubelet\S*\s+watch ADDED/],
      ['the kubelet reports its status', /kubelet\S*\s*→\s*apiserver\s+PATCH\s+\S*status/],
    ]
    let at = -1
    for (const [what, pattern] of story) {
      const index = lines.findIndex((l, i) => i > at && pattern.test(l))
      if (index < 0) throw new Error(`the flow of kubectl run nginx does not show "${what}" (${pattern}) after line ${at + 1}:\n${lines.join('\n')}`)
      at = index
    }
    w.say('The first terminal shows, as it happens:')
    w.text(lines)
    const pod = await w.get(w.ns('v1', 'pods', 'nginx'))
    w.say(`Read from the top:

1. **kubectl → apiserver**: \`kubectl run\` POSTs a Pod with no \`spec.nodeName\`. The apiserver defaults and validates it, stores it, and answers 201 with the new resourceVersion.
2. **apiserver → scheduler**, **apiserver → controller-manager**: both watch every pod (the scheduler to queue the ones without a node and to count what each node already runs; the controller-manager for owners such as ReplicaSets and Jobs), so the new pod reaches each as an ADDED event.
3. **scheduler → apiserver**: it filters the nodes, scores the ones left, and POSTs a Binding to the pod's \`binding\` subresource, which sets \`spec.nodeName\` (here ${pod.spec.nodeName}). It also records a \`Scheduled\` Event.
4. **apiserver → kubelet(${pod.spec.nodeName})**: each kubelet watches pods with the field selector \`spec.nodeName=<its node>\`. Before the binding the pod did not match; now it does, so the watch delivers it as ADDED, although the pod itself was only modified.
5. **kubelet → apiserver**: the kubelet starts the pod's containers (nginx is a stand-in HTTP server in the kubelet's process runtime), then PATCHes \`pods/nginx/status\` with the pod IP, the container state and the Ready condition. Its Events (Pulled, Created, Started) go in as separate requests.

Nothing calls anything else directly: every component only reads and writes the API, and learns of the others' work through watches.`)
  },
}

export const inspectPod: Step = {
  id: 'inspect-pod',
  title: 'Looking at the pod',
  async run(w) {
    w.say('The READY column counts containers whose readiness the kubelet reported; IP and NODE come from the status the kubelet wrote and the binding the scheduler made.')
    await w.kubectl(['get', 'pods', '-o', 'wide'])
    w.say('`kubectl describe` puts the pod together with its Events: the scheduler\'s `Scheduled`, then the kubelet\'s `Pulled`, `Created` and `Started`. The `Tolerations` were added by the apiserver\'s admission (how long the pod may stay on a node that stops answering: the walkthrough runs with 5 s instead of 300 s).')
    await w.kubectl(['describe', 'pod', 'nginx'])
    w.say('`kubectl logs` goes through the apiserver, which proxies to the kubelet\'s own server on the node; the kubelet reads the container\'s log file.')
    await w.kubectl(['logs', 'nginx'])
  },
}

export const deploymentChain: Step = {
  id: 'deployment',
  title: 'Deployment → ReplicaSet → Pod',
  async run(w) {
    w.say('A Deployment does not create pods itself. The Deployment controller creates a ReplicaSet for the current pod template (its name ends in the template\'s hash), and the ReplicaSet controller creates the pods; both controllers run in the controller-manager and write only through the API.')
    w.file('nginx-deployment.yaml', manifests.nginxDeployment)
    await w.kubectl(['apply', '-f', 'nginx-deployment.yaml'])
    await w.kubectl(['rollout', 'status', 'deployment/nginx-deployment'])
    await settled(w, 'app=nginx', 3)
    await w.kubectl(['get', 'deployments,replicasets,pods', '-l', 'app=nginx'])
    w.say('The chain is held together by `ownerReferences`: each pod names its ReplicaSet as its controller, and the ReplicaSet names the Deployment. The garbage collector follows them backwards when an owner is deleted.')
    await w.kubectl(['get', 'replicasets', '-l', 'app=nginx', '-o', 'custom-columns=NAME:.metadata.name,OWNER-KIND:.metadata.ownerReferences[0].kind,OWNER:.metadata.ownerReferences[0].name,CONTROLLER:.metadata.ownerReferences[0].controller'])
    await w.kubectl(['get', 'pods', '-l', 'app=nginx', '-o', 'custom-columns=NAME:.metadata.name,OWNER-KIND:.metadata.ownerReferences[0].kind,OWNER:.metadata.ownerReferences[0].name,CONTROLLER:.metadata.ownerReferences[0].controller'])
    w.say('`kubectl tree` (the plugin in this repository\'s `bin/`; put it on the PATH) draws the same chain from the API:')
    await w.kubectl(['tree', 'deployment', 'nginx-deployment'])
  },
}

export const scalingAndRollout: Step = {
  id: 'scaling',
  title: 'Scaling and rolling out',
  async run(w) {
    w.say('`kubectl scale` writes the Deployment\'s `scale` subresource. The Deployment controller passes the new count on to the ReplicaSet, whose controller creates two more pods; the scheduler places them.')
    await w.kubectl(['scale', 'deployment', 'nginx-deployment', '--replicas=5'])
    await w.kubectl(['rollout', 'status', 'deployment/nginx-deployment'])
    await settled(w, 'app=nginx', 5)
    await w.kubectl(['get', 'pods', '-l', 'app=nginx', '-o', 'wide'])
    w.say('Changing the pod template starts a rollout: the Deployment controller creates a second ReplicaSet for the new template and moves replicas over step by step (at most 25% extra, at most 25% unavailable), scaling the new one up and the old one down as pods become ready.')
    await w.kubectl(['set', 'image', 'deployment/nginx-deployment', 'nginx=nginx:1.25'])
    await w.kubectl(['rollout', 'status', 'deployment/nginx-deployment'])
    await settled(w, 'app=nginx', 5)
    await w.kubectl(['rollout', 'history', 'deployment/nginx-deployment'])
    w.say('The old ReplicaSet stays, scaled to 0, so `kubectl rollout undo` can go back to it:')
    await w.kubectl(['get', 'replicasets', '-l', 'app=nginx', '-o', 'wide'])
    await w.kubectl(['tree', 'deployment', 'nginx-deployment'])
  },
}

export const nodeSelector: Step = {
  id: 'node-selector',
  title: 'Node labels and nodeSelector',
  async run(w) {
    w.say('Labels on a Node are ordinary metadata; a pod\'s `nodeSelector` makes the scheduler\'s NodeAffinity filter drop every node whose labels do not match.')
    await w.kubectl(['label', 'node', 'node-3', 'disktype=ssd'])
    await w.kubectl(['get', 'nodes', '-L', 'disktype'])
    w.file('nginx-ssd.yaml', manifests.podOnSsd)
    await w.kubectl(['apply', '-f', 'nginx-ssd.yaml'])
    const pod = await podRunning(w, 'nginx-ssd')
    if (pod.spec.nodeName !== 'node-3') throw new Error(`nginx-ssd landed on ${pod.spec.nodeName}, not node-3`)
    await w.kubectl(['get', 'pod', 'nginx-ssd', '-o', 'wide'])
    w.say('A selector no node matches leaves the pod Pending. The scheduler says why in a `FailedScheduling` Event and keeps the pod in its queue:')
    w.file('nginx-nvme.yaml', manifests.podOnNvme)
    await w.kubectl(['apply', '-f', 'nginx-nvme.yaml'])
    await w.waitFor('the FailedScheduling event of nginx-nvme', async () => {
      const events = await w.get(`${w.ns('v1', 'events')}?fieldSelector=${encodeURIComponent('involvedObject.name=nginx-nvme,reason=FailedScheduling')}`)
      return events.items.length > 0 || undefined
    })
    await w.kubectl(['get', 'pod', 'nginx-nvme'])
    await w.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=nginx-nvme'])
    w.say('When a node gets the label, the node update puts the pod back in the active queue and it is scheduled there:')
    await w.kubectl(['label', 'node', 'node-1', 'disktype=nvme'])
    const placed = await podRunning(w, 'nginx-nvme')
    if (placed.spec.nodeName !== 'node-1') throw new Error(`nginx-nvme landed on ${placed.spec.nodeName}, not node-1`)
    await w.kubectl(['get', 'pod', 'nginx-nvme', '-o', 'wide'])
  },
}

export const taints: Step = {
  id: 'taints',
  title: 'Taints',
  async run(w) {
    w.say('A taint works the other way round: the node repels every pod that does not tolerate it. With the effect `NoSchedule` the scheduler\'s TaintToleration filter keeps new pods away; pods already running there stay.')
    await w.kubectl(['taint', 'node', 'node-1', 'dedicated=experiments:NoSchedule'])
    await w.kubectl(['get', 'nodes', '-o', 'custom-columns=NAME:.metadata.name,TAINTS:.spec.taints'])
    await w.kubectl(['create', 'deployment', 'spread', '--image=nginx', '--replicas=4'])
    await w.kubectl(['rollout', 'status', 'deployment/spread'])
    const placed = await settled(w, 'app=spread', 4)
    if (placed.some((p) => p.spec.nodeName === 'node-1')) throw new Error('a pod of spread landed on the tainted node-1')
    await w.kubectl(['get', 'pods', '-l', 'app=spread', '-o', 'wide'])
    w.say('None of the four went to node-1, while the pods that were there before the taint still run:')
    await w.kubectl(['get', 'pods', '-o', 'wide', '--field-selector', 'spec.nodeName=node-1'])
    w.say('A trailing `-` removes the taint. node-1 is a candidate again:')
    await w.kubectl(['taint', 'node', 'node-1', 'dedicated=experiments:NoSchedule-'])
    await w.kubectl(['scale', 'deployment', 'spread', '--replicas=6'])
    await w.kubectl(['rollout', 'status', 'deployment/spread'])
    const after = await settled(w, 'app=spread', 6)
    await w.kubectl(['get', 'pods', '-l', 'app=spread', '-o', 'wide'])
    const onNode1 = after.filter((p) => p.spec.nodeName === 'node-1').length
    w.say(onNode1 > 0
      ? `This time ${onNode1 === 1 ? 'one of the new pods' : `${onNode1} of the new pods`} went to node-1: its taint is gone and the scheduler's scoring prefers the node with the fewest pods of the same kind.`
      : 'The scheduler\'s scores still preferred the other nodes for the two new pods, but node-1 was no longer filtered out.')
  },
}

export const failover: Step = {
  id: 'failover',
  title: 'Failover: a node stops answering',
  async run(w) {
    const victim = 'node-2'
    const before = (await pods(w, 'app=nginx')).filter((p) => !p.metadata.deletionTimestamp)
    const onVictim = ((await w.get(w.ns('v1', 'pods'))).items as Json[]).filter((p) => p.spec.nodeName === victim)
    const doomed = onVictim.map((p) => p.metadata.name as string)
    const bare = onVictim.filter((p) => !p.metadata.ownerReferences?.length).map((p) => p.metadata.name as string)
    w.say(`Each kubelet is a process whose command line names its node, so one can be frozen with SIGSTOP: it stops renewing its Lease and posting node status, as a machine that lost its network would. The nginx-deployment pods right now:`)
    await w.kubectl(['get', 'pods', '-l', 'app=nginx', '-o', 'wide'])
    const pid = w.kubeletPid(victim)
    // pgrep for real; lines of other clusters on this machine (tests, another npm start) are left out.
    const pattern = `kubelet/main.* --node-name ${victim}( |$)`
    let found = ''
    try {
      found = execFileSync('pgrep', ['-af', pattern], { encoding: 'utf8' })
    } catch {
      // pgrep exits 1 when nothing matches; the check below says so
    }
    const ours = found.split('\n').filter((l) => l.startsWith(`${pid} `))
    if (ours.length !== 1) throw new Error(`pgrep -af '${pattern}' did not list the kubelet of ${victim} (pid ${pid}):\n${found}`)
    w.say(`Find ${victim}'s kubelet and freeze it:`)
    w.shown(`pgrep -af '${pattern}'`, ours[0])
    w.shown(`kill -STOP ${pid}`, '')
    process.kill(pid, 'SIGSTOP')
    let resumed = false
    const resume = () => {
      if (!resumed) process.kill(pid, 'SIGCONT')
      resumed = true
    }
    try {
      await w.waitFor(`${victim} NotReady and tainted unreachable`, async () => {
        const node = await w.get(`/api/v1/nodes/${victim}`)
        const unknown = (node.status?.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'Unknown')
        const effects = new Set((node.spec.taints ?? []).filter((t: Json) => t.key === 'node.kubernetes.io/unreachable').map((t: Json) => t.effect))
        return unknown && effects.has('NoSchedule') && effects.has('NoExecute') || undefined
      }, 60_000)
      w.say(`After the grace period (8 s here, 40 s by default) without a heartbeat, the node lifecycle controller sets the node's conditions to Unknown ("Kubelet stopped posting node status"), which kubectl shows as NotReady, and taints the node \`node.kubernetes.io/unreachable\`, both NoSchedule and NoExecute:`)
      await w.kubectl(['get', 'nodes'])
      await w.kubectl(['get', 'node', victim, '-o', 'jsonpath={range .spec.taints[*]}{.key}:{.effect}{"\\n"}{end}'])
      await w.waitFor(`the pods of ${victim} evicted and nginx-deployment back to ${before.length} ready pods elsewhere`, async () => {
        const now = await pods(w, 'app=nginx')
        const live = now.filter((p) => !p.metadata.deletionTimestamp)
        const evicted = now.filter((p) => p.spec.nodeName === victim).every((p) => p.metadata.deletionTimestamp)
        return evicted && live.length === before.length && live.every((p) => isReady(p) && p.spec.nodeName !== victim) || undefined
      }, 90_000)
      w.say(`The pods tolerate that taint for 5 s only (the \`tolerationSeconds\` the apiserver's admission gave them; 300 s by default; DaemonSet pods such as kube-proxy's tolerate it forever). Then the taint eviction controller deletes the pods on ${victim}. They stay Terminating, since the kubelet that would confirm they stopped does not answer, but the ReplicaSet controller no longer counts them and creates replacements, which the scheduler puts on the nodes left:`)
      await w.kubectl(['get', 'pods', '-l', 'app=nginx', '-o', 'wide'])
      await w.kubectl(['get', 'events', '--field-selector', 'reason=TaintManagerEviction'])
      w.say('Let the kubelet run again:')
      w.shown(`kill -CONT ${pid}`, '')
      resume()
    } finally {
      resume()
    }
    await w.waitFor(`${victim} Ready without the unreachable taint, its evicted pods gone`, async () => {
      const node = await w.get(`/api/v1/nodes/${victim}`)
      if (!isReady(node) || (node.spec.taints ?? []).some((t: Json) => t.key === 'node.kubernetes.io/unreachable')) return undefined
      for (const name of doomed) if (await w.find(w.ns('v1', 'pods', name))) return undefined
      return true
    }, 60_000)
    w.say(`At its next heartbeat the node is Ready again and the controller removes the taints. The kubelet finds its pods deleted, stops their containers and confirms, so they disappear. Nothing moves back: the replacements stay where they are, and ${victim} is empty until new pods are scheduled.`)
    await w.kubectl(['get', 'nodes'])
    await w.kubectl(['get', 'pods', '-l', 'app=nginx', '-o', 'wide'])
    if (bare.length > 0) w.say(`The bare pod${bare.length > 1 ? 's' : ''} ${bare.join(', ')}, which no controller owns, ${bare.length > 1 ? 'are' : 'is'} gone for good: nothing recreates a pod without an owner.`)
  },
}

export const daemonSet: Step = {
  id: 'daemonset',
  title: 'DaemonSet: one pod per node',
  async run(w) {
    w.say('The DaemonSet controller creates one pod per eligible node. Each pod gets a node affinity to exactly its node (a `matchFields` on `metadata.name`), and the default scheduler binds it there, as upstream does since 1.12. DaemonSet pods also tolerate the not-ready and unreachable taints forever, so the failover above would not have touched them.')
    w.file('log-agent.yaml', manifests.logAgentDaemonSet)
    await w.kubectl(['apply', '-f', 'log-agent.yaml'])
    await w.kubectl(['rollout', 'status', 'daemonset/log-agent'])
    const nodes = await w.nodes()
    await settled(w, 'app=log-agent', nodes.length)
    await w.kubectl(['get', 'daemonset', 'log-agent'])
    await w.kubectl(['get', 'pods', '-l', 'app=log-agent', '-o', 'wide'])
    await w.waitFor('a log line from every agent', async () => {
      for (const pod of await pods(w, 'app=log-agent')) {
        const response = await fetch(`${w.serverUrl}${w.ns('v1', 'pods', pod.metadata.name)}/log`)
        if (!response.ok || !(await response.text()).includes('collecting')) return undefined
      }
      return true
    })
    await w.kubectl(['logs', '-l', 'app=log-agent', '--prefix'])
    w.say('Its pods are owned by the DaemonSet directly, and the controller keeps the template\'s revisions as ControllerRevisions:')
    await w.kubectl(['tree', 'daemonset', 'log-agent'])
  },
}

export const job: Step = {
  id: 'job',
  title: 'Job: run to completion',
  async run(w) {
    w.say('A Job\'s pods run until they exit. The Job controller keeps `parallelism` pods running until `completions` of them have succeeded, counting them through a finalizer on each pod so none is missed, then marks the Job Complete.')
    w.file('countdown.yaml', manifests.countdownJob)
    await w.kubectl(['apply', '-f', 'countdown.yaml'])
    await jobComplete(w, 'countdown')
    await w.kubectl(['wait', '--for=condition=Complete', 'job/countdown', '--timeout=120s'])
    await w.kubectl(['get', 'job', 'countdown'])
    await w.kubectl(['get', 'pods', '-l', 'job-name=countdown', '-o', 'wide'])
    await w.kubectl(['logs', 'job/countdown'])
  },
}

export const cronJob: Step = {
  id: 'cronjob',
  title: 'CronJob',
  async run(w) {
    w.say('A CronJob creates a Job at each time its schedule names; the CronJob controller checks its schedules and creates the Jobs, and the Job controller takes over from there.')
    await w.kubectl(['create', 'cronjob', 'hello', '--image=busybox', '--schedule=*/1 * * * *', '--', 'sh', '-c', 'date; echo Hello from the Kubernetes cluster'])
    await w.kubectl(['get', 'cronjob', 'hello'])
    w.say('Waiting for the next minute is optional: a Job can be made from the CronJob\'s template at once.')
    await w.kubectl(['create', 'job', 'hello-now', '--from=cronjob/hello'])
    await jobComplete(w, 'hello-now')
    await w.kubectl(['wait', '--for=condition=Complete', 'job/hello-now', '--timeout=120s'])
    await w.kubectl(['logs', 'job/hello-now'])
    w.progress('  (the CronJob fires at the start of the next minute)')
    const scheduled = await w.waitFor('the first scheduled Job of hello to complete', async () => {
      const jobs = (await w.get(w.ns('batch/v1', 'jobs'))).items as Json[]
      // hello-now is owned by the CronJob too (kubectl create job --from sets the owner); the scheduled ones are named by their minute.
      return jobs.find((j) => /^hello-\d+$/.test(j.metadata.name) && j.metadata.ownerReferences?.some((o: Json) => o.kind === 'CronJob' && o.name === 'hello') && (j.status?.conditions ?? []).some((c: Json) => c.type === 'Complete' && c.status === 'True'))
    }, 100_000)
    w.say(`At the start of the next minute the controller created \`${scheduled.metadata.name}\` (the suffix is the scheduled time in minutes since the epoch) and recorded the time as LAST SCHEDULE:`)
    await w.kubectl(['get', 'cronjob', 'hello'])
    await w.kubectl(['get', 'jobs'])
    await w.kubectl(['tree', 'cronjob', 'hello'])
    w.say('`hello-now` sits under the CronJob as well: `kubectl create job --from` makes the CronJob its owner. So deleting the CronJob deletes both Jobs and their pods: the garbage collector follows the ownerReferences.')
    await w.kubectl(['delete', 'cronjob', 'hello'])
    await w.waitFor('the jobs of hello gone', async () => {
      const jobs = (await w.get(w.ns('batch/v1', 'jobs'))).items as Json[]
      return !jobs.some((j) => j.metadata.name.startsWith('hello-')) || undefined
    })
    await w.kubectl(['get', 'jobs'])
  },
}

export const nodePortService: Step = {
  id: 'service',
  title: 'Services with NodePort',
  async run(w) {
    w.say('`kubectl expose` creates a Service selecting the Deployment\'s pods. The apiserver allocates a cluster IP and, for type NodePort, a port from 30000-32767; the endpoint controllers list the ready pods behind it; and the kube-proxy on every node (a stand-in running inside each kubelet) listens on the node\'s IP at the node port and forwards each connection to one of those pods.')
    await w.kubectl(['expose', 'deployment', 'nginx-deployment', '--type=NodePort', '--port=80'])
    await w.kubectl(['get', 'service', 'nginx-deployment', '-o', 'wide'])
    const service = await w.get(w.ns('v1', 'services', 'nginx-deployment'))
    const nodePort = service.spec.ports[0].nodePort as number
    await w.waitFor('5 endpoints', async () => {
      const ep = await w.find(w.ns('v1', 'endpoints', 'nginx-deployment'))
      return (ep?.subsets?.[0]?.addresses ?? []).length === 5 || undefined
    })
    await w.kubectl(['get', 'endpoints', 'nginx-deployment'])
    w.say(`Every node answers at port ${nodePort}, whichever node the chosen pod runs on:`)
    let first = true
    for (const node of await w.nodes()) {
      const url = `http://${node.ip}:${nodePort}`
      const text = await w.waitFor(`the nginx page at ${url}`, () => page(url), 30_000)
      if (!text.includes('Welcome to nginx!')) throw new Error(`${url} answered something else than nginx's welcome page:\n${text}`)
      if (first) w.shown(`curl ${url}`, text)
      else w.shown(`curl -s ${url} | grep '<title>'`, text.split('\n').filter((l) => l.includes('<title>')).join('\n'))
      first = false
    }
  },
}

export const downwardApi: Step = {
  id: 'downward-api',
  title: 'The downward API: a pod\'s own facts in its environment',
  async run(w) {
    w.say('An env var can take its value from the pod itself through a `fieldRef`. The kubelet resolves it when it starts the container: the name from the metadata, the node from the binding, the IP from the sandbox it just created.')
    w.file('downward-env.yaml', manifests.downwardEnvPod)
    await w.kubectl(['apply', '-f', 'downward-env.yaml'])
    await w.waitFor('downward-env Succeeded', async () => (await w.find(w.ns('v1', 'pods', 'downward-env')))?.status?.phase === 'Succeeded' || undefined)
    await w.kubectl(['logs', 'downward-env'])
    await w.kubectl(['get', 'pod', 'downward-env', '-o', 'wide'])
  },
}

export const sharedVolume: Step = {
  id: 'shared-volume',
  title: 'Two containers sharing a volume',
  async run(w) {
    w.say('Containers of one pod can share an `emptyDir` volume: the kubelet creates the directory when the pod starts and mounts it into each container that asks, at its own path. (The process runtime does this with a mount namespace per container when it runs as root.) Here the debian container writes a page into the volume and exits; the nginx container serves the same directory as its web root.')
    w.file('two-containers.yaml', manifests.twoContainersPod)
    await w.kubectl(['apply', '-f', 'two-containers.yaml'])
    const pod = await w.waitFor('nginx-container running and debian-container terminated', async () => {
      const p = await w.find(w.ns('v1', 'pods', 'two-containers'))
      const statuses = (p?.status?.containerStatuses ?? []) as Json[]
      const nginx = statuses.find((s) => s.name === 'nginx-container')
      const debian = statuses.find((s) => s.name === 'debian-container')
      return nginx?.state?.running && debian?.state?.terminated && p.status.podIP ? p : undefined
    })
    await w.kubectl(['get', 'pod', 'two-containers', '-o', 'wide'])
    w.say('READY 1/2 and NotReady: the debian container has finished (and `restartPolicy: Never` keeps it so), while nginx runs on. Its page is the file debian left behind:')
    const url = `http://${pod.status.podIP}`
    const text = await w.waitFor(`the page at ${url}`, () => page(url), 30_000)
    if (!text.includes('Hello from the debian container')) throw new Error(`${url} did not serve the debian container's page:\n${text}`)
    w.shown(`curl ${url}`, text)
  },
}

export const removedCommands: Step = {
  id: 'removed',
  title: 'Commands current Kubernetes removed',
  async run(w) {
    w.say('Older material uses commands kubectl or the API no longer have. Since kubectl 1.18, `kubectl run` only creates a single pod, and `--replicas` is gone:')
    await w.kubectl(['run', 'nginx-legacy', '--image=nginx', '--replicas=2'], { fails: true })
    w.say('Several replicas are a Deployment:')
    await w.kubectl(['create', 'deployment', 'nginx-legacy', '--image=nginx', '--replicas=2'])
    await w.kubectl(['rollout', 'status', 'deployment/nginx-legacy'])
    await w.kubectl(['get', 'deployment', 'nginx-legacy'])
    w.say('`--show-all` (`-a`) once made `kubectl get pods` include finished pods. The flag is gone because they are always shown now; a field selector picks them out:')
    await w.kubectl(['get', 'pods', '--show-all'], { fails: true })
    await w.kubectl(['get', 'pods', '--field-selector=status.phase==Succeeded'])
    w.say('CronJobs were alpha as `batch/v2alpha1`; they are `batch/v1` since Kubernetes 1.21, and clusters no longer serve the alpha version, so kubectl finds no resource for that kind and version in the API\'s discovery:')
    w.file('hello-v2alpha1.yaml', manifests.helloCronJobV2alpha1)
    await w.kubectl(['apply', '-f', 'hello-v2alpha1.yaml'], { fails: true })
    await w.kubectl(['api-resources', '--api-group=batch'])
    w.say('The same manifest with `apiVersion: batch/v1` is accepted:')
    w.file('hello-v1.yaml', manifests.helloCronJobV1)
    await w.kubectl(['apply', '-f', 'hello-v1.yaml'])
    await w.kubectl(['get', 'cronjobs'])
  },
}

/** The walkthrough, in the order docs/walkthrough.md tells it. */
export const walkthroughSteps: readonly Step[] = [
  theCluster, createPod, inspectPod, deploymentChain, scalingAndRollout, nodeSelector, taints, failover,
  daemonSet, job, cronJob, nodePortService, downwardApi, sharedVolume, removedCommands,
]

/** Runs steps in order, each under its own heading. */
export async function runSteps(w: Session, steps: readonly Step[]): Promise<void> {
  for (const step of steps) {
    w.progress(`== ${step.title}`)
    w.heading(`## ${step.title}`)
    await step.run(w)
  }
}
