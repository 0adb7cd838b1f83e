import { describe, expect, it } from 'vitest'
import { isSun } from './theme'

describe('the 强光 look', () => {
  it('is on when chosen, or when following a system that asks for more contrast', () => {
    const cases: [Parameters<typeof isSun>[0], boolean, boolean][] = [
      ['sun', false, true],
      ['sun', true, true],
      ['standard', true, false],
      ['standard', false, false],
      ['system', true, true],
      ['system', false, false],
    ]
    for (const [choice, system, want] of cases) expect(isSun(choice, system), `${choice} ${system}`).toBe(want)
  })
})
