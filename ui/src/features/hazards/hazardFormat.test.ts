import { describe, expect, it } from 'vitest'
import {
  daysLeft,
  eventTitle,
  levelLabel,
  overdueDays,
  reviewLabel,
  statusLabel,
} from './hazardFormat'

describe('status and level labels', () => {
  it('name every status and level in Chinese', () => {
    expect(statusLabel('open')).toBe('未整改')
    expect(statusLabel('rectified')).toBe('已整改待复查')
    expect(statusLabel('verified')).toBe('已复查销号')
    expect(levelLabel('general')).toBe('一般隐患')
    expect(levelLabel('major')).toBe('重大隐患')
  })

  it('show an unknown value as it is rather than hiding it', () => {
    expect(statusLabel('archived')).toBe('archived')
    expect(levelLabel('extreme')).toBe('extreme')
  })
})

describe('overdue days', () => {
  it('are 0 up to and on the deadline (the last day counts)', () => {
    expect(overdueDays('2026-03-10', '2026-03-01')).toBe(0)
    expect(overdueDays('2026-03-10', '2026-03-10')).toBe(0)
  })

  it('count whole days after the deadline', () => {
    expect(overdueDays('2026-03-10', '2026-03-11')).toBe(1)
    expect(overdueDays('2026-02-28', '2026-03-01')).toBe(1)
    expect(overdueDays('2025-12-31', '2026-03-01')).toBe(60)
  })

  it('are 0 for a malformed date', () => {
    expect(overdueDays('', '2026-03-01')).toBe(0)
    expect(overdueDays('2026-03-10', 'today')).toBe(0)
  })

  it('days left count down to 0 on the deadline, then go negative', () => {
    expect(daysLeft('2026-03-10', '2026-03-01')).toBe(9)
    expect(daysLeft('2026-03-10', '2026-03-10')).toBe(0)
    expect(daysLeft('2026-03-10', '2026-03-12')).toBe(-2)
    expect(daysLeft('x', '2026-03-12')).toBeNull()
  })
})

describe('history events', () => {
  const at = '2026-03-01T08:00:00Z'
  it('say what happened', () => {
    expect(eventTitle({ at, status: 'open', note: null, review: null, photos: [] }, 0)).toBe('检查发现，登记隐患')
    expect(eventTitle({ at, status: 'verified', note: '已更换', review: 'rectified', photos: [] }, 1)).toBe(
      '复查：已整改，隐患销号',
    )
    expect(eventTitle({ at, status: 'open', note: '仍未更换', review: 'notRectified', photos: [] }, 1)).toBe('复查：未整改')
    expect(eventTitle({ at, status: 'rectified', note: null, review: null, photos: [] }, 1)).toBe('单位报告已整改，待复查')
  })

  it('name the review result only on review events', () => {
    expect(reviewLabel({ at, status: 'verified', note: null, review: 'rectified', photos: [] })).toBe('已整改')
    expect(reviewLabel({ at, status: 'open', note: 'x', review: 'notRectified', photos: [] })).toBe('未整改')
    expect(reviewLabel({ at, status: 'open', note: null, review: null, photos: [] })).toBeNull()
  })
})
