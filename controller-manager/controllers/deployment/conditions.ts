// Deployment conditions (upstream's New/Get/Set/RemoveDeploymentCondition):
// at most one per type; setting one with the same status and reason is a
// no-op, and lastTransitionTime moves only when the status does.
import type { DeploymentCondition, DeploymentStatus, ReplicaSetCondition } from './deployment-types.ts'

/** RFC 3339 with whole seconds, as metav1.Time serialises. */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

export function newCondition(type: string, status: DeploymentCondition['status'], reason: string, message: string, now: number): DeploymentCondition {
  const t = formatTime(now)
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message }
}

export function getCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type)
}

export function setCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getCondition(status, condition.type)
  if (current && current.status === condition.status && current.reason === condition.reason) return
  const next = { ...condition }
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next]
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  const rest = (status.conditions ?? []).filter((c) => c.type !== type)
  if (rest.length > 0) status.conditions = rest
  else delete status.conditions
}

/** A ReplicaSet's failure condition as the Deployment reports it. */
export function replicaSetToDeploymentCondition(c: ReplicaSetCondition): DeploymentCondition {
  return {
    type: c.type, status: c.status as DeploymentCondition['status'],
    lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime,
    reason: c.reason, message: c.message,
  }
}
