// The environment a container's processes get: the pod's env, plus what
// containerd and runc add when the pod does not set it.
import { homedir } from 'node:os'
import { defaultContainerPath } from './look-path.ts'
import type { ContainerConfig } from './types.ts'

/**
 * config.env (later entries win) over the runtime's defaults: PATH (the
 * image default), HOSTNAME (containerd sets it to the pod's hostname), HOME
 * (runc sets the user's home) and TERM=xterm with a tty (as docker and
 * containerd do). Nothing of the kubelet's own environment leaks in.
 */
export function containerEnv(config: Pick<ContainerConfig, 'env' | 'tty'>, hostname: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: defaultContainerPath,
    HOSTNAME: hostname,
    HOME: process.getuid?.() === 0 ? '/root' : homedir(),
  }
  if (config.tty) env.TERM = 'xterm'
  for (const [k, v] of config.env) env[k] = v
  return env
}
