// What the 同步 page and the navigation say about sync_status, in Chinese. No Vue here:
// all of it is unit-tested (syncFormat.test.ts).

import { BackendError, describeError, type NumberReserve, type SyncPhase, type SyncState, type SyncStatus } from '../../lib/backend'
import { formatBeijingDateTime } from '../../lib/dates'
import { DOCUMENT_KINDS, kindLabel } from '../documents/documentFormat'

/** How often sync_status is asked: every second while the 同步 page is open or a sync runs. */
export const FAST_POLL_MS = 1_000
export const SLOW_POLL_MS = 5_000

export function pollInterval(fast: boolean, state: SyncState | undefined): number {
  return fast || state === 'syncing' ? FAST_POLL_MS : SLOW_POLL_MS
}

/** Whether changes from the server were applied between two answers (the first answer says nothing). */
export function receivedGrew(previous: number | null, next: number): boolean {
  return previous !== null && next > previous
}

export const PHASE_LABELS: Record<SyncPhase, string> = {
  push: '上传记录',
  attachments: '上传照片和文书',
  pull: '下载更新',
  download: '下载照片',
}

export function phaseText(phase: SyncPhase | null | undefined): string {
  if (!phase) return ''
  return PHASE_LABELS[phase] ?? phase
}

/** The colour of the state line: ok (green), busy (blue), warn (amber), danger (red), none (grey). */
export type SyncTone = 'ok' | 'busy' | 'warn' | 'danger' | 'none'

export interface StateLine {
  text: string
  tone: SyncTone
}

type StatusForLine = Pick<SyncStatus, 'state' | 'lastError' | 'lastSyncAt' | 'pending'>

/** The one big line of the status card. */
export function stateLine(s: StatusForLine): StateLine {
  switch (s.state) {
    case 'unpaired':
      return { text: '未配对', tone: 'none' }
    case 'revoked':
      return { text: '本机已被区局停用，不再同步；本机数据保留', tone: 'danger' }
    case 'syncing':
      return { text: '正在同步…', tone: 'busy' }
    case 'offline':
      return { text: '连不上服务器，联网后会自动同步', tone: 'warn' }
    case 'error':
      return { text: `同步出错：${lastErrorText(s.lastError)}`, tone: 'danger' }
    case 'idle':
      if (!s.lastSyncAt) return { text: '尚未同步', tone: 'warn' }
      // "已同步" while records wait would reassure wrongly.
      if (s.pending.changes + s.pending.attachments > 0) return { text: '有新的修改等待上传', tone: 'warn' }
      return { text: '已同步', tone: 'ok' }
    default:
      return { text: String(s.state), tone: 'none' }
  }
}

const HAN = /[\u4e00-\u9fff]/

/** The last error as the inspector reads it: the backend's Chinese message as it is; a
 *  message with no Chinese in it (a technical one) behind the table's text for its code. */
export function lastErrorText(e: SyncStatus['lastError']): string {
  const message = e?.message?.trim() ?? ''
  if (HAN.test(message)) return message
  if (e?.code) return describeError(new BackendError(e.code, message))
  return message || '原因不明'
}

type Progress = SyncStatus['progress']

/** 0–100 when the total is known (rounded down, so 100 means done), else null. */
export function progressPercent(progress: Progress | undefined): number | null {
  if (!progress || progress.total === null || progress.total === undefined) return null
  if (progress.total <= 0) return 100
  const pct = Math.floor((progress.done / progress.total) * 100)
  return Math.max(0, Math.min(100, pct))
}

/** "12 / 40", or "已处理 12 项" while the total is not known. */
export function progressText(progress: Progress | undefined): string {
  if (!progress) return ''
  if (progress.total === null || progress.total === undefined) return `已处理 ${progress.done} 项`
  return `${progress.done} / ${progress.total}`
}

/** What to tell of a device clock that is off the server's (`minutes`: the server's less
 *  this device's), or "" when it is not. */
export function clockOffText(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || minutes === 0) return ''
  const way = minutes > 0 ? '慢' : '快'
  const size = Math.abs(minutes) >= 120 ? `${Math.round(Math.abs(minutes) / 60)} 小时` : `${Math.abs(minutes)} 分钟`
  return `本机时钟比区局服务器${way}约 ${size}。请把本机的日期和时间设准：检查记录、隐患和文书的时间都以本机时钟为准。`
}

/** "3 条记录，2 个附件"; "没有" when nothing waits. */
export function pendingText(pending: SyncStatus['pending']): string {
  if (pending.changes === 0 && pending.attachments === 0) return '没有'
  return `${pending.changes} 条记录，${pending.attachments} 个附件`
}

export function lastSyncText(at: string | null): string {
  return at ? formatBeijingDateTime(at) : '还没有完整同步过'
}

/** The small mark on the navigation's 同步 entry. `label` is read out instead of `text`. */
export type NavMark = { kind: 'warn' | 'count'; text: string; label: string }

export function navMark(s: Pick<SyncStatus, 'paired' | 'state' | 'pending'> | null): NavMark | null {
  if (!s || !s.paired || s.state === 'unpaired') return null
  if (s.state === 'offline') return { kind: 'warn', text: '!', label: '连不上服务器' }
  if (s.state === 'error') return { kind: 'warn', text: '!', label: '同步出错' }
  const { changes, attachments } = s.pending
  const [n, label] = changes > 0 ? [changes, `${changes} 条记录待上传`] : [attachments, `${attachments} 个附件待上传`]
  if (n <= 0) return null
  return { kind: 'count', text: n > 99 ? '99+' : String(n), label }
}

const RECORD_TYPE_LABELS: Record<string, string> = {
  enterprise: '单位',
  inspection: '检查',
  answer: '检查项',
  hazard: '隐患',
  hazard_event: '隐患记录',
  document: '文书',
  inspector: '执法人员',
  attachment: '附件',
  profile: '检查人员信息',
}

export const recordTypeLabel = (t: string): string => RECORD_TYPE_LABELS[t] ?? t

export interface ReserveRow {
  kind: string
  label: string
  year: number
  left: number
  local: boolean
}

/** number_reserve as the table shows it: the documents' order, then the year. */
export function reserveRows(list: NumberReserve[]): ReserveRow[] {
  const order = (k: string) => {
    const i = (DOCUMENT_KINDS as string[]).indexOf(k)
    return i < 0 ? DOCUMENT_KINDS.length : i
  }
  return [...list]
    .sort((a, b) => order(a.kind) - order(b.kind) || a.kind.localeCompare(b.kind) || a.year - b.year)
    .map((r) => ({ kind: r.kind, label: kindLabel(r.kind), year: r.year, left: r.left, local: r.local }))
}

/** Checked here before sync_pair: the three fields must be filled in (the backend checks the rest). */
export interface PairInput {
  server: string
  code: string
  deviceName: string
}

export function pairFieldErrors(input: PairInput): Partial<Record<keyof PairInput, string>> {
  const errors: Partial<Record<keyof PairInput, string>> = {}
  if (!input.server.trim()) errors.server = '请填写服务器地址。'
  if (!input.code.trim()) errors.code = '请填写配对码（由区局管理员提供）。'
  if (!input.deviceName.trim()) errors.deviceName = '请填写设备名称。'
  return errors
}

/** What a wipe the bureau asked for left behind: its time (first line) and the reason. */
export function wipedText(notice: string): string {
  const [at, ...why] = notice.split('\n')
  const when = formatBeijingDateTime(at)
  return `本机原有的数据和密钥已于 ${when || at} 按区应急管理局的要求清除（${why.join('').trim() || '设备已停用'}）。现在是一个新的、空的本机数据库。`
}
