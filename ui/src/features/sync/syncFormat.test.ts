import { syncStatus } from './statusFixture'
import { describe, expect, it } from 'vitest'
import {
  FAST_POLL_MS,
  clockOffText,
  SLOW_POLL_MS,
  lastSyncText,
  navMark,
  pairFieldErrors,
  pendingText,
  phaseText,
  pollInterval,
  progressPercent,
  progressText,
  receivedGrew,
  recordTypeLabel,
  reserveRows,
  stateLine,
  wipedText,
} from './syncFormat'

const status = syncStatus

describe('stateLine', () => {
  it('says 已同步 when the last sync is complete and nothing waits', () => {
    expect(stateLine(status())).toEqual({ text: '已同步', tone: 'ok' })
  })

  it('does not say 已同步 while changes wait, or before the first sync', () => {
    expect(stateLine(status({ pending: { changes: 2, attachments: 0 } }))).toEqual({ text: '有新的修改等待上传', tone: 'warn' })
    expect(stateLine(status({ pending: { changes: 0, attachments: 1 } })).tone).toBe('warn')
    expect(stateLine(status({ lastSyncAt: null }))).toEqual({ text: '尚未同步', tone: 'warn' })
  })

  it('says a sync is running, the server is out of reach, or what went wrong', () => {
    expect(stateLine(status({ state: 'syncing', phase: 'push' }))).toEqual({ text: '正在同步…', tone: 'busy' })
    expect(stateLine(status({ state: 'offline' }))).toEqual({ text: '连不上服务器，联网后会自动同步', tone: 'warn' })
    expect(
      stateLine(status({ state: 'error', lastError: { code: 'sync_refused', message: '本设备已被停用' } })),
    ).toEqual({ text: '同步出错：本设备已被停用', tone: 'danger' })
    expect(stateLine(status({ state: 'error', lastError: null })).text).toBe('同步出错：原因不明')
    // A technical message (no Chinese) stands behind the table's text for its code.
    expect(stateLine(status({ state: 'error', lastError: { code: 'sync_failed', message: 'HTTP 502 Bad Gateway' } })).text).toBe(
      '同步出错：服务器出错或回答有误，同步未完成。请稍后重试；如反复出现，请联系技术支持。技术信息：HTTP 502 Bad Gateway',
    )
    expect(stateLine(status({ state: 'unpaired', paired: false })).text).toBe('未配对')
  })

  it('says a revoked device syncs no more and keeps its data', () => {
    expect(stateLine(status({ state: 'revoked', revokedAt: '2026-12-05T01:00:00Z' }))).toEqual({
      text: '本机已被区局停用，不再同步；本机数据保留',
      tone: 'danger',
    })
  })
})

describe('wipedText', () => {
  it('says when and why the data were wiped, in Beijing time', () => {
    const text = wipedText('2026-12-05T01:00:00+00:00\n本机已被区应急管理局停用，并要求清除本机数据。')
    expect(text).toContain('2026年12月5日 09:00')
    expect(text).toContain('本机已被区应急管理局停用')
    expect(text).toContain('新的、空的本机数据库')
  })

  it('still says it when the notice holds only a time', () => {
    expect(wipedText('2026-12-05T01:00:00Z')).toContain('设备已停用')
  })
})

describe('phaseText', () => {
  it('names each phase in Chinese', () => {
    expect(phaseText('push')).toBe('上传记录')
    expect(phaseText('attachments')).toBe('上传照片和文书')
    expect(phaseText('pull')).toBe('下载更新')
    expect(phaseText('download')).toBe('下载照片')
    expect(phaseText(null)).toBe('')
  })
})

describe('progress', () => {
  it('gives a percentage only when the total is known, rounded down and kept within 0–100', () => {
    expect(progressPercent(null)).toBeNull()
    expect(progressPercent({ done: 5, total: null })).toBeNull()
    expect(progressPercent({ done: 0, total: 40 })).toBe(0)
    expect(progressPercent({ done: 12, total: 40 })).toBe(30)
    expect(progressPercent({ done: 399, total: 400 })).toBe(99)
    expect(progressPercent({ done: 40, total: 40 })).toBe(100)
    expect(progressPercent({ done: 50, total: 40 })).toBe(100)
    expect(progressPercent({ done: 0, total: 0 })).toBe(100)
  })

  it('says how far it got', () => {
    expect(progressText({ done: 12, total: 40 })).toBe('12 / 40')
    expect(progressText({ done: 12, total: null })).toBe('已处理 12 项')
    expect(progressText(null)).toBe('')
  })
})

describe('counts and times', () => {
  it('counts what waits to be sent', () => {
    expect(pendingText({ changes: 3, attachments: 2 })).toBe('3 条记录，2 个附件')
    expect(pendingText({ changes: 0, attachments: 0 })).toBe('没有')
  })

  it('shows the last sync in Beijing time', () => {
    expect(lastSyncText('2026-03-01T08:30:00Z')).toBe('2026年3月1日 16:30')
    expect(lastSyncText(null)).toBe('还没有完整同步过')
  })

  it('names record types, and shows an unknown one as it is', () => {
    expect(recordTypeLabel('enterprise')).toBe('单位')
    expect(recordTypeLabel('hazard')).toBe('隐患')
    expect(recordTypeLabel('mystery')).toBe('mystery')
  })
})

describe('the device clock', () => {
  it('says nothing when the clock is right or unknown', () => {
    expect(clockOffText(null)).toBe('')
    expect(clockOffText(undefined)).toBe('')
  })

  it('says which way and how far it is off', () => {
    expect(clockOffText(12)).toContain('慢约 12 分钟')
    expect(clockOffText(-7)).toContain('快约 7 分钟')
    expect(clockOffText(-3 * 24 * 60)).toContain('快约 72 小时')
    expect(clockOffText(12)).toContain('请把本机的日期和时间设准')
  })
})

describe('navMark', () => {
  it('shows nothing when unpaired, unknown or with nothing to send', () => {
    expect(navMark(null)).toBeNull()
    expect(navMark(status({ paired: false, state: 'unpaired', pending: { changes: 5, attachments: 0 } }))).toBeNull()
    expect(navMark(status())).toBeNull()
  })

  it('warns when the server is out of reach or the sync failed', () => {
    expect(navMark(status({ state: 'offline', pending: { changes: 4, attachments: 0 } }))).toEqual({
      kind: 'warn',
      text: '!',
      label: '连不上服务器',
    })
    expect(navMark(status({ state: 'error' }))?.label).toBe('同步出错')
  })

  it('counts the pending changes (the attachments when only they wait), 99+ above 99', () => {
    expect(navMark(status({ pending: { changes: 7, attachments: 3 } }))).toEqual({ kind: 'count', text: '7', label: '7 条记录待上传' })
    expect(navMark(status({ pending: { changes: 0, attachments: 3 } }))).toEqual({ kind: 'count', text: '3', label: '3 个附件待上传' })
    expect(navMark(status({ state: 'syncing', pending: { changes: 1200, attachments: 0 } }))?.text).toBe('99+')
  })
})

describe('polling', () => {
  it('polls every second while the page is open or a sync runs, else every 5 s', () => {
    expect(pollInterval(true, 'idle')).toBe(FAST_POLL_MS)
    expect(pollInterval(false, 'syncing')).toBe(FAST_POLL_MS)
    expect(pollInterval(false, 'idle')).toBe(SLOW_POLL_MS)
    expect(pollInterval(false, undefined)).toBe(SLOW_POLL_MS)
    expect(FAST_POLL_MS).toBe(1000)
    expect(SLOW_POLL_MS).toBe(5000)
  })

  it('sees new data only when received grows after a first answer', () => {
    expect(receivedGrew(null, 10)).toBe(false)
    expect(receivedGrew(10, 10)).toBe(false)
    expect(receivedGrew(10, 12)).toBe(true)
    expect(receivedGrew(10, 0)).toBe(false)
  })
})

describe('reserveRows', () => {
  it('lists the kinds in the documents\' order with their Chinese names', () => {
    const rows = reserveRows([
      { kind: 'reviewOpinion', year: 2026, left: 100, local: true },
      { kind: 'inspectionRecord', year: 2026, left: 37, local: false },
      { kind: 'rectificationOrder', year: 2026, left: 2, local: false },
    ])
    expect(rows.map((r) => r.label)).toEqual(['现场检查记录', '责令限期整改指令书', '整改复查意见书'])
    expect(rows[2]).toMatchObject({ left: 100, local: true, year: 2026 })
  })
})

describe('pairFieldErrors', () => {
  it('asks for every field, and nothing more', () => {
    expect(pairFieldErrors({ server: ' ', code: '', deviceName: '' })).toEqual({
      server: '请填写服务器地址。',
      code: '请填写配对码（由区局管理员提供）。',
      deviceName: '请填写设备名称。',
    })
    expect(pairFieldErrors({ server: 'http://127.0.0.1:8470', code: 'K7Q2', deviceName: '执法终端' })).toEqual({})
  })
})
