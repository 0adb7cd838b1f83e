// Pure logic of the inspection workflow: counting answers, proposing hazards, deadlines,
// and the keyboard map of the checklist. No Vue, no backend: unit-tested in logic.test.ts.

import type {
  Answer,
  AnswerResult,
  Grade,
  HazardInput,
  HazardLevel,
  Template,
  TemplateItem,
} from '../../lib/backend'
import { addDays, isIsoDate } from '../../lib/dates'

export const RESULT_LABELS: Record<AnswerResult, string> = {
  compliant: '符合',
  nonCompliant: '不符合',
  notApplicable: '不适用',
}

export const GRADE_LABELS: Record<Grade, string> = {
  good: '优良',
  pass: '合格',
  fail: '不合格',
}

export function isScored(item: TemplateItem): boolean {
  return item.answer.kind === 'score'
}

/** Points an item can lose (scored items), or 0. */
export function maxDeduction(item: TemplateItem): number {
  return item.answer.kind === 'score' ? item.answer.max : 0
}

/** What a result button reads for this item: scored items say 扣分 instead of 不符合. */
export function resultLabel(item: TemplateItem, result: AnswerResult): string {
  if (isScored(item) && result === 'nonCompliant') return '扣分'
  return RESULT_LABELS[result]
}

/** Every item of a template in order. */
export function templateItems(template: Template): TemplateItem[] {
  return template.sections.flatMap((s) => s.items)
}

export interface ResultCounts {
  compliant: number
  nonCompliant: number
  notApplicable: number
  unanswered: number
}

export function countResults(template: Template, answers: Answer[]): ResultCounts {
  const byCode = new Map(answers.map((a) => [a.itemCode, a]))
  const counts: ResultCounts = { compliant: 0, nonCompliant: 0, notApplicable: 0, unanswered: 0 }
  for (const item of templateItems(template)) {
    const a = byCode.get(item.code)
    if (a) counts[a.result] += 1
    else counts.unanswered += 1
  }
  return counts
}

/** Items without an answer, in checklist order. */
export function unansweredItems(template: Template, answers: Answer[]): TemplateItem[] {
  const answered = new Set(answers.map((a) => a.itemCode))
  return templateItems(template).filter((i) => !answered.has(i.code))
}

// ---- deadlines (整改期限; days in Beijing, see lib/dates.ts) ----

/** Why a deadline cannot be used, in Chinese, or null when it is fine. */
export function deadlineProblem(value: string, today: string): string | null {
  if (!value) return '请选择整改期限。'
  if (!isIsoDate(value)) return '整改期限不是有效日期。'
  if (value < today) return '整改期限不能早于今天。'
  return null
}

export interface DeadlineDays {
  deadlineDaysGeneral: number
  deadlineDaysMajor: number
}

export function deadlineFor(level: HazardLevel, today: string, days: DeadlineDays): string {
  return addDays(today, level === 'major' ? days.deadlineDaysMajor : days.deadlineDaysGeneral)
}

// ---- hazard proposals ----

/** One hazard as the finish page edits it; `key` is stable for the list. */
export interface HazardProposal {
  key: string
  itemCode?: string
  /** The checklist's requirement, for showing where the proposal came from. */
  requirement?: string
  description: string
  level: HazardLevel
  deadline: string
  /** The deadline was changed by hand: a level change no longer resets it. */
  deadlineEdited?: boolean
}

export function describeHazard(item: TemplateItem, note: string | null | undefined): string {
  const n = note?.trim()
  return n ? `${item.requirement}（${n}）` : item.requirement
}

/** One proposed hazard per 不符合 / 扣分 item, in checklist order. */
export function proposeHazards(
  template: Template,
  answers: Answer[],
  days: DeadlineDays,
  today: string,
): HazardProposal[] {
  const byCode = new Map(answers.map((a) => [a.itemCode, a]))
  const proposals: HazardProposal[] = []
  for (const item of templateItems(template)) {
    const a = byCode.get(item.code)
    if (!a || a.result !== 'nonCompliant') continue
    const level: HazardLevel = item.major ? 'major' : 'general'
    proposals.push({
      key: `item-${item.code}`,
      itemCode: item.code,
      requirement: item.requirement,
      description: describeHazard(item, a.note),
      level,
      deadline: deadlineFor(level, today, days),
    })
  }
  return proposals
}

/** The hazards to send to finish_inspection. */
export function toHazardInputs(proposals: HazardProposal[]): HazardInput[] {
  return proposals.map((p) => {
    const h: HazardInput = { description: p.description.trim(), level: p.level, deadline: p.deadline }
    if (p.itemCode) h.itemCode = p.itemCode
    return h
  })
}

// ---- keyboard ----

export type KeyAction =
  | { kind: 'answer'; result: AnswerResult }
  | { kind: 'move'; by: 1 | -1 }

/** What a key pressed on a focused checklist item does (null: nothing; let it through). */
export function keyAction(event: {
  key: string
  ctrlKey?: boolean
  altKey?: boolean
  metaKey?: boolean
  shiftKey?: boolean
}): KeyAction | null {
  if (event.ctrlKey || event.altKey || event.metaKey) return null
  switch (event.key) {
    case '1':
      return { kind: 'answer', result: 'compliant' }
    case '2':
      return { kind: 'answer', result: 'nonCompliant' }
    case '3':
      return { kind: 'answer', result: 'notApplicable' }
    case 'ArrowDown':
    case 'j':
      return event.shiftKey ? null : { kind: 'move', by: 1 }
    case 'ArrowUp':
    case 'k':
      return event.shiftKey ? null : { kind: 'move', by: -1 }
    default:
      return null
  }
}

/** Whether a key event comes from a place where the keys mean typing, not answering. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false
  const el = target as HTMLElement
  const tag = el.tagName.toLowerCase()
  if (tag === 'textarea' || tag === 'select') return true
  if (tag === 'input') {
    const type = ((el as HTMLInputElement).type || 'text').toLowerCase()
    return !['button', 'checkbox', 'radio', 'file', 'submit', 'reset'].includes(type)
  }
  return el.isContentEditable === true
}

// ---- scored items ----

/** Why a deduction cannot be saved, or null. */
export function deductionProblem(value: number | null | undefined, max: number): string | null {
  if (value === null || value === undefined || Number.isNaN(value)) return `请填写扣分（1–${max}分）。`
  if (!Number.isInteger(value) || value < 1 || value > max) return `扣分应为1到${max}之间的整数。`
  return null
}

/** 96 → "96", 96.5 → "96.5" */
export function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(1)
}
