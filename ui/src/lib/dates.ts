// Calendar days and times as the inspector reads them: Beijing's (UTC+8, no daylight saving),
// whatever time zone the machine is set to. The backend checks deadlines against today in
// Beijing, so the UI does too. Days are "YYYY-MM-DD" strings.

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Today's date in Beijing as "YYYY-MM-DD". */
export function beijingToday(now: Date = new Date()): string {
  return new Date(now.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10)
}

/** Days since 1970-01-01 of a "YYYY-MM-DD" date; null when it is not one. */
export function dayNumber(date: string): number | null {
  const m = DATE_RE.exec(date)
  if (!m) return null
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return Number.isNaN(ms) ? null : Math.round(ms / DAY_MS)
}

/** Whether `value` is a real calendar day written "YYYY-MM-DD" (no 2026-02-30). */
export function isIsoDate(value: string): boolean {
  if (!DATE_RE.test(value)) return false
  const t = Date.parse(`${value}T00:00:00Z`)
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === value
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

/** The day after or before `date` by `days`; `date` itself when it is not a day. */
export function addDays(date: string, days: number): string {
  const n = dayNumber(date)
  if (n === null) return date
  return new Date((n + days) * DAY_MS).toISOString().slice(0, 10)
}

const FULL_WIDTH_DIGIT = /[０-９]/g

/**
 * A day as an inspector types it, in the Chinese form or the ones people use beside it:
 * 2026年12月3日, 2026-12-3, 2026/12/03, 2026.12.3, 20261203, and 12月3日 (this year, from
 * `today`). Full-width digits count. "YYYY-MM-DD", or null when it is no real day.
 */
export function parseDay(text: string, today: string = beijingToday()): string | null {
  const t = text.replace(FULL_WIDTH_DIGIT, (d) => String(d.charCodeAt(0) - 0xff10)).replace(/\s+/g, '')
  const full = /^(\d{4})[年\-/.](\d{1,2})[月\-/.](\d{1,2})日?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t)
  const short = full ? null : /^(\d{1,2})[月\-/.](\d{1,2})日?$/.exec(t)
  const [y, m, d] = full ? [full[1], full[2], full[3]] : short ? [today.slice(0, 4), short[1], short[2]] : []
  if (!y || !m || !d) return null
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`
  return isIsoDate(iso) ? iso : null
}
