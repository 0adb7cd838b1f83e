// A list page's filters and page number, kept in the URL's query so that a link (the
// 总览's figures) opens the list filtered, and back / forward step through what was shown.
// Values the page does not know are dropped, so a hand-edited URL cannot reach the server.

import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { isIsoDate } from '../lib/dates'

/** Whether a value may stand for a filter. */
export type Check = (value: string) => boolean

export const anyText: Check = (v) => v.length > 0 && v.length <= 100
export const oneOf =
  (...values: string[]): Check =>
  (v) => values.includes(v)
export const isDay: Check = isIsoDate

export type Spec<K extends string> = Record<K, Check>
export type Filters<K extends string> = Partial<Record<K, string>>

/** The first value of a query parameter, if it is a string. */
function first(value: LocationQuery[string] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value
  return typeof v === 'string' ? v : undefined
}

/** The filters a query sets, each checked; the rest left out. */
export function readFilters<K extends string>(spec: Spec<K>, query: LocationQuery): Filters<K> {
  const out: Filters<K> = {}
  for (const key of Object.keys(spec) as K[]) {
    const v = first(query[key])
    if (v !== undefined && spec[key](v)) out[key] = v
  }
  // A period read backwards is no period: drop its end.
  const f = out as Record<string, string | undefined>
  if (f.from && f.to && f.from > f.to) delete f.to
  return out
}

/** The page number in the query: a whole number from 1, else 1. */
export function readPage(query: LocationQuery): number {
  const v = first(query.page)
  if (!v || !/^\d{1,6}$/.test(v)) return 1
  return Math.max(1, Number(v))
}

/** The query for these filters and page (page 1 and empty filters left out). */
export function toQuery(filters: Record<string, string | undefined>, page = 1): LocationQueryRaw {
  const q: Record<string, string> = {}
  for (const [k, v] of Object.entries(filters)) if (v) q[k] = v
  if (page > 1) q.page = String(page)
  return q
}

/** The filters with some changed; a change of filters starts again at page 1. */
export function changed<K extends string>(filters: Filters<K>, patch: Filters<K>): LocationQueryRaw {
  return toQuery({ ...filters, ...patch } as Record<string, string | undefined>)
}

/** offset and limit of page `page` (from 1) of `size` rows. */
export const pageBounds = (page: number, size: number) => ({ offset: (page - 1) * size, limit: size })

/** How many pages `total` rows make (at least 1). */
export const pageCount = (total: number, size: number) => Math.max(1, Math.ceil(total / size))

/** Whether any filter is set. */
export const anySet = (filters: Record<string, string | undefined>) => Object.values(filters).some(Boolean)
