// The TypeScript side of the hazard ledger, re-inspection and the settings commands of
// docs/api.md ("Inspections, hazards, re-inspection"). All JSON is camelCase.
//
// Hazard, HazardLevel, HazardStatus and Inspector come from types.ts (the inspection
// workflow shares them); the names here must never repeat one of types.ts's, because
// index.ts re-exports both files with `export *`.

import type { Hazard, HazardLevel, HazardStatus, Id } from './types'

/** hazard_ledger arguments; every field narrows, an absent one does not. Dates "YYYY-MM-DD". */
export interface LedgerFilter {
  status?: HazardStatus
  overdue?: boolean
  level?: HazardLevel
  division?: string
  sector?: string
  enterpriseId?: Id
  foundFrom?: string
  foundTo?: string
  text?: string
  limit?: number
  offset?: number
}

/** Counts over the whole filtered set (not just the page). */
export interface LedgerCounts {
  total: number
  open: number
  rectified: number
  verified: number
  overdue: number
  major: number
}

export interface LedgerRow {
  hazard: Hazard
  enterpriseName: string
  divisionCode: string
  /** Still open after its deadline (as of today in Beijing). */
  overdue: boolean
}

export interface LedgerPage {
  counts: LedgerCounts
  /** Newest findings first. */
  items: LedgerRow[]
}

/** A re-inspection's finding, on the history event it made. */
export type ReviewFinding = 'rectified' | 'notRectified'

/** One status change of a hazard (hazard_history, oldest first). */
export interface HazardHistoryEvent {
  /** RFC 3339, UTC. */
  at: string
  status: HazardStatus
  note: string | null
  /** Set on the events a re-inspection (复查) made; null otherwise. */
  review?: ReviewFinding | null
  /** Attachment sha256s. */
  photos: string[]
}

export interface ReviewInput {
  hazardId: Id
  /** true: rectified, the hazard is closed (verified); false: it stays as it is. */
  rectified: boolean
  note: string
  photos: string[]
}

/** report_rectified: the unit reported the hazard rectified, recorded by an officer. */
export interface RectifiedReportInput {
  hazardId: Id
  /** Required: what the unit reported, and when and how. */
  note: string
  photos: string[]
}

export interface ReviewResult {
  status: HazardStatus
}

export interface DeadlineDays {
  deadlineDaysGeneral: number
  deadlineDaysMajor: number
}

/** A bundled checklist file refused at start; its last good version stays in use. */
export interface TemplateProblem {
  file: string
  problem: string
}
