import { describe, expect, it } from 'vitest'
import { monthLabel, sourceLabel, stateLabel, stateOrder } from './taskFormat'

describe('task labels', () => {
  it('writes months in Chinese', () => {
    expect(monthLabel('2026-12')).toBe('2026年12月')
    expect(monthLabel('2026-03')).toBe('2026年3月')
    expect(monthLabel('bad')).toBe('bad')
  })
  it('names every state and orders overdue first', () => {
    expect(stateOrder[0]).toBe('overdue')
    for (const s of stateOrder) expect(stateLabel[s]).toMatch(/[\u4e00-\u9fff]/)
    expect(sourceLabel('draw')).toBe('双随机抽查')
    expect(sourceLabel('plan')).toBe('年度计划')
  })
})
