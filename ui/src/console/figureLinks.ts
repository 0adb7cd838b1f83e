// Where each figure of the 总览 leads: the list of the records it counts, with the filters
// that pick exactly them (the period, the town / sector / month of its row, and the
// figure's own condition). The server counts and lists with the same rules.

import type { RouteLocationRaw } from 'vue-router'
import type { Figures } from './api/client'
import { monthWithin, type Period } from './format'

/** The counts of Figures (整改率 is a ratio, and leads where 发现隐患 does). */
export type FigureKey = Exclude<keyof Figures, 'documentsByKind'>

/** The slice of the district a figure is about. */
export type Slice = { by: 'all' } | { by: 'town' | 'sector' | 'month'; key: string }

/** What each figure is, in the words the page shows. */
export const FIGURE_LABELS: Record<FigureKey, string> = {
  enterprises: '检查单位数',
  inspections: '检查家次',
  hazards: '发现隐患',
  hazardsGeneral: '一般隐患',
  hazardsMajor: '重大隐患',
  rectified: '已整改',
  rectificationRate: '整改率',
  overdue: '逾期未整改',
  supervised: '挂牌督办',
  supervisedRectified: '督办已整改',
  supervisedOverdue: '督办逾期',
  documents: '签发文书',
}

/** The unit a count is said in. */
export const FIGURE_UNITS: Record<FigureKey, string> = {
  enterprises: '家',
  inspections: '家次',
  hazards: '条',
  hazardsGeneral: '条',
  hazardsMajor: '条',
  rectified: '条',
  rectificationRate: '',
  overdue: '条',
  supervised: '条',
  supervisedRectified: '条',
  supervisedOverdue: '条',
  documents: '份',
}

/** The condition of each hazard figure, as the ledger's filters. */
const HAZARD_CONDITION: Partial<Record<FigureKey, Record<string, string>>> = {
  hazards: {},
  rectificationRate: {},
  hazardsGeneral: { level: 'general' },
  hazardsMajor: { level: 'major' },
  rectified: { status: 'closed' },
  overdue: { overdue: 'true' },
  supervised: { supervision: 'any' },
  supervisedRectified: { supervision: 'any', status: 'closed' },
  supervisedOverdue: { supervision: 'overdue' },
}

/** The link behind a figure; null when its slice cannot be picked out (no key, or a month
 *  with no day within the period). */
export function figureLink(figure: FigureKey, period: Period, slice: Slice): RouteLocationRaw | null {
  let days: Period | null = period
  const where: Record<string, string> = {}
  if (slice.by !== 'all' && !slice.key) return null
  if (slice.by === 'month') days = monthWithin(slice.key, period)
  else if (slice.by === 'town') where.town = slice.key
  else if (slice.by === 'sector') where.sector = slice.key
  if (!days) return null
  const query = { from: days.from, to: days.to, ...where }
  const condition = HAZARD_CONDITION[figure]
  if (condition) return { path: '/hazards', query: { ...query, ...condition } }
  if (figure === 'documents') return { path: '/documents', query }
  return { path: '/inspections', query }
}
