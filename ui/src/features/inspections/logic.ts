// Pure logic of the inspection workflow: counting answers, the finish page's hazards as
// edited (proposed by the backend: hazard_proposals), deadlines, and the keyboard map of
// the checklist. No Vue, no backend: unit-tested in logic.test.ts.

import type {
  Answer,
  AnswerResult,
  FinishDraft,
  FinishDraftHazard,
  Grade,
  HazardInput,
  HazardLevel,
  HazardProposals,
  ProposedHazard,
  Template,
  TemplateItem,
} from '../../lib/backend'
import { isIsoDate } from '../../lib/dates'

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

/** What the backend says of deadlines today: the default by level and the days a deadline may lie between. */
export type DeadlineRules = Omit<HazardProposals, 'proposals'>

/** Why a deadline cannot be used, in Chinese, or null when it is fine. */
export function deadlineProblem(value: string, rules: DeadlineRules): string | null {
  if (!value) return '请选择整改期限。'
  if (!isIsoDate(value)) return '整改期限不是有效日期。'
  if (value < rules.earliestDeadline) return '整改期限不能早于今天。'
  if (value > rules.latestDeadline) return '整改期限不能超过5年。'
  return null
}

/** The deadline a hazard of `level` gets until the inspector sets one. */
export function defaultDeadline(level: HazardLevel, rules: DeadlineRules): string {
  return level === 'major' ? rules.majorDeadline : rules.generalDeadline
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
  /** The description was changed by hand: it no longer follows the item's note. */
  descriptionEdited?: boolean
  /** The deadline was changed by hand: a level change no longer resets it. */
  deadlineEdited?: boolean
}

/** The backend's proposals as the finish page edits them. */
export function editableProposals(proposed: ProposedHazard[]): HazardProposal[] {
  return proposed.map((p) => ({
    key: `item-${p.itemCode}`,
    itemCode: p.itemCode,
    requirement: p.requirement,
    description: p.description,
    level: p.level,
    deadline: p.deadline,
  }))
}

/** The hazards to send to finish_inspection. */
export function toHazardInputs(proposals: HazardProposal[]): HazardInput[] {
  return proposals.map((p) => {
    const h: HazardInput = { description: p.description.trim(), level: p.level, deadline: p.deadline }
    if (p.itemCode) h.itemCode = p.itemCode
    return h
  })
}

// ---- the finish page's draft (save_finish_draft) ----

/** The finish page's edits as they are saved. */
export function toFinishDraft(proposals: HazardProposal[], removed: string[], unitRefused: boolean): FinishDraft {
  return {
    version: 1,
    hazards: proposals.map((p) => {
      const h: FinishDraftHazard = { key: p.key, description: p.description, level: p.level, deadline: p.deadline }
      if (p.itemCode) h.itemCode = p.itemCode
      if (p.descriptionEdited) h.descriptionEdited = true
      if (p.deadlineEdited) h.deadlineEdited = true
      return h
    }),
    removed: [...removed],
    unitRefused,
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/** A saved draft read back, or null when there is none or it is not one the UI wrote.
 *  Hazards that do not make sense are left out rather than failing the whole draft. */
export function parseFinishDraft(raw: unknown): FinishDraft | null {
  if (!isRecord(raw) || raw.version !== 1) return null
  const hazards: FinishDraftHazard[] = []
  for (const h of Array.isArray(raw.hazards) ? raw.hazards : []) {
    if (!isRecord(h) || typeof h.key !== 'string' || h.key === '') continue
    if (typeof h.description !== 'string' || typeof h.deadline !== 'string') continue
    if (h.level !== 'general' && h.level !== 'major') continue
    const hazard: FinishDraftHazard = { key: h.key, description: h.description, level: h.level, deadline: h.deadline }
    if (typeof h.itemCode === 'string' && h.itemCode !== '') hazard.itemCode = h.itemCode
    if (h.descriptionEdited === true) hazard.descriptionEdited = true
    if (h.deadlineEdited === true) hazard.deadlineEdited = true
    hazards.push(hazard)
  }
  const removed = Array.isArray(raw.removed) ? raw.removed.filter((c): c is string => typeof c === 'string') : []
  return { version: 1, hazards, removed, unitRefused: raw.unitRefused === true }
}

export interface RestoredFinish {
  proposals: HazardProposal[]
  /** Item codes whose proposal stays deleted (only items that are still 不符合). */
  removed: string[]
  unitRefused: boolean
  /** The highest n of the free-<n> keys, so new hazards get keys of their own. */
  freeCount: number
}

/**
 * The finish page as it was left, merged with the checklist as it is now. `fresh` are the
 * proposals of today's answers (hazard_proposals). A proposal of an item that is no longer
 * 不符合 is dropped; an item that has become 不符合 since gets a fresh proposal; a deleted
 * proposal stays deleted. What was edited by hand is kept; what was not follows the
 * checklist (the description its note, the deadline its level and today).
 */
export function restoreFinish(fresh: HazardProposal[], draft: FinishDraft | null, rules: DeadlineRules): RestoredFinish {
  if (!draft) return { proposals: fresh, removed: [], unitRefused: false, freeCount: 0 }
  const saved = new Map(draft.hazards.filter((h) => h.itemCode).map((h) => [h.itemCode!, h]))
  const current = new Set(fresh.map((p) => p.itemCode))
  const removed = [...new Set(draft.removed)].filter((code) => current.has(code))

  const proposals: HazardProposal[] = []
  for (const p of fresh) {
    if (removed.includes(p.itemCode!)) continue
    const h = saved.get(p.itemCode!)
    const next: HazardProposal = { ...p }
    if (h?.descriptionEdited) {
      next.description = h.description
      next.descriptionEdited = true
    }
    if (h?.deadlineEdited) {
      next.deadline = h.deadline
      next.deadlineEdited = true
    }
    proposals.push(next)
  }

  let freeCount = 0
  const keys = new Set(proposals.map((p) => p.key))
  for (const h of draft.hazards) {
    if (h.itemCode) continue
    const n = /^free-(\d+)$/.exec(h.key)
    if (n) freeCount = Math.max(freeCount, Number(n[1]))
    if (keys.has(h.key)) continue
    keys.add(h.key)
    const free: HazardProposal = {
      key: h.key,
      description: h.description,
      level: h.level,
      deadline: h.deadlineEdited ? h.deadline : defaultDeadline(h.level, rules),
    }
    if (h.descriptionEdited) free.descriptionEdited = true
    if (h.deadlineEdited) free.deadlineEdited = true
    proposals.push(free)
  }
  return { proposals, removed, unitRefused: draft.unitRefused, freeCount }
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
