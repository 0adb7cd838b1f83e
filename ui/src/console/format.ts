// How the console writes days, periods, counts and rates: Chinese forms, Beijing days
// (UTC+8, whatever the machine's time zone; see lib/dates.ts, shared with the app).

import { beijingToday, formatBeijingDateTime, formatBeijingDay, formatDay, isIsoDate } from '../lib/dates'

export { beijingToday, formatBeijingDateTime, formatBeijingDay, formatDay, isIsoDate }

/** A period of Beijing days, both ends included, as "YYYY-MM-DD". */
export interface Period {
  from: string
  to: string
}

const pad = (n: number) => String(n).padStart(2, '0')
const day = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`
/** The last day of month `m` (1–12) of year `y`. */
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate()

/** "2026-01-01", "2026-12-03" → "2026年1月1日至2026年12月3日"; one day → "2026年3月1日". */
export function formatPeriod(p: Period): string {
  return p.from === p.to ? formatDay(p.from) : `${formatDay(p.from)}至${formatDay(p.to)}`
}

/** "2026-03" → "2026年3月"; anything else as it is. */
export function formatMonth(key: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(key)
  return m ? `${Number(m[1])}年${Number(m[2])}月` : key
}

/** A count with thousands separators: 65230 → "65,230". */
export function formatCount(n: number): string {
  return n.toLocaleString('zh-CN')
}

/**
 * 整改率 as a percentage with one decimal: 0.853 → "85.3%". No rate (no hazard found) is
 * "—", never 100%; and a rate short of 1 never rounds up to "100.0%".
 */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—'
  let tenths = Math.round(rate * 1000)
  if (rate < 1 && tenths >= 1000) tenths = 999
  if (rate > 0 && tenths === 0) tenths = 1
  return `${(tenths / 10).toFixed(1)}%`
}

export type PresetKey = 'month' | 'quarter' | 'year' | 'lastYear'

export const PRESETS: { key: PresetKey; label: string }[] = [
  { key: 'month', label: '本月' },
  { key: 'quarter', label: '本季度' },
  { key: 'year', label: '本年' },
  { key: 'lastYear', label: '上一年' },
]

/** A quick choice of period, up to today (Beijing) for the current ones. */
export function presetPeriod(key: PresetKey, today: string = beijingToday()): Period {
  const y = Number(today.slice(0, 4))
  const m = Number(today.slice(5, 7))
  switch (key) {
    case 'month':
      return { from: day(y, m, 1), to: today }
    case 'quarter':
      return { from: day(y, m - ((m - 1) % 3), 1), to: today }
    case 'year':
      return { from: day(y, 1, 1), to: today }
    case 'lastYear':
      return { from: day(y - 1, 1, 1), to: day(y - 1, 12, 31) }
  }
}

/** The quick choice a period is, if any. */
export function presetOf(p: Period, today: string = beijingToday()): PresetKey | null {
  return PRESETS.find(({ key }) => {
    const q = presetPeriod(key, today)
    return q.from === p.from && q.to === p.to
  })?.key ?? null
}

/** The default period of the 总览: this year, from 1 January to today. */
/** The plan years offered: last year, this year (Beijing's) and next. */
export function planYears(today: string = beijingToday()): number[] {
  const y = Number(today.slice(0, 4))
  return [y - 1, y, y + 1]
}

export const defaultPeriod = (today: string = beijingToday()): Period => presetPeriod('year', today)

/** A period read from the URL: both ends real days, in order; else null. */
export function parsePeriod(from: unknown, to: unknown): Period | null {
  if (typeof from !== 'string' || typeof to !== 'string') return null
  if (!isIsoDate(from) || !isIsoDate(to) || from > to) return null
  return { from, to }
}

/** The days of month "YYYY-MM" that lie within the period; null when none do. */
export function monthWithin(key: string, p: Period): Period | null {
  const m = /^(\d{4})-(\d{2})$/.exec(key)
  if (!m) return null
  const y = Number(m[1])
  const mo = Number(m[2])
  const from = day(y, mo, 1) > p.from ? day(y, mo, 1) : p.from
  const to = day(y, mo, lastDay(y, mo)) < p.to ? day(y, mo, lastDay(y, mo)) : p.to
  return from <= to ? { from, to } : null
}

export const ROLE_LABELS: Record<string, string> = {
  admin: '管理员',
  staff: '工作人员',
  leader: '领导',
}

export const roleLabel = (role: string): string => ROLE_LABELS[role] ?? role

export const INSPECTION_STATUS_LABELS: Record<string, string> = {
  finished: '已完成',
  draft: '进行中',
  inProgress: '进行中',
}

export const inspectionStatusLabel = (s: string): string => INSPECTION_STATUS_LABELS[s] ?? s

/** Names in a cell: "张三、李四"; none → "—". */
export const joinNames = (names: readonly string[]): string => (names.length ? names.join('、') : '—')

/** 监管分级 as the bureau says it: "A" → "A级"; none → "未分级"; other text as it is. */
export function supervisionClassLabel(c: string | null | undefined): string {
  const v = c?.trim()
  if (!v) return '未分级'
  return /^[A-Za-z]$/.test(v) ? `${v.toUpperCase()}级` : v
}

/** The kinds of an enterprise's time line, as its badges say them. */
export const TIMELINE_KIND_LABELS: Record<string, string> = {
  inspection: '检查',
  hazard: '隐患',
  document: '文书',
}

export const timelineKindLabel = (kind: string): string => TIMELINE_KIND_LABELS[kind] ?? kind

/**
 * A document's status in words: "有效", or "已作废（2026年3月1日，原因）" with the day and
 * reason it was voided, each left out when unknown.
 */
export function documentStatusText(d: {
  status: string
  voidedAt?: string | null
  voidReason?: string | null
}): string {
  if (d.status === 'issued') return '有效'
  if (d.status !== 'voided') return d.status
  const parts = [d.voidedAt ? formatBeijingDay(d.voidedAt) : '', d.voidReason?.trim() ?? ''].filter(Boolean)
  return parts.length ? `已作废（${parts.join('，')}）` : '已作废'
}
