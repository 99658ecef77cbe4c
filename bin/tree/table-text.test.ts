import { describe, expect, it } from 'vitest'
import { renderTable } from './table-text.ts'

describe('renderTable', () => {
  it('pads by characters, three spaces apart, without trailing blanks', () => {
    expect(renderTable(['A', 'NAME', 'Z'], [['x', '├─Pod/p', ''], ['', 'Deployment/web', '5m']])).toBe([
      'A   NAME             Z',
      'x   ├─Pod/p',
      '    Deployment/web   5m',
      '',
    ].join('\n'))
  })

  it('prints the header alone for no rows', () => {
    expect(renderTable(['NAME', 'AGE'], [])).toBe('NAME   AGE\n')
  })
})
