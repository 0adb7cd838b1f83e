// Chinese labels and deadline arithmetic for hazards. Dates of the ledger are Beijing's
// (UTC+8, no daylight saving), whatever time zone the machine is set to: see lib/dates.ts.

import type { HazardHistoryEvent, HazardLevel, HazardStatus } from '../../lib/backend'
import { beijingToday, dayNumber } from '../../lib/dates'

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
