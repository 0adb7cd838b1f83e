import { describe, expect, it } from 'vitest'
import {
  addDays,
  beijingToday,
  daysLeft,
  eventTitle,
  formatBeijingDateTime,
  formatBeijingDay,
  formatDay,
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

describe('Beijing dates', () => {
  it('today is Beijing’s day, whatever the machine’s zone', () => {
    // 2026-03-01 16:30 UTC is already 2 March in Beijing (00:30).
    expect(beijingToday(new Date('2026-03-01T16:30:00Z'))).toBe('2026-03-02')
    expect(beijingToday(new Date('2026-03-01T15:59:59Z'))).toBe('2026-03-01')
  })

  it('formats instants in Beijing local time', () => {
    expect(formatBeijingDateTime('2026-03-01T08:05:00Z')).toBe('2026年3月1日 16:05')
    expect(formatBeijingDateTime('2026-12-31T16:00:00+00:00')).toBe('2027年1月1日 00:00')
    expect(formatBeijingDay('2026-12-31T16:00:00Z')).toBe('2027年1月1日')
    expect(formatBeijingDateTime('not a time')).toBe('not a time')
  })

  it('formats calendar days', () => {
    expect(formatDay('2026-03-01')).toBe('2026年3月1日')
    expect(formatDay('2026-3-1')).toBe('2026-3-1')
  })

  it('adds days across months and years', () => {
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
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
    expect(eventTitle({ at, status: 'open', note: null, photos: [] }, 0)).toBe('检查发现，登记隐患')
    expect(eventTitle({ at, status: 'verified', note: '已更换', review: 'rectified', photos: [] }, 1)).toBe(
      '复查：已整改，隐患销号',
    )
    expect(eventTitle({ at, status: 'open', note: '仍未更换', review: 'notRectified', photos: [] }, 1)).toBe('复查：未整改')
    expect(eventTitle({ at, status: 'rectified', note: null, review: null, photos: [] }, 1)).toBe('单位报告已整改，待复查')
  })

  it('name the review result only on review events', () => {
    expect(reviewLabel({ at, status: 'verified', note: null, review: 'rectified', photos: [] })).toBe('已整改')
    expect(reviewLabel({ at, status: 'open', note: 'x', review: 'notRectified', photos: [] })).toBe('未整改')
    expect(reviewLabel({ at, status: 'open', note: null, photos: [] })).toBeNull()
  })
})
