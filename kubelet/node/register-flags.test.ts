import { describe, expect, it } from 'vitest'
import { parseNodeLabels, parseRegisterWithTaints, parseTaint } from './register-flags.ts'

describe('parseTaint (--register-with-taints)', () => {
  it.each([
    ['dedicated=gpu:NoSchedule', { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
    ['example.com/special:NoExecute', { key: 'example.com/special', effect: 'NoExecute' }],
    ['key=:PreferNoSchedule', { key: 'key', effect: 'PreferNoSchedule' }],
    // upstream parses a bare key; the apiserver then refuses the Node for its missing effect
    ['bare', { key: 'bare', effect: '' }],
  ])('%s', (spec, taint) => {
    expect(parseTaint(spec)).toEqual(taint)
  })

  it.each([
    ['a=b:Sometimes', 'invalid taint effect: Sometimes, unsupported taint effect'],
    ['a:', 'invalid taint effect: , unsupported taint effect'],
    ['a=b=c:NoSchedule', 'invalid taint spec: a=b=c:NoSchedule'],
    ['a:b:NoSchedule', 'invalid taint spec: a:b:NoSchedule'],
    ['a=b c:NoSchedule', 'invalid taint spec: a=b c:NoSchedule, a valid label must be an empty string or consist of'],
    ['-a:NoSchedule', "invalid taint spec: -a:NoSchedule, name part must consist of alphanumeric characters, '-', '_' or '.'"],
    ['=v:NoSchedule', 'invalid taint spec: =v:NoSchedule, name part must be non-empty'],
  ])('%s is refused', (spec, message) => {
    expect(() => parseTaint(spec)).toThrow(message)
  })

  it('splits the flag on commas; empty means none', () => {
    expect(parseRegisterWithTaints('')).toEqual([])
    expect(parseRegisterWithTaints('a=1:NoSchedule,b:NoExecute')).toEqual([
      { key: 'a', value: '1', effect: 'NoSchedule' },
      { key: 'b', effect: 'NoExecute' },
    ])
    expect(() => parseRegisterWithTaints('a=1:NoSchedule,b:Never')).toThrow('invalid taint effect: Never')
  })
})

describe('parseNodeLabels (--node-labels)', () => {
  it('takes labels outside kubernetes.io and the allowed kubelet namespaces', () => {
    expect(parseNodeLabels('tier=web, node.kubernetes.io/pool=a,example.kubelet.kubernetes.io/x=1,topology.kubernetes.io/zone=z1')).toEqual({
      tier: 'web', 'node.kubernetes.io/pool': 'a', 'example.kubelet.kubernetes.io/x': '1', 'topology.kubernetes.io/zone': 'z1',
    })
  })

  it('refuses node-role and other kubernetes.io labels, as upstream since 1.16', () => {
    expect(() => parseNodeLabels('node-role.kubernetes.io/worker=')).toThrow(
      "unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels: [node-role.kubernetes.io/worker]",
    )
    expect(() => parseNodeLabels('foo.k8s.io/x=1')).toThrow('--node-labels in the \'kubernetes.io\' namespace must begin with an allowed prefix (kubelet.kubernetes.io, node.kubernetes.io)')
  })

  it('refuses invalid keys and values', () => {
    expect(() => parseNodeLabels('a=b c')).toThrow("invalid node labels: 'b c' - ")
    expect(() => parseNodeLabels('novalue')).toThrow('malformed pair')
  })
})
