import { describe, expect, it } from 'vitest'
import { beijingToday, formatBeijingDateTime, formatBeijingDay, formatDay, isIsoDate } from './dates'

describe('today in Beijing', () => {
  it('today is the date in Beijing (UTC+8), as the backend checks it', () => {
    expect(beijingToday(new Date('2026-03-01T15:59:00Z'))).toBe('2026-03-01')
    expect(beijingToday(new Date('2026-03-01T16:00:00Z'))).toBe('2026-03-02')
  })

  it('today is Beijing’s day, whatever the machine’s zone', () => {
    // 2026-03-01 16:30 UTC is already 2 March in Beijing (00:30).
    expect(beijingToday(new Date('2026-03-01T16:30:00Z'))).toBe('2026-03-02')
    expect(beijingToday(new Date('2026-03-01T15:59:59Z'))).toBe('2026-03-01')
  })
})

describe('checking and formatting days', () => {
  it('checks a date', () => {
    expect(isIsoDate('2026-13-01')).toBe(false)
  })

  it('formats calendar days', () => {
    expect(formatDay('2026-04-02')).toBe('2026年4月2日')
    expect(formatDay('2026-03-01')).toBe('2026年3月1日')
    expect(formatDay('2026-3-1')).toBe('2026-3-1')
  })

  it('formats instants in Beijing local time', () => {
    expect(formatBeijingDateTime('2026-03-01T08:05:00Z')).toBe('2026年3月1日 16:05')
    expect(formatBeijingDateTime('2026-12-31T16:00:00+00:00')).toBe('2027年1月1日 00:00')
    expect(formatBeijingDay('2026-12-31T16:00:00Z')).toBe('2027年1月1日')
    expect(formatBeijingDateTime('not a time')).toBe('not a time')
  })
})
