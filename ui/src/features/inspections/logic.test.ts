import { describe, expect, it } from 'vitest'
import type { Answer, Template } from '../../lib/backend'
import {
  countResults,
  defaultDeadline,
  deadlineProblem,
  deductionProblem,
  formatScore,
  isTypingTarget,
  keyAction,
  parseFinishDraft,
  editableProposals,
  restoreFinish,
  resultLabel,
  toFinishDraft,
  toHazardInputs,
  unansweredItems,
  type DeadlineRules,
} from './logic'

const template: Template = {
  id: 'fireworks',
  sector: 'fireworks',
  version: 1,
  title: '烟花爆竹经营安全检查表',
  scoring: null,
  sections: [
    {
      title: '一、通用要求',
      general: true,
      weight: null,
      items: [
        { code: 'TY-01', requirement: '建立安全生产责任制', basis: '《安全生产法》第二十二条', answer: { kind: 'compliance' }, major: { standard: '判定标准', clause: '第十三项' }, guarantee: false },
        { code: 'TY-02', requirement: '主要负责人经考核合格', basis: '第二十七条', answer: { kind: 'compliance' }, major: null, guarantee: false },
      ],
    },
    {
      title: '二、零售场所',
      general: false,
      weight: null,
      items: [
        { code: 'FW-01', requirement: '不得超量存放', basis: 'AQ 4128', answer: { kind: 'compliance' }, major: null, guarantee: false },
        { code: 'FW-02', requirement: '安全管理', basis: 'JGJ 59', answer: { kind: 'score', max: 10 }, major: null, guarantee: false },
      ],
    },
  ],
}

const answer = (itemCode: string, result: Answer['result'], note: string | null = null, deducted: number | null = null): Answer => ({
  inspectionId: 'i1',
  itemCode,
  result,
  note,
  photos: [],
  deducted,
})

const TODAY = '2026-03-01'
/** What hazard_proposals answers on 2026-03-01 with the default days (core::hazard, tested there). */
const RULES: DeadlineRules = {
  days: { deadlineDaysGeneral: 30, deadlineDaysMajor: 90 },
  generalDeadline: '2026-03-31',
  majorDeadline: '2026-05-30',
  earliestDeadline: TODAY,
  latestDeadline: '2031-03-03',
}

describe('deadlines', () => {
  it("a new hazard gets the backend's deadline for its level", () => {
    expect(defaultDeadline('general', RULES)).toBe('2026-03-31')
    expect(defaultDeadline('major', RULES)).toBe('2026-05-30')
  })

  it("checks a deadline against the backend's bounds", () => {
    expect(deadlineProblem('', RULES)).toContain('请选择')
    expect(deadlineProblem('2026-02-30', RULES)).toContain('不是有效日期')
    expect(deadlineProblem('2026-02-28', RULES)).toContain('不能早于今天')
    expect(deadlineProblem('2031-03-04', RULES)).toContain('不能超过5年')
    expect(deadlineProblem('2026-03-01', RULES)).toBeNull()
    expect(deadlineProblem('2031-03-03', RULES)).toBeNull()
  })
})

describe('counting answers', () => {
  it('counts each result and the unanswered items', () => {
    const answers = [answer('TY-01', 'compliant'), answer('TY-02', 'nonCompliant'), answer('FW-02', 'notApplicable')]
    expect(countResults(template, answers)).toEqual({ compliant: 1, nonCompliant: 1, notApplicable: 1, unanswered: 1 })
    expect(unansweredItems(template, answers).map((i) => i.code)).toEqual(['FW-01'])
  })
})

describe("the finish page's hazards", () => {
  it("edits the backend's proposals under a key of their item", () => {
    expect(
      editableProposals([
        { itemCode: 'TY-01', requirement: '建立安全生产责任制', description: '建立安全生产责任制（责任制未考核）', level: 'major', deadline: '2026-05-30' },
      ]),
    ).toEqual([
      {
        key: 'item-TY-01',
        itemCode: 'TY-01',
        requirement: '建立安全生产责任制',
        description: '建立安全生产责任制（责任制未考核）',
        level: 'major',
        deadline: '2026-05-30',
      },
    ])
  })

  it('sends trimmed descriptions, and no itemCode for a free hazard', () => {
    expect(
      toHazardInputs([
        { key: 'a', itemCode: 'TY-01', description: ' 甲 ', level: 'major', deadline: '2026-05-30' },
        { key: 'b', description: '消防通道堵塞', level: 'general', deadline: '2026-03-31' },
      ]),
    ).toEqual([
      { itemCode: 'TY-01', description: '甲', level: 'major', deadline: '2026-05-30' },
      { description: '消防通道堵塞', level: 'general', deadline: '2026-03-31' },
    ])
  })
})

describe('the finish page draft', () => {
  // What hazard_proposals answers for these answers, in checklist order (core::hazard::propose).
  const fresh = (answers: Answer[]) =>
    editableProposals(
      answers
        .filter((a) => a.result === 'nonCompliant')
        .map((a) => {
          const item = template.sections.flatMap((s) => s.items).find((i) => i.code === a.itemCode)!
          const level = item.major ? 'major' : 'general'
          const note = a.note?.trim()
          return {
            itemCode: item.code,
            requirement: item.requirement,
            description: note ? `${item.requirement}（${note}）` : item.requirement,
            level,
            deadline: defaultDeadline(level, RULES),
          } as const
        }),
    )

  it('is saved as a versioned object with the edits and the refusal, and read back', () => {
    const proposals = fresh([answer('TY-01', 'nonCompliant', '无记录')])
    proposals[0]!.description = '责任制未经考核'
    proposals[0]!.descriptionEdited = true
    proposals.push({ key: 'free-1', description: '消防通道堵塞', level: 'major', deadline: '2026-03-10', deadlineEdited: true })
    const draft = toFinishDraft(proposals, ['FW-02'], true)
    expect(draft).toEqual({
      version: 1,
      hazards: [
        { key: 'item-TY-01', itemCode: 'TY-01', description: '责任制未经考核', level: 'major', deadline: '2026-05-30', descriptionEdited: true },
        { key: 'free-1', description: '消防通道堵塞', level: 'major', deadline: '2026-03-10', deadlineEdited: true },
      ],
      removed: ['FW-02'],
      unitRefused: true,
    })
    expect(parseFinishDraft(JSON.parse(JSON.stringify(draft)))).toEqual(draft)
  })

  it('ignores what it did not write, and hazards that make no sense', () => {
    expect(parseFinishDraft(null)).toBeNull()
    expect(parseFinishDraft({})).toBeNull()
    expect(parseFinishDraft({ version: 2, hazards: [] })).toBeNull()
    expect(
      parseFinishDraft({
        version: 1,
        hazards: [{ key: 'free-1', description: 1, level: 'general', deadline: '' }, { key: 'free-2', description: '甲', level: 'x', deadline: '' }, 'x'],
        removed: ['TY-01', 3],
        unitRefused: 'yes',
      }),
    ).toEqual({ version: 1, hazards: [], removed: ['TY-01'], unitRefused: false })
  })

  it('without a draft, the page starts from the proposals', () => {
    const proposals = fresh([answer('TY-01', 'nonCompliant')])
    expect(restoreFinish(proposals, null, RULES)).toEqual({ proposals, removed: [], unitRefused: false, freeCount: 0 })
  })

  it('keeps the edits, drops items no longer 不符合, proposes new ones, keeps deleted ones deleted', () => {
    // When the draft was saved: TY-01 and TY-02 不符合, TY-02's proposal deleted, FW-01's edited, one free hazard.
    const draft = parseFinishDraft({
      version: 1,
      hazards: [
        { key: 'item-TY-01', itemCode: 'TY-01', description: '责任制未经考核（已改）', level: 'major', deadline: '2026-04-01', descriptionEdited: true, deadlineEdited: true },
        { key: 'item-FW-01', itemCode: 'FW-01', description: '超量存放（已改）', level: 'general', deadline: '2026-03-05', descriptionEdited: true, deadlineEdited: true },
        { key: 'free-3', description: '消防通道堵塞', level: 'major', deadline: '2026-03-10', deadlineEdited: true },
        { key: 'free-4', description: '灭火器过期', level: 'general', deadline: '2026-02-01' },
      ],
      removed: ['TY-02'],
      unitRefused: true,
    })
    // Now: TY-01 and TY-02 still 不符合, FW-01 changed to 符合, FW-02 newly 扣分.
    const now = fresh([
      answer('TY-01', 'nonCompliant'),
      answer('TY-02', 'nonCompliant'),
      answer('FW-01', 'compliant'),
      answer('FW-02', 'nonCompliant', '无台账', 2),
    ])
    const restored = restoreFinish(now, draft, RULES)
    expect(restored.proposals).toEqual([
      {
        key: 'item-TY-01',
        itemCode: 'TY-01',
        requirement: '建立安全生产责任制',
        description: '责任制未经考核（已改）',
        descriptionEdited: true,
        level: 'major',
        deadline: '2026-04-01',
        deadlineEdited: true,
      },
      { key: 'item-FW-02', itemCode: 'FW-02', requirement: '安全管理', description: '安全管理（无台账）', level: 'general', deadline: '2026-03-31' },
      { key: 'free-3', description: '消防通道堵塞', level: 'major', deadline: '2026-03-10', deadlineEdited: true },
      // A deadline not set by hand follows today and the level.
      { key: 'free-4', description: '灭火器过期', level: 'general', deadline: '2026-03-31' },
    ])
    expect(restored.removed).toEqual(['TY-02'])
    expect(restored.unitRefused).toBe(true)
    expect(restored.freeCount).toBe(4)
  })

  it('an unedited description follows the note as it is now', () => {
    const draft = toFinishDraft(fresh([answer('TY-01', 'nonCompliant', '旧说明')]), [], false)
    const restored = restoreFinish(fresh([answer('TY-01', 'nonCompliant', '新说明')]), draft, RULES)
    expect(restored.proposals[0]!.description).toBe('建立安全生产责任制（新说明）')
  })

  it('a deleted proposal whose item was answered 符合 meanwhile is forgotten', () => {
    const draft = toFinishDraft([], ['TY-01'], false)
    expect(restoreFinish(fresh([answer('TY-01', 'compliant')]), draft, RULES).removed).toEqual([])
  })
})

describe('keyboard', () => {
  it('maps 1/2/3 to the results and arrows / j k to moving', () => {
    expect(keyAction({ key: '1' })).toEqual({ kind: 'answer', result: 'compliant' })
    expect(keyAction({ key: '2' })).toEqual({ kind: 'answer', result: 'nonCompliant' })
    expect(keyAction({ key: '3' })).toEqual({ kind: 'answer', result: 'notApplicable' })
    expect(keyAction({ key: 'ArrowDown' })).toEqual({ kind: 'move', by: 1 })
    expect(keyAction({ key: 'j' })).toEqual({ kind: 'move', by: 1 })
    expect(keyAction({ key: 'ArrowUp' })).toEqual({ kind: 'move', by: -1 })
    expect(keyAction({ key: 'k' })).toEqual({ kind: 'move', by: -1 })
  })

  it('leaves other keys and shortcuts alone', () => {
    expect(keyAction({ key: '4' })).toBeNull()
    expect(keyAction({ key: 'Tab' })).toBeNull()
    expect(keyAction({ key: '1', ctrlKey: true })).toBeNull()
    expect(keyAction({ key: 'ArrowDown', shiftKey: true })).toBeNull()
  })

  it('typing in a text field is typing, not answering', () => {
    const el = (tagName: string, type?: string) => ({ tagName, type, isContentEditable: false }) as unknown as EventTarget
    expect(isTypingTarget(el('TEXTAREA'))).toBe(true)
    expect(isTypingTarget(el('INPUT', 'number'))).toBe(true)
    expect(isTypingTarget(el('INPUT', 'text'))).toBe(true)
    expect(isTypingTarget(el('INPUT', 'file'))).toBe(false)
    expect(isTypingTarget(el('BUTTON'))).toBe(false)
    expect(isTypingTarget(null)).toBe(false)
  })
})

describe('scored items', () => {
  it('label 扣分 for a scored item, 不符合 otherwise', () => {
    expect(resultLabel(template.sections[1]!.items[1]!, 'nonCompliant')).toBe('扣分')
    expect(resultLabel(template.sections[1]!.items[0]!, 'nonCompliant')).toBe('不符合')
  })

  it('checks a deduction against the item maximum', () => {
    expect(deductionProblem(null, 10)).toContain('请填写')
    expect(deductionProblem(0, 10)).toContain('1到10')
    expect(deductionProblem(11, 10)).toContain('1到10')
    expect(deductionProblem(2.5, 10)).toContain('整数')
    expect(deductionProblem(10, 10)).toBeNull()
    expect(formatScore(96)).toBe('96')
    expect(formatScore(96.25)).toBe('96.3')
  })
})
