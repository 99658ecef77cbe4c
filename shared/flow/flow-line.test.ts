import { describe, expect, it } from 'vitest'
import { userAgentFor } from '../client/client.ts'
import { apiTarget, clientName, failureReason, flowTime, isFlowLine, requestLine, requestTarget, responseVersion, watchLine, writeSummary } from './flow-line.ts'

describe('clientName', () => {
  it('names kubectl by its product, whatever its version and platform', () => {
    expect(clientName('kubectl/v1.32.2 (linux/amd64) kubernetes/67a30c0')).toBe('kubectl')
    expect(clientName('kubectl/v1.35.0 (darwin/arm64) kubernetes/abcdef0')).toBe('kubectl')
    // client-go puts the executable's name first: a versioned copy of kubectl is still kubectl.
    expect(clientName('kubectl-v35/v1.35.2 (linux/amd64) kubernetes/abcdef0')).toBe('kubectl')
    expect(clientName('kubectl.exe/v1.32.2 (windows/amd64) kubernetes/abcdef0')).toBe('kubectl')
    expect(clientName('kubectl-neat/v0.0.0 (linux/amd64) kubernetes/$Format')).toBe('kubectl-neat')
  })

  it('names our components without the kubeling- prefix', () => {
    expect(clientName('kubeling-scheduler/0.1.0')).toBe('scheduler')
    expect(clientName('kubeling-controller-manager/0.1.0')).toBe('controller-manager')
    expect(clientName('kubeling-kubelet/0.1.0')).toBe('kubelet')
  })

  it('adds the instance a component names in its comment: the kubelet its node', () => {
    expect(clientName('kubeling-kubelet/0.1.0 (node-1)')).toBe('kubelet(node-1)')
    expect(clientName(userAgentFor('kubelet', 'kubeling-control-plane'))).toBe('kubelet(kubeling-control-plane)')
    // An os/arch comment is no instance.
    expect(clientName('kubeling-scheduler/0.1.0 (linux/amd64)')).toBe('scheduler')
  })

  it('takes the product token of anything else, and the fallback without a User-Agent', () => {
    expect(clientName('curl/8.5.0')).toBe('curl')
    expect(clientName('Helm/3.17.0')).toBe('Helm')
    expect(clientName('node')).toBe('node')
    expect(clientName(undefined, '127.0.0.1')).toBe('127.0.0.1')
    expect(clientName('   ')).toBe('unknown')
  })

  it('puts the kubelet\'s node in its User-Agent comment, and nothing for the other components', () => {
    expect(userAgentFor('kubelet', 'node-1')).toMatch(/^kubeling-kubelet\/\S+ \(node-1\)$/)
    expect(userAgentFor('scheduler')).not.toContain('(')
  })
})

describe('flow lines', () => {
  it('writes a request as sender → apiserver, method, target, detail, outcome and rv', () => {
    expect(requestLine({ from: 'kubectl', method: 'POST', target: '/api/v1/namespaces/default/pods', detail: 'nginx', code: 201, rv: '412' }))
      .toBe('kubectl → apiserver  POST /api/v1/namespaces/default/pods nginx → 201 rv=412')
    expect(requestLine({ from: 'scheduler', method: 'POST', target: '/api/v1/namespaces/default/pods/nginx/binding', detail: 'node-1', code: 201 }))
      .toBe('scheduler → apiserver  POST /api/v1/namespaces/default/pods/nginx/binding node-1 → 201')
    expect(requestLine({ from: 'kubectl', method: 'GET', target: '/api/v1/namespaces/default/pods/x', code: 404, reason: 'NotFound' }))
      .toBe('kubectl → apiserver  GET /api/v1/namespaces/default/pods/x → 404 NotFound')
    expect(requestLine({ from: 'scheduler', method: 'GET', target: '/api/v1/pods?watch=true', code: 200, note: 'watch 3.2 s' }))
      .toBe('scheduler → apiserver  GET /api/v1/pods?watch=true → 200 (watch 3.2 s)')
    expect(requestLine({ from: 'kubelet(node-1)', method: 'GET', target: '/api/v1/nodes/node-1', code: 'ECONNREFUSED' }))
      .toBe('kubelet(node-1) → apiserver  GET /api/v1/nodes/node-1 → ECONNREFUSED')
  })

  it('writes a watch event as apiserver → watcher, type, kind, namespace/name and rv', () => {
    expect(watchLine({ to: 'scheduler', type: 'ADDED', kind: 'pod', namespace: 'default', name: 'nginx', rv: '412' }))
      .toBe('apiserver → scheduler  watch ADDED pod default/nginx rv=412')
    expect(watchLine({ to: 'kubelet(node-1)', type: 'MODIFIED', kind: 'node', name: 'node-1', rv: '9' }))
      .toBe('apiserver → kubelet(node-1)  watch MODIFIED node node-1 rv=9')
  })

  it('stamps lines with a local time of day and recognizes them among log lines', () => {
    const at = new Date(2024, 0, 2, 3, 4, 5, 6).getTime()
    expect(flowTime(at)).toBe('03:04:05.006')
    expect(isFlowLine(`${flowTime(at)} kubectl → apiserver  POST /api/v1/namespaces/default/pods nginx → 201`)).toBe(true)
    expect(isFlowLine(`${flowTime(at)} apiserver → kubelet(node-1)  watch ADDED pod default/nginx rv=2`)).toBe(true)
    expect(isFlowLine(`${flowTime(at)} WARN  something went wrong`)).toBe(false)
    expect(isFlowLine('{"level":30,"msg":"request"}')).toBe(false)
  })

  it('keeps the decoded query of reads and drops that of writes', () => {
    expect(requestTarget('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1&watch=true')).toBe('/api/v1/pods?fieldSelector=spec.nodeName=node-1&watch=true')
    expect(requestTarget('POST', '/api/v1/namespaces/default/pods?fieldManager=kubectl-run')).toBe('/api/v1/namespaces/default/pods')
    expect(requestTarget('GET', '/version')).toBe('/version')
  })
})

describe('apiTarget', () => {
  it('splits core and group paths, namespaced or not', () => {
    expect(apiTarget('/api/v1/namespaces/default/pods/nginx/status')).toEqual({ namespace: 'default', resource: 'pods', name: 'nginx', subresource: 'status' })
    expect(apiTarget('/apis/apps/v1/namespaces/ns/deployments?watch=1')).toEqual({ namespace: 'ns', resource: 'deployments', name: undefined, subresource: undefined })
    expect(apiTarget('/api/v1/nodes/node-1')).toEqual({ resource: 'nodes', name: 'node-1', subresource: undefined })
    expect(apiTarget('/api/v1/namespaces/kube-system/status')).toEqual({ resource: 'namespaces', name: 'kube-system', subresource: 'status' })
    expect(apiTarget('/api/v1/namespaces/kube-system')).toEqual({ resource: 'namespaces', name: 'kube-system', subresource: undefined })
    expect(apiTarget('/version')).toEqual({})
  })
})

describe('writeSummary', () => {
  const pod = (phase: string) => ({ kind: 'Pod', metadata: { name: 'nginx', namespace: 'default', resourceVersion: '7' }, status: { phase } })

  it('names what a create made, since its path has no name', () => {
    expect(writeSummary('POST', apiTarget('/api/v1/namespaces/default/pods'), undefined, pod('Pending'))).toBe('nginx')
  })

  it('names the node of a binding, from the request', () => {
    const binding = { kind: 'Binding', metadata: { name: 'nginx' }, target: { kind: 'Node', name: 'node-1' } }
    expect(writeSummary('POST', apiTarget('/api/v1/namespaces/default/pods/nginx/binding'), binding, { kind: 'Status', status: 'Success' })).toBe('node-1')
  })

  it('says the phase a pod status write leaves, a node\'s Ready condition and a scale', () => {
    expect(writeSummary('PATCH', apiTarget('/api/v1/namespaces/default/pods/nginx/status'), {}, pod('Running'))).toBe('Running')
    const node = { kind: 'Node', metadata: { name: 'n' }, status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }] } }
    expect(writeSummary('PUT', apiTarget('/api/v1/nodes/n/status'), node, node)).toBe('Ready=True')
    expect(writeSummary('PUT', apiTarget('/apis/apps/v1/namespaces/d/deployments/web/scale'), {}, { kind: 'Scale', spec: { replicas: 3 } })).toBe('replicas=3')
    expect(writeSummary('PUT', apiTarget('/apis/apps/v1/namespaces/d/replicasets/web/status'), {}, { kind: 'ReplicaSet', status: { replicas: 3, readyReplicas: 2 } })).toBe('replicas=3 ready=2')
  })

  it('says nothing for reads, deletes and plain updates', () => {
    expect(writeSummary('GET', apiTarget('/api/v1/namespaces/default/pods/nginx'), undefined, pod('Running'))).toBeUndefined()
    expect(writeSummary('DELETE', apiTarget('/api/v1/namespaces/default/pods/nginx'), undefined, pod('Running'))).toBeUndefined()
    expect(writeSummary('PUT', apiTarget('/api/v1/namespaces/default/pods/nginx'), undefined, pod('Running'))).toBeUndefined()
  })
})

describe('responseVersion and failureReason', () => {
  it('read the rv of an object, not of a list or a Status', () => {
    expect(responseVersion({ kind: 'Pod', metadata: { resourceVersion: '5' } })).toBe('5')
    expect(responseVersion({ kind: 'PodList', metadata: { resourceVersion: '5' } })).toBeUndefined()
    expect(responseVersion({ kind: 'Status', metadata: {} })).toBeUndefined()
    expect(responseVersion(undefined)).toBeUndefined()
  })

  it('read the reason of a failure Status', () => {
    expect(failureReason({ kind: 'Status', status: 'Failure', reason: 'AlreadyExists', code: 409 })).toBe('AlreadyExists')
    expect(failureReason({ kind: 'Pod' })).toBeUndefined()
  })
})
