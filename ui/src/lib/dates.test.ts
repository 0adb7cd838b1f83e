import { describe, expect, it } from 'vitest'
import { addDays, beijingToday, dayNumber, formatBeijingDateTime, formatBeijingDay, formatDay, isIsoDate, parseDay } from './dates'

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

describe('days as typed', () => {
  const today = '2026-12-03'
  it('reads the Chinese form and the forms beside it', () => {
    const cases: [string, string | null][] = [
      ['2026年12月3日', '2026-12-03'],
      [' 2026 年 12 月 3 日 ', '2026-12-03'],
      ['２０２６年１２月３日', '2026-12-03'],
      ['2026-12-3', '2026-12-03'],
      ['2026/12/03', '2026-12-03'],
      ['2026.12.3', '2026-12-03'],
      ['20261203', '2026-12-03'],
      ['1月15日', '2026-01-15'],
      ['12-31', '2026-12-31'],
      ['2026年2月30日', null],
      ['2026年13月1日', null],
      ['明天', null],
      ['', null],
      ['2026年12月', null],
    ]
    for (const [text, want] of cases) expect(parseDay(text, today), text).toBe(want)
  })

  it('reads back every day it writes', () => {
    for (let d = dayNumber('2024-01-01')!; d <= dayNumber('2028-12-31')!; d += 7) {
      const iso = new Date(d * 86_400_000).toISOString().slice(0, 10)
      expect(parseDay(formatDay(iso), today)).toBe(iso)
    }
  })

  it('moves by days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29')
    expect(addDays('x', 1)).toBe('x')
  })
})
