import { describe, it, expect } from 'vitest'
import type { Node, NodeSelectorTerm } from './core-types.ts'
import {
  compileNodeSelector,
  compileNodeSelectorMap,
  compileNodeSelectorTerm,
  compileRequiredNodeAffinity,
  isEmptyNodeSelectorTerm,
  matchesNodeSelector,
} from './node-selector.ts'

function node(name: string, labels: Record<string, string> = {}): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels } }
}

const zoneA = node('n1', { zone: 'a', gen: '5', disk: 'ssd' })
const zoneB = node('n2', { zone: 'b', gen: '12' })

function termMatches(term: NodeSelectorTerm, n: Node): boolean {
  return compileNodeSelectorTerm(term).matches(n)
}

const expr = (key: string, operator: string, values?: string[]): NodeSelectorTerm => ({
  matchExpressions: [{ key, operator, ...(values ? { values } : {}) }],
})

describe('matchExpressions operators', () => {
  it('In needs the label with one of the values', () => {
    expect(termMatches(expr('zone', 'In', ['a', 'c']), zoneA)).toBe(true)
    expect(termMatches(expr('zone', 'In', ['b', 'c']), zoneA)).toBe(false)
    expect(termMatches(expr('missing', 'In', ['a']), zoneA)).toBe(false)
  })

  it('NotIn passes when the label is absent or has another value', () => {
    expect(termMatches(expr('zone', 'NotIn', ['b']), zoneA)).toBe(true)
    expect(termMatches(expr('zone', 'NotIn', ['a']), zoneA)).toBe(false)
    expect(termMatches(expr('missing', 'NotIn', ['a']), zoneA)).toBe(true)
  })

  it('Exists and DoesNotExist look at the key only', () => {
    expect(termMatches(expr('disk', 'Exists'), zoneA)).toBe(true)
    expect(termMatches(expr('disk', 'Exists'), zoneB)).toBe(false)
    expect(termMatches(expr('disk', 'DoesNotExist'), zoneA)).toBe(false)
    expect(termMatches(expr('disk', 'DoesNotExist'), zoneB)).toBe(true)
  })

  it('Gt and Lt compare as integers, not strings', () => {
    // '12' < '5' as strings; as integers 12 > 5.
    expect(termMatches(expr('gen', 'Gt', ['6']), zoneB)).toBe(true)
    expect(termMatches(expr('gen', 'Gt', ['6']), zoneA)).toBe(false)
    expect(termMatches(expr('gen', 'Lt', ['6']), zoneA)).toBe(true)
    expect(termMatches(expr('gen', 'Lt', ['6']), zoneB)).toBe(false)
    expect(termMatches(expr('gen', 'Gt', ['5']), zoneA)).toBe(false)
    expect(termMatches(expr('gen', 'Lt', ['007']), zoneA)).toBe(true)
  })

  it('Gt and Lt fail on a missing or non-integer label', () => {
    expect(termMatches(expr('gen', 'Gt', ['1']), node('x', {}))).toBe(false)
    expect(termMatches(expr('zone', 'Gt', ['1']), zoneA)).toBe(false)
    expect(termMatches(expr('gen', 'Lt', ['100']), node('x', { gen: '1.5' }))).toBe(false)
  })

  it('expressions in a term are ANDed', () => {
    const term: NodeSelectorTerm = { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disk', operator: 'Exists' }] }
    expect(termMatches(term, zoneA)).toBe(true)
    expect(termMatches(term, node('n3', { zone: 'a' }))).toBe(false)
  })
})

describe('invalid requirements make the term match nothing', () => {
  it.each([
    ['unknown operator', expr('zone', 'Equals', ['a'])],
    ['In without values', expr('zone', 'In', [])],
    ['NotIn without values', expr('zone', 'NotIn')],
    ['Exists with values', expr('zone', 'Exists', ['a'])],
    ['DoesNotExist with values', expr('other', 'DoesNotExist', ['a'])],
    ['Gt with two values', expr('gen', 'Gt', ['1', '2'])],
    ['Lt with a non-integer', expr('gen', 'Lt', ['ten'])],
    ['Lt beyond int64', expr('gen', 'Lt', ['9223372036854775808'])],
    // A label value cannot start with '-', so upstream rejects negative bounds.
    ['Gt with a negative bound', expr('gen', 'Gt', ['-1'])],
    ['bad key', expr('bad key', 'Exists')],
    ['bad value', expr('zone', 'NotIn', ['not valid!'])],
  ])('%s', (_what, term) => {
    const compiled = compileNodeSelectorTerm(term)
    expect(compiled.valid).toBe(false)
    expect(compiled.matches(zoneA)).toBe(false)
    expect(compiled.matches(zoneB)).toBe(false)
  })
})

describe('matchFields', () => {
  it('In and NotIn compare metadata.name', () => {
    expect(termMatches({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }, zoneA)).toBe(true)
    expect(termMatches({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }, zoneA)).toBe(false)
    expect(termMatches({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n2', 'n3'] }] }, zoneA)).toBe(true)
    expect(termMatches({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n3', 'n1'] }] }, zoneA)).toBe(false)
  })

  it('In takes exactly one value; other operators are invalid', () => {
    expect(compileNodeSelectorTerm({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1', 'n2'] }] }).valid).toBe(false)
    expect(compileNodeSelectorTerm({ matchFields: [{ key: 'metadata.name', operator: 'Exists' }] }).valid).toBe(false)
  })

  it('any other field reads as empty', () => {
    expect(termMatches({ matchFields: [{ key: 'spec.unschedulable', operator: 'In', values: ['true'] }] }, zoneA)).toBe(false)
    expect(termMatches({ matchFields: [{ key: 'spec.unschedulable', operator: 'NotIn', values: ['true'] }] }, zoneA)).toBe(true)
  })

  it('combine with expressions by AND', () => {
    const term: NodeSelectorTerm = {
      matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }],
      matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }],
    }
    expect(termMatches(term, zoneA)).toBe(false)
    expect(termMatches(term, zoneB)).toBe(true)
  })
})

describe('NodeSelector', () => {
  it('terms are ORed', () => {
    const match = compileNodeSelector({ nodeSelectorTerms: [expr('zone', 'In', ['a']), expr('gen', 'Gt', ['10'])] })
    expect(match(zoneA)).toBe(true)
    expect(match(zoneB)).toBe(true)
    expect(match(node('n3', { zone: 'c' }))).toBe(false)
  })

  it('empty terms and no terms match nothing', () => {
    expect(isEmptyNodeSelectorTerm({})).toBe(true)
    expect(isEmptyNodeSelectorTerm({ matchExpressions: [], matchFields: [] })).toBe(true)
    expect(matchesNodeSelector(zoneA, { nodeSelectorTerms: [{}] })).toBe(false)
    expect(matchesNodeSelector(zoneA, { nodeSelectorTerms: [] })).toBe(false)
    expect(matchesNodeSelector(zoneA, undefined)).toBe(false)
  })

  it('an invalid term does not stop a valid one from matching', () => {
    expect(matchesNodeSelector(zoneA, { nodeSelectorTerms: [expr('zone', 'Bogus', ['a']), expr('zone', 'In', ['a'])] })).toBe(true)
  })
})

describe('spec.nodeSelector', () => {
  it('needs every label with exactly that value', () => {
    const match = compileNodeSelectorMap({ zone: 'a', disk: 'ssd' })
    expect(match(zoneA)).toBe(true)
    expect(match(node('n3', { zone: 'a', disk: 'hdd' }))).toBe(false)
    expect(match(node('n4', { zone: 'a' }))).toBe(false)
  })

  it('an empty value needs the label to be present and empty', () => {
    const match = compileNodeSelectorMap({ edge: '' })
    expect(match(node('n3', { edge: '' }))).toBe(true)
    expect(match(node('n4', {}))).toBe(false)
  })
})

describe('compileRequiredNodeAffinity', () => {
  it('is undefined when the pod constrains nothing', () => {
    expect(compileRequiredNodeAffinity({})).toBeUndefined()
    expect(compileRequiredNodeAffinity({ nodeSelector: {} })).toBeUndefined()
    expect(compileRequiredNodeAffinity({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } } })).toBeUndefined()
    expect(compileRequiredNodeAffinity(undefined)).toBeUndefined()
  })

  it('requires both the nodeSelector and the required affinity', () => {
    const match = compileRequiredNodeAffinity({
      nodeSelector: { disk: 'ssd' },
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [expr('zone', 'In', ['a', 'b'])] } } },
    })!
    expect(match(zoneA)).toBe(true)
    expect(match(zoneB)).toBe(false)
    expect(match(node('n3', { disk: 'ssd', zone: 'c' }))).toBe(false)
  })

  it('uses either one alone', () => {
    expect(compileRequiredNodeAffinity({ nodeSelector: { zone: 'b' } })!(zoneB)).toBe(true)
    expect(compileRequiredNodeAffinity({ nodeSelector: { zone: 'b' } })!(zoneA)).toBe(false)
    const affinityOnly = compileRequiredNodeAffinity({
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
    })!
    expect(affinityOnly(zoneA)).toBe(false)
  })
})
