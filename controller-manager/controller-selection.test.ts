import { describe, expect, it } from 'vitest'
import { selectControllers } from './controller-selection.ts'

const known = ['replicaset', 'deployment', 'garbage-collector', 'podgc']

describe('selectControllers', () => {
  it('runs everything with *, minus what is turned off', () => {
    expect(selectControllers('*', known)).toEqual(known)
    expect(selectControllers('*,-deployment-controller,-garbagecollector', known)).toEqual(['replicaset', 'podgc'])
  })

  it('runs only what is named without *', () => {
    expect(selectControllers('replicaset-controller,deployment', known)).toEqual(['replicaset', 'deployment'])
  })

  it('refuses an unknown name', () => {
    expect(() => selectControllers('*,-nope', known)).toThrow('"-nope" is not in the list of known controllers')
  })
})
