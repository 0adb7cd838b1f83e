import { describe, expect, it } from 'vitest'
import {
  defaultPeriod,
  planYears,
  documentStatusText,
  formatCount,
  formatMonth,
  formatPeriod,
  formatRate,
  joinNames,
  monthWithin,
  parsePeriod,
  presetOf,
  presetPeriod,
  roleLabel,
  supervisionClassLabel,
  timelineKindLabel,
} from './format'

describe('formatPeriod', () => {
  it('writes both ends in Chinese form', () => {
    expect(formatPeriod({ from: '2026-01-01', to: '2026-12-03' })).toBe('2026年1月1日至2026年12月3日')
  })
  it('writes one day once', () => {
    expect(formatPeriod({ from: '2026-03-01', to: '2026-03-01' })).toBe('2026年3月1日')
  })
})

describe('formatMonth', () => {
  it('writes a month key in Chinese form', () => {
    expect(formatMonth('2026-03')).toBe('2026年3月')
    expect(formatMonth('2026-12')).toBe('2026年12月')
  })
  it('leaves anything else as it is', () => {
    expect(formatMonth('未知')).toBe('未知')
  })
})

describe('formatRate', () => {
  it('is a dash when there is no rate, never 100%', () => {
    expect(formatRate(null)).toBe('—')
    expect(formatRate(undefined)).toBe('—')
    expect(formatRate(Number.NaN)).toBe('—')
  })
  it('is a percentage with one decimal', () => {
    expect(formatRate(0.853)).toBe('85.3%')
    expect(formatRate(1)).toBe('100.0%')
    expect(formatRate(0)).toBe('0.0%')
    expect(formatRate(2 / 3)).toBe('66.7%')
  })
  it('does not round a rate short of 1 up to 100%, nor a rate above 0 down to 0%', () => {
    expect(formatRate(9999 / 10000)).toBe('99.9%')
    expect(formatRate(1 / 10000)).toBe('0.1%')
  })
})

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(65230)).toBe('65,230')
    expect(formatCount(0)).toBe('0')
  })
})

describe('presetPeriod', () => {
  const today = '2026-12-03'
  it('本月 runs from the first of the month to today', () => {
    expect(presetPeriod('month', today)).toEqual({ from: '2026-12-01', to: today })
  })
  it('本季度 runs from the first day of the quarter', () => {
    expect(presetPeriod('quarter', today)).toEqual({ from: '2026-10-01', to: today })
    expect(presetPeriod('quarter', '2026-05-20')).toEqual({ from: '2026-04-01', to: '2026-05-20' })
    expect(presetPeriod('quarter', '2026-03-31')).toEqual({ from: '2026-01-01', to: '2026-03-31' })
  })
  it('本年 is the default period', () => {
    expect(presetPeriod('year', today)).toEqual({ from: '2026-01-01', to: today })
    expect(defaultPeriod(today)).toEqual({ from: '2026-01-01', to: today })
  })
  it('上一年 is the whole of last year', () => {
    expect(presetPeriod('lastYear', today)).toEqual({ from: '2025-01-01', to: '2025-12-31' })
  })
  it('tells which quick choice a period is', () => {
    expect(presetOf({ from: '2026-10-01', to: today }, today)).toBe('quarter')
    expect(presetOf({ from: '2026-10-02', to: today }, today)).toBeNull()
  })
  it('on the first of January, 本月, 本季度 and 本年 are the one day', () => {
    expect(presetPeriod('month', '2027-01-01')).toEqual({ from: '2027-01-01', to: '2027-01-01' })
    expect(presetPeriod('quarter', '2027-01-01')).toEqual({ from: '2027-01-01', to: '2027-01-01' })
  })
})

describe('parsePeriod', () => {
  it('takes two real days in order', () => {
    expect(parsePeriod('2026-01-01', '2026-02-28')).toEqual({ from: '2026-01-01', to: '2026-02-28' })
  })
  it('refuses what is not a period', () => {
    expect(parsePeriod('2026-02-30', '2026-03-01')).toBeNull()
    expect(parsePeriod('2026-03-02', '2026-03-01')).toBeNull()
    expect(parsePeriod(undefined, '2026-03-01')).toBeNull()
    expect(parsePeriod(['2026-01-01'], '2026-03-01')).toBeNull()
  })
})

describe('monthWithin', () => {
  const year = { from: '2026-01-01', to: '2026-12-03' }
  it('is the whole month inside the period', () => {
    expect(monthWithin('2026-02', year)).toEqual({ from: '2026-02-01', to: '2026-02-28' })
    expect(monthWithin('2024-02', { from: '2024-01-01', to: '2024-12-31' })).toEqual({
      from: '2024-02-01',
      to: '2024-02-29',
    })
  })
  it('is cut to the period at its ends', () => {
    expect(monthWithin('2026-12', year)).toEqual({ from: '2026-12-01', to: '2026-12-03' })
    expect(monthWithin('2026-03', { from: '2026-03-15', to: '2026-05-01' })).toEqual({
      from: '2026-03-15',
      to: '2026-03-31',
    })
  })
  it('is null outside the period or for a key that is no month', () => {
    expect(monthWithin('2025-12', year)).toBeNull()
    expect(monthWithin('未知', year)).toBeNull()
  })
})

describe('labels', () => {
  it('names the roles', () => {
    expect(roleLabel('admin')).toBe('管理员')
    expect(roleLabel('staff')).toBe('工作人员')
    expect(roleLabel('leader')).toBe('领导')
  })
  it('joins names with the Chinese comma', () => {
    expect(joinNames(['张三', '李四'])).toBe('张三、李四')
    expect(joinNames([])).toBe('—')
  })
})

describe('supervisionClassLabel', () => {
  it('writes a class as 级, and none as 未分级', () => {
    expect(supervisionClassLabel('A')).toBe('A级')
    expect(supervisionClassLabel('c')).toBe('C级')
    expect(supervisionClassLabel(null)).toBe('未分级')
    expect(supervisionClassLabel(' ')).toBe('未分级')
    expect(supervisionClassLabel('重点')).toBe('重点')
  })
})

describe('timelineKindLabel', () => {
  it('names the kinds in Chinese', () => {
    expect(timelineKindLabel('inspection')).toBe('检查')
    expect(timelineKindLabel('hazard')).toBe('隐患')
    expect(timelineKindLabel('document')).toBe('文书')
    expect(timelineKindLabel('other')).toBe('other')
  })
})

describe('documentStatusText', () => {
  it('says 有效 for an issued document', () => {
    expect(documentStatusText({ status: 'issued' })).toBe('有效')
  })
  it('gives the Beijing day and the reason of a voided one', () => {
    expect(
      documentStatusText({ status: 'voided', voidedAt: '2026-02-28T17:30:00Z', voidReason: '单位名称写错' }),
    ).toBe('已作废（2026年3月1日，单位名称写错）')
    expect(documentStatusText({ status: 'voided', voidedAt: null, voidReason: '重复签发' })).toBe('已作废（重复签发）')
    expect(documentStatusText({ status: 'voided' })).toBe('已作废')
  })
})

describe('planYears', () => {
  it('offers last, this and next year by Beijing’s day', () => {
    expect(planYears('2026-12-05')).toEqual([2025, 2026, 2027])
  })
})
