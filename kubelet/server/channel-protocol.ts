// The channel protocol exec and attach speak over WebSocket
// (v4.channel.k8s.io, v5.channel.k8s.io): every binary message is one channel
// byte and a payload. v5 adds channel 255, "stream N is closed", which
// kubectl sends as `ff 00` when its stdin ends.
import type { Status } from '../../shared/api-types.ts'

/** Preferred first: kubectl 1.30+ offers v5 only. */
export const channelProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const
export type ChannelProtocol = (typeof channelProtocols)[number]

export const channel = {
  stdin: 0,
  stdout: 1,
  stderr: 2,
  /** Server → client: the final Status. */
  error: 3,
  /** Client → server: JSON `{"Width":80,"Height":24}`. */
  resize: 4,
  /** v5 only: payload is the channel that was closed. */
  close: 255,
} as const

export function encodeChannelMessage(ch: number, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload
  const msg = Buffer.allocUnsafe(body.length + 1)
  msg[0] = ch
  body.copy(msg, 1)
  return msg
}

/** Splits a message into channel and payload; undefined for an empty message. */
export function decodeChannelMessage(msg: Buffer): { channel: number; payload: Buffer } | undefined {
  if (msg.length === 0) return undefined
  return { channel: msg[0], payload: msg.subarray(1) }
}

export interface TerminalSize {
  width: number
  height: number
}

/** Parses a resize payload; undefined when it is not `{"Width":n,"Height":n}` with sane numbers. */
export function parseResize(payload: Buffer): TerminalSize | undefined {
  let v: unknown
  try {
    v = JSON.parse(payload.toString('utf8'))
  } catch {
    return undefined
  }
  const { Width, Height } = (v ?? {}) as { Width?: unknown; Height?: unknown }
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffff
  if (!ok(Width) || !ok(Height)) return undefined
  return { width: Width, height: Height }
}

/** The status channel carries a Status without kind, apiVersion or code, as the kubelet writes it. */
export type StreamStatus = Omit<Status, 'kind' | 'apiVersion' | 'code'>

export const successStatus: StreamStatus = { metadata: {}, status: 'Success' }

/** The Status kubectl turns into `command terminated with exit code N` and its own exit code N. */
export function exitCodeStatus(command: readonly string[], exitCode: number): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  }
}

/** Any other failure: kubectl prints the message as an error and exits 1. */
export function failureStatus(message: string): StreamStatus {
  return { metadata: {}, status: 'Failure', message }
}
