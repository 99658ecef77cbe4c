// The Service registry's allocations, as upstream's service storage
// (alloc.go): a cluster IP for every Service that is neither ExternalName
// nor headless, node ports for NodePort and LoadBalancer Services. Create
// allocates what the client left empty and takes what it asked for; update
// allocates what the new object adds and, once written, gives back what it
// dropped (a type change from NodePort to ClusterIP frees its node ports);
// delete gives everything back. A failed or dry-run write gives back what it
// took. At start the state is rebuilt from the stored Services.
import type { KubeObject } from '../../../shared/api-types.ts'
import { StatusError } from '../../status-error.ts'
import type { FieldError } from '../../validation/field-error.ts'
import { isHeadless, type ServiceSpec } from '../../validation/service.ts'
import type { FinishWrite, WriteHooks } from '../write-hooks.ts'
import { IPAllocator } from './ip-allocator.ts'
import { PortAllocator } from './port-allocator.ts'

export interface ServiceAllocatorOptions {
  /** `--service-cluster-ip-range`. @default '10.96.0.0/12' */
  clusterIPRange?: string
  /** `--service-node-port-range`. @default '30000-32767' */
  nodePortRange?: string
  /** For tests: a number in [0, 1). @default Math.random */
  random?: () => number
}

export const defaultServiceClusterIPRange = '10.96.0.0/12'
export const defaultServiceNodePortRange = '30000-32767'

interface Service extends KubeObject {
  spec?: ServiceSpec
}

/** What one write took, and what it frees once it succeeded. */
class Transaction {
  readonly takenIPs: string[] = []
  readonly takenPorts: number[] = []
  readonly freedIPs: string[] = []
  readonly freedPorts: number[] = []
}

function needsClusterIP(spec: ServiceSpec): boolean {
  return spec.type !== 'ExternalName' && !isHeadless(spec)
}

function primaryClusterIP(spec: ServiceSpec): string | undefined {
  return spec.clusterIPs?.[0] || spec.clusterIP || undefined
}

/** NodePort, and LoadBalancer unless allocateLoadBalancerNodePorts is false, get a node port per port. */
function allocatesNodePorts(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false)
}

function keepsNodePorts(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer'
}

function nodePortsOf(spec: ServiceSpec | undefined): Set<number> {
  const ports = new Set<number>()
  if (!spec || !keepsNodePorts(spec)) return ports
  for (const p of spec.ports ?? []) if (typeof p.nodePort === 'number' && p.nodePort > 0) ports.add(p.nodePort)
  return ports
}

/** Go's %#v of a []string, as upstream's field errors print it. */
function goStringSlice(values: string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`
}

function invalidService(svc: Service, error: FieldError): StatusError {
  return StatusError.invalid('', 'Service', svc.metadata.name ?? '', [error])
}

export class ServiceAllocator {
  readonly ips: IPAllocator
  readonly ports: PortAllocator

  /** Throws a RangeError when a range does not parse. */
  constructor(options: ServiceAllocatorOptions = {}) {
    this.ips = new IPAllocator(options.clusterIPRange ?? defaultServiceClusterIPRange, options.random)
    this.ports = new PortAllocator(options.nodePortRange ?? defaultServiceNodePortRange, options.random)
  }

  /** The `kubernetes` Service's address: the first of the range. */
  get kubernetesServiceIP(): string {
    return this.ips.firstAddress
  }

  /**
   * Marks what the stored Services hold. Returns one line per inconsistency
   * (an address held twice, out of range), for the log, as upstream's
   * repair controllers report them.
   */
  rebuild(services: readonly KubeObject[]): string[] {
    const problems: string[] = []
    for (const obj of services) {
      const svc = obj as Service
      const spec = svc.spec ?? {}
      const who = `${svc.metadata.namespace}/${svc.metadata.name}`
      const ip = needsClusterIP(spec) ? primaryClusterIP(spec) : undefined
      if (ip) {
        const failure = this.ips.allocate(ip)
        if (failure === 'allocated') problems.push(`the cluster IP ${ip} for service ${who} was assigned to multiple services`)
        if (failure === 'notInRange') problems.push(`the cluster IP ${ip} for service ${who} is not within the service CIDR ${this.ips.cidr}`)
      }
      for (const port of nodePortsOf(spec)) {
        const failure = this.ports.allocate(port)
        if (failure === 'allocated') problems.push(`the node port ${port} for service ${who} was assigned to multiple services`)
        if (failure === 'notInRange') problems.push(`the node port ${port} for service ${who} is not within the port range ${this.ports.text}`)
      }
    }
    return problems
  }

  /** Allocates for a new Service (filling spec.clusterIP(s) and nodePorts); throws a StatusError. */
  allocateCreate(svc: Service): FinishWrite {
    const txn = new Transaction()
    const spec = (svc.spec ??= {})
    try {
      if (needsClusterIP(spec)) this.allocateClusterIP(svc, spec, txn)
      this.allocateNodePorts(svc, spec, new Set(), txn)
    } catch (err) {
      this.rollback(txn)
      throw err
    }
    return (success) => this.finish(txn, success)
  }

  /** Allocates what `next` adds to `prev`; what it drops is freed once the write succeeded. */
  allocateUpdate(next: Service, prev: Service): FinishWrite {
    const txn = new Transaction()
    const spec = (next.spec ??= {})
    const old = prev.spec ?? {}
    const oldIP = needsClusterIP(old) ? primaryClusterIP(old) : undefined
    try {
      if (needsClusterIP(spec)) {
        const ip = primaryClusterIP(spec)
        if (!ip || ip !== oldIP) this.allocateClusterIP(next, spec, txn)
      }
      if (oldIP && (!needsClusterIP(spec) || primaryClusterIP(spec) !== oldIP)) txn.freedIPs.push(oldIP)
      const oldPorts = nodePortsOf(old)
      this.allocateNodePorts(next, spec, oldPorts, txn)
      const kept = nodePortsOf(spec)
      for (const port of oldPorts) if (!kept.has(port)) txn.freedPorts.push(port)
    } catch (err) {
      this.rollback(txn)
      throw err
    }
    return (success) => this.finish(txn, success)
  }

  /** Gives back everything a deleted Service held. */
  release(obj: KubeObject): void {
    const spec = (obj as Service).spec ?? {}
    const ip = needsClusterIP(spec) ? primaryClusterIP(spec) : undefined
    if (ip) this.ips.release(ip)
    for (const port of nodePortsOf(spec)) this.ports.release(port)
  }

  /** The hooks the REST store runs around Service writes. */
  hooks(): WriteHooks {
    return {
      beginCreate: (obj) => this.allocateCreate(obj as Service),
      beginUpdate: (next, prev) => this.allocateUpdate(next as Service, prev as Service),
      afterDelete: (obj) => this.release(obj),
    }
  }

  private allocateClusterIP(svc: Service, spec: ServiceSpec, txn: Transaction): void {
    const requested = primaryClusterIP(spec)
    if (requested) {
      const failure = this.ips.allocate(requested)
      if (failure) {
        const why = failure === 'allocated' ? 'provided IP is already allocated' : `provided IP is not in the valid range. The range of valid IPs is ${this.ips.cidr}`
        const value = spec.clusterIPs?.length ? spec.clusterIPs : [requested]
        throw invalidService(svc, { type: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ${goStringSlice(value)}: failed to allocate IP ${requested}: ${why}` })
      }
      txn.takenIPs.push(requested)
      return
    }
    const ip = this.ips.allocateNext()
    if (!ip) throw StatusError.internal('failed to allocate a serviceIP: range is full')
    txn.takenIPs.push(ip)
    spec.clusterIP = ip
    spec.clusterIPs = [ip]
  }

  /**
   * Requested node ports first (those the old object held stay held), then
   * one for each port without; ports of the same number (TCP and UDP) share one.
   */
  private allocateNodePorts(svc: Service, spec: ServiceSpec, held: Set<number>, txn: Transaction): void {
    if (!keepsNodePorts(spec)) return
    const ports = spec.ports ?? []
    const byServicePort = new Map<number, number>()
    ports.forEach((port, i) => {
      const nodePort = port.nodePort
      if (typeof nodePort !== 'number' || nodePort === 0) return
      if (!held.has(nodePort) && !txn.takenPorts.includes(nodePort)) {
        const failure = this.ports.allocate(nodePort)
        if (failure) {
          const why = failure === 'allocated' ? 'provided port is already allocated' : `provided port is not in the valid range. The range of valid ports is ${this.ports.text}`
          throw invalidService(svc, { type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${nodePort}: ${why}` })
        }
        txn.takenPorts.push(nodePort)
      }
      if (port.port !== undefined) byServicePort.set(port.port, nodePort)
    })
    if (!allocatesNodePorts(spec)) return
    for (const port of ports) {
      if (typeof port.nodePort === 'number' && port.nodePort !== 0) continue
      const shared = port.port !== undefined ? byServicePort.get(port.port) : undefined
      if (shared !== undefined) {
        port.nodePort = shared
        continue
      }
      const nodePort = this.ports.allocateNext()
      if (nodePort === undefined) throw StatusError.internal('failed to allocate a nodePort: range is full')
      txn.takenPorts.push(nodePort)
      port.nodePort = nodePort
      if (port.port !== undefined) byServicePort.set(port.port, nodePort)
    }
  }

  private finish(txn: Transaction, success: boolean): void {
    if (!success) return this.rollback(txn)
    for (const ip of txn.freedIPs) this.ips.release(ip)
    for (const port of txn.freedPorts) this.ports.release(port)
  }

  private rollback(txn: Transaction): void {
    for (const ip of txn.takenIPs) this.ips.release(ip)
    for (const port of txn.takenPorts) this.ports.release(port)
    txn.takenIPs.length = 0
    txn.takenPorts.length = 0
  }
}
