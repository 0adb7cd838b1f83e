import type { LocationQuery } from 'vue-router'
import { sameQuery } from '../../lib/urlFilter'
import { describe, expect, it } from 'vitest'
import {
  EMPTY_FILTER,
  activeTile,
  anyFilter,
  applyTile,
  filterFromQuery,
  ledgerArgs,
  queryFromFilter,
  scopeOf,
  type LedgerFilterState,
} from './ledgerQuery'

const full: LedgerFilterState = {
  status: 'open',
  overdue: true,
  level: 'major',
  division: '110109106',
  sector: 'gas',
  enterprise: '01a22782-e1ae-71b0-8ee7-e55ea0a056de',
  from: '2026-01-01',
  to: '2026-03-31',
  text: '燃气 软管',
}

describe('filters ⇄ URL query', () => {
  it('the plain ledger has a plain URL', () => {
    expect(queryFromFilter({ ...EMPTY_FILTER })).toEqual({})
    expect(filterFromQuery({})).toEqual(EMPTY_FILTER)
    expect(anyFilter({ ...EMPTY_FILTER })).toBe(false)
  })

  it('every filter goes to the query and comes back the same', () => {
    const q = queryFromFilter(full)
    expect(q).toEqual({
      status: 'open',
      overdue: '1',
      level: 'major',
      division: '110109106',
      sector: 'gas',
      enterprise: '01a22782-e1ae-71b0-8ee7-e55ea0a056de',
      from: '2026-01-01',
      to: '2026-03-31',
      q: '燃气 软管',
    })
    expect(filterFromQuery(q)).toEqual(full)
  })

  it('text is trimmed; blank text is no filter', () => {
    expect(queryFromFilter({ ...EMPTY_FILTER, text: '  灭火器 ' })).toEqual({ q: '灭火器' })
    expect(queryFromFilter({ ...EMPTY_FILTER, text: '   ' })).toEqual({})
  })

  it('ignores malformed values instead of sending them to the backend', () => {
    expect(
      filterFromQuery({
        status: 'closed',
        level: 'huge',
        overdue: 'yes',
        from: '1.1.2026',
        to: '2026-02-30x',
        division: 'a b',
        enterprise: '<script>',
      }),
    ).toEqual(EMPTY_FILTER)
  })

  it('takes the first of repeated keys', () => {
    expect(filterFromQuery({ status: ['verified', 'open'], q: ['a', 'b'] })).toMatchObject({ status: 'verified', text: 'a' })
  })

  it('compares queries by meaning, not key order', () => {
    const inUrl = (q: LocationQuery) => queryFromFilter(filterFromQuery(q))
    expect(sameQuery({ level: 'major', status: 'open' }, inUrl({ status: 'open', level: 'major' }))).toBe(true)
    expect(sameQuery({ level: 'major' }, inUrl({ level: 'major', status: 'open' }))).toBe(false)
    expect(sameQuery({}, inUrl({ status: 'bogus' }))).toBe(true)
  })
})

describe('filters → hazard_ledger arguments', () => {
  it('send only what is set, with the page', () => {
    expect(ledgerArgs({ ...EMPTY_FILTER })).toEqual({ limit: 50, offset: 0 })
    expect(ledgerArgs(full, 100, 50)).toEqual({
      limit: 50,
      offset: 100,
      status: 'open',
      overdue: true,
      level: 'major',
      division: '110109106',
      sector: 'gas',
      enterpriseId: '01a22782-e1ae-71b0-8ee7-e55ea0a056de',
      foundFrom: '2026-01-01',
      foundTo: '2026-03-31',
      text: '燃气 软管',
    })
  })
})

describe('count tiles', () => {
  it('a tile sets status / overdue / level and keeps the other filters', () => {
    const f = { ...EMPTY_FILTER, division: '110109106', status: 'verified' as const, level: 'major' as const }
    expect(applyTile(f, 'overdue')).toEqual({ ...EMPTY_FILTER, division: '110109106', overdue: true })
    expect(applyTile(f, 'open')).toEqual({ ...EMPTY_FILTER, division: '110109106', status: 'open' })
    expect(applyTile(f, 'all')).toEqual({ ...EMPTY_FILTER, division: '110109106' })
  })

  it('the active tile is the one whose filter is exactly on', () => {
    expect(activeTile({ ...EMPTY_FILTER })).toBe('all')
    expect(activeTile({ ...EMPTY_FILTER, text: 'x', level: 'major' })).toBe('major')
    expect(activeTile({ ...EMPTY_FILTER, status: 'rectified' })).toBe('rectified')
    // Two tile filters combined (from the selects) match no single tile.
    expect(activeTile({ ...EMPTY_FILTER, status: 'open', level: 'major' })).toBeNull()
  })

  it('the tiles count within the other filters', () => {
    expect(scopeOf(full)).toEqual({ ...full, status: '', overdue: false, level: '' })
  })
})
