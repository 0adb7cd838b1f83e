// The ledger's filters ⇄ the URL query (so going back from a hazard restores the list,
// and a filtered ledger can be reloaded) ⇄ the hazard_ledger arguments.

import type { LocationQuery } from 'vue-router'
import type { HazardLevel, HazardStatus, LedgerFilter } from '../../lib/backend'

export interface LedgerFilterState {
  status: HazardStatus | ''
  overdue: boolean
  level: HazardLevel | ''
  division: string
  sector: string
  /** Enterprise id. */
  enterprise: string
  /** Found from / to, "YYYY-MM-DD" (Beijing days, inclusive). */
  from: string
  to: string
  /** Text in the descriptions. */
  text: string
}

export const EMPTY_FILTER: Readonly<LedgerFilterState> = Object.freeze({
  status: '',
  overdue: false,
  level: '',
  division: '',
  sector: '',
  enterprise: '',
  from: '',
  to: '',
  text: '',
})

const STATUSES: readonly string[] = ['open', 'rectified', 'verified']
const LEVELS: readonly string[] = ['general', 'major']
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/
/** Division and sector codes, enterprise ids: letters, digits and dashes. */
const CODE_RE = /^[0-9A-Za-z_-]{1,64}$/

function first(query: LocationQuery, key: string): string {
  const v = query[key]
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' ? s : ''
}

/** Reads the filters from the URL query; anything malformed is ignored rather than sent. */
export function filterFromQuery(query: LocationQuery): LedgerFilterState {
  const status = first(query, 'status')
  const level = first(query, 'level')
  const code = (key: string) => {
    const v = first(query, key)
    return CODE_RE.test(v) ? v : ''
  }
  const day = (key: string) => {
    const v = first(query, key)
    return DATE_RE.test(v) ? v : ''
  }
  return {
    status: STATUSES.includes(status) ? (status as HazardStatus) : '',
    overdue: first(query, 'overdue') === '1',
    level: LEVELS.includes(level) ? (level as HazardLevel) : '',
    division: code('division'),
    sector: code('sector'),
    enterprise: code('enterprise'),
    from: day('from'),
    to: day('to'),
    text: first(query, 'q').slice(0, 100),
  }
}

/** The URL query for the filters: only what is set, so the plain ledger has a plain URL. */
export function queryFromFilter(f: LedgerFilterState): Record<string, string> {
  const q: Record<string, string> = {}
  if (f.status) q.status = f.status
  if (f.overdue) q.overdue = '1'
  if (f.level) q.level = f.level
  if (f.division) q.division = f.division
  if (f.sector) q.sector = f.sector
  if (f.enterprise) q.enterprise = f.enterprise
  if (f.from) q.from = f.from
  if (f.to) q.to = f.to
  const text = f.text.trim()
  if (text) q.q = text
  return q
}

/** The hazard_ledger arguments for the filters. */
export function ledgerArgs(f: LedgerFilterState, offset = 0, limit = 50): LedgerFilter {
  const args: LedgerFilter = { limit, offset }
  if (f.status) args.status = f.status
  if (f.overdue) args.overdue = true
  if (f.level) args.level = f.level
  if (f.division) args.division = f.division
  if (f.sector) args.sector = f.sector
  if (f.enterprise) args.enterpriseId = f.enterprise
  if (f.from) args.foundFrom = f.from
  if (f.to) args.foundTo = f.to
  const text = f.text.trim()
  if (text) args.text = text
  return args
}

/** The filters the count tiles set (status, overdue, level) and those that set their scope. */
export type TileKey = 'all' | 'open' | 'overdue' | 'rectified' | 'verified' | 'major'

const TILE_FILTERS: Record<TileKey, Pick<LedgerFilterState, 'status' | 'overdue' | 'level'>> = {
  all: { status: '', overdue: false, level: '' },
  open: { status: 'open', overdue: false, level: '' },
  overdue: { status: '', overdue: true, level: '' },
  rectified: { status: 'rectified', overdue: false, level: '' },
  verified: { status: 'verified', overdue: false, level: '' },
  major: { status: '', overdue: false, level: 'major' },
}

/** The filters after clicking a tile: it sets status / overdue / level, and keeps the rest. */
export function applyTile(f: LedgerFilterState, tile: TileKey): LedgerFilterState {
  return { ...f, ...TILE_FILTERS[tile] }
}

/** The tile whose filter is exactly the current status / overdue / level, if any. */
export function activeTile(f: LedgerFilterState): TileKey | null {
  for (const [key, t] of Object.entries(TILE_FILTERS) as [TileKey, (typeof TILE_FILTERS)[TileKey]][]) {
    if (t.status === f.status && t.overdue === f.overdue && t.level === f.level) return key
  }
  return null
}

/** The same filters without those the tiles set: the tiles count within this scope. */
export function scopeOf(f: LedgerFilterState): LedgerFilterState {
  return applyTile(f, 'all')
}

/** Whether any filter is set. */
export function anyFilter(f: LedgerFilterState): boolean {
  return Object.keys(queryFromFilter(f)).length > 0
}
