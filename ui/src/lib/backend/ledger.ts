// The hazard ledger (隐患台账), re-inspection (复查) and the deadline settings: one typed
// function per command of docs/api.md. index.ts re-exports this file, so components
// import from '../lib/backend' as for every other command. (listInspectors, saveInspector,
// addAttachment and getAttachment live in index.ts with the inspection workflow.)

import { current } from './index'
import type {
  DeadlineDays,
  HazardHistoryEvent,
  Id,
  LedgerFilter,
  LedgerPage,
  LedgerRow,
  RectifiedReportInput,
  ReviewInput,
  ReviewResult,
  TemplateProblem,
} from './types'

/** Drops empty and undefined fields, so "no filter" is never sent as an empty string. */
export function compactFilter(filter: LedgerFilter): LedgerFilter {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue
    if (typeof value === 'string' && value.trim() === '') continue
    out[key] = typeof value === 'string' ? value.trim() : value
  }
  return out as LedgerFilter
}

/** One page of the ledger (newest findings first) and the counts of the whole filtered set. */
export const hazardLedger = (filter: LedgerFilter): Promise<LedgerPage> =>
  current().call('hazard_ledger', compactFilter(filter))
/** Every status the hazard has had, oldest first. */
export const hazardHistory = (id: Id): Promise<HazardHistoryEvent[]> =>
  current().call('hazard_history', { id })
/** 单位已报告整改完成 (recorded by an officer): open → rectified, awaiting 复查. Note required. */
export const reportRectified = (input: RectifiedReportInput): Promise<ReviewResult> =>
  current().call('report_rectified', input)
/** 复查: rectified closes the hazard (verified); not rectified keeps its status, with the finding in its history. */
export const reviewHazard = (input: ReviewInput): Promise<ReviewResult> => current().call('review_hazard', input)
/** 默认整改期限 in days, by hazard level. */
export const getSettings = (): Promise<DeadlineDays> => current().call('get_settings', {})
export const saveSettings = (settings: DeadlineDays): Promise<DeadlineDays> =>
  current().call('save_settings', { settings })
/** One row of the ledger by the hazard's id. */
export const getHazard = (id: Id): Promise<LedgerRow> => current().call('get_hazard', { id })
/** Bundled checklist files refused at start (empty when all are good). */
export const templateProblems = (): Promise<TemplateProblem[]> => current().call('template_problems', {})
