import { afterEach, describe, expect, it, vi } from 'vitest'
import { compactFilter, getSettings, hazardHistory, hazardLedger, reportRectified, reviewHazard, saveSettings, setTransport, templateProblems } from './index'
import type { Transport } from './types'

afterEach(() => setTransport(undefined))

describe('ledger commands', () => {
  it('call the commands of docs/api.md with their args', async () => {
    const call = vi.fn(async () => ({}) as never)
    setTransport({ call } as unknown as Transport)

    await hazardLedger({ status: 'open', text: ' 灭火器 ', division: '', enterpriseId: undefined, limit: 50, offset: 0 })
    await hazardHistory('h1')
    await reviewHazard({ hazardId: 'h1', rectified: false, note: '仍未整改', photos: ['ab'] })
    await reportRectified({ hazardId: 'h1', note: '单位书面报告已整改', photos: [] })
    await getSettings()
    await saveSettings({ deadlineDaysGeneral: 15, deadlineDaysMajor: 60 })
    await templateProblems()

    expect(call.mock.calls).toEqual([
      ['hazard_ledger', { status: 'open', text: '灭火器', limit: 50, offset: 0 }],
      ['hazard_history', { id: 'h1' }],
      ['review_hazard', { hazardId: 'h1', rectified: false, note: '仍未整改', photos: ['ab'] }],
      ['report_rectified', { hazardId: 'h1', note: '单位书面报告已整改', photos: [] }],
      ['get_settings', {}],
      ['save_settings', { settings: { deadlineDaysGeneral: 15, deadlineDaysMajor: 60 } }],
      ['template_problems', {}],
    ])
  })

  it('never send an empty filter value', () => {
    expect(compactFilter({ overdue: false, level: undefined, sector: '  ', offset: 0 })).toEqual({ overdue: false, offset: 0 })
  })
})
