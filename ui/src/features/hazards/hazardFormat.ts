// Chinese labels and date arithmetic for hazards. Dates of the ledger are Beijing's
// (UTC+8, no daylight saving), whatever time zone the machine is set to.

import type { HazardHistoryEvent, HazardLevel, HazardStatus } from '../../lib/backend'

export const HAZARD_STATUS_LABELS: Record<HazardStatus, string> = {
  open: '未整改',
  rectified: '已整改待复查',
  verified: '已复查销号',
}

export const HAZARD_LEVEL_LABELS: Record<HazardLevel, string> = {
  general: '一般隐患',
  major: '重大隐患',
}

/** Short form for badges next to a description. */
export const HAZARD_LEVEL_SHORT: Record<HazardLevel, string> = {
  general: '一般',
  major: '重大',
}

export const statusLabel = (s: string): string => HAZARD_STATUS_LABELS[s as HazardStatus] ?? s
export const levelLabel = (l: string): string => HAZARD_LEVEL_LABELS[l as HazardLevel] ?? l

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Today's date in Beijing as "YYYY-MM-DD". */
export function beijingToday(now: Date = new Date()): string {
  return new Date(now.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10)
}

/** "YYYY-MM-DD" `days` after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  const ms = dayNumber(date)
  if (ms === null) return date
  return new Date((ms + days) * DAY_MS).toISOString().slice(0, 10)
}

/** Days since 1970-01-01 of a "YYYY-MM-DD" date; null when it is not one. */
function dayNumber(date: string): number | null {
  const m = DATE_RE.exec(date)
  if (!m) return null
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return Number.isNaN(ms) ? null : Math.round(ms / DAY_MS)
}

/** Whole days past the deadline (the last day to rectify, inclusive); 0 when not past. */
export function overdueDays(deadline: string, today: string = beijingToday()): number {
  const d = dayNumber(deadline)
  const t = dayNumber(today)
  if (d === null || t === null) return 0
  return Math.max(0, t - d)
}

/** Days left until the deadline, counting the deadline day itself as 0; negative when past. */
export function daysLeft(deadline: string, today: string = beijingToday()): number | null {
  const d = dayNumber(deadline)
  const t = dayNumber(today)
  if (d === null || t === null) return null
  return d - t
}

/** "2026-03-01" → "2026年3月1日"; anything else as it is. */
export function formatDay(date: string): string {
  const m = DATE_RE.exec(date)
  if (!m) return date
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`
}

/** An RFC 3339 instant in Beijing local time: "2026年3月1日 16:30"; unparsable text as it is. */
export function formatBeijingDateTime(value: string): string {
  const t = new Date(value).getTime()
  if (Number.isNaN(t)) return value
  const b = new Date(t + BEIJING_OFFSET_MS)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${b.getUTCFullYear()}年${b.getUTCMonth() + 1}月${b.getUTCDate()}日 ${pad(b.getUTCHours())}:${pad(b.getUTCMinutes())}`
}

/** The Beijing calendar day of an RFC 3339 instant: "2026年3月1日". */
export function formatBeijingDay(value: string): string {
  const t = new Date(value).getTime()
  if (Number.isNaN(t)) return value
  return formatDay(beijingToday(new Date(t)))
}

/** What one history event was, in words for the inspector. */
export function eventTitle(event: HazardHistoryEvent, index: number): string {
  if (event.review === 'rectified') return '复查：已整改，隐患销号'
  if (event.review === 'notRectified') return '复查：未整改'
  if (index === 0 && event.status === 'open') return '检查发现，登记隐患'
  if (event.status === 'rectified') return '单位报告已整改，待复查'
  if (event.status === 'verified') return '已复查销号'
  return `状态：${statusLabel(event.status)}`
}

/** The re-inspection result shown on an event, if it is one. */
export function reviewLabel(event: HazardHistoryEvent): string | null {
  if (event.review === 'rectified') return '已整改'
  if (event.review === 'notRectified') return '未整改'
  return null
}
