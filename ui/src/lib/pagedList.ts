// A list read from the backend a page at a time: the first page on each new search, more
// on request, and the same rows again when sync changed the data. The documents, the
// ledger and the enterprise list differ only in what they ask for.

import { computed, ref, type Ref } from 'vue'
import { describeError } from './backend'
import { useDataChanged } from './dataChanged'

/** The most rows a refresh reads again (the list commands answer at most 200). */
export const MAX_REFRESH = 200

export interface Page<T> {
  items: T[]
  /** All rows that match, where the backend counts them. */
  total?: number
  /** Whether there are rows after these. */
  more: boolean
  /** Applied with the page, and only if no newer search has started meanwhile. */
  apply?: () => void
}

/** `fetch(offset, limit, first)`: one page; `first` is set for the first page of a search. */
export type PagedList<T> = ReturnType<typeof usePagedList<T>>

export function usePagedList<T>(
  pageSize: number,
  fetch: (offset: number, limit: number, first: boolean) => Promise<Page<T>>,
) {
  const items = ref([]) as Ref<T[]>
  const total = ref(0)
  const more = ref(false)
  const phase = ref<'loading' | 'ready' | 'error'>('loading')
  const searching = ref(false)
  const error = ref('')
  const loadingMore = ref(false)
  const moreError = ref('')

  // Each new search gets a number; answers to older searches are dropped.
  let generation = 0

  /** `size`: how many rows to read (a refresh keeps as many rows as are shown). */
  async function search(size = pageSize) {
    const mine = ++generation
    searching.value = true
    moreError.value = ''
    try {
      const page = await fetch(0, size, true)
      if (mine !== generation) return
      items.value = page.items
      total.value = page.total ?? page.items.length
      more.value = page.more
      page.apply?.()
      phase.value = 'ready'
    } catch (e) {
      if (mine !== generation) return
      error.value = describeError(e)
      phase.value = 'error'
    } finally {
      if (mine === generation) searching.value = false
    }
  }

  async function loadMore() {
    const mine = generation
    loadingMore.value = true
    moreError.value = ''
    try {
      const page = await fetch(items.value.length, pageSize, false)
      if (mine !== generation) return
      items.value = [...items.value, ...page.items]
      total.value = page.total ?? items.value.length
      more.value = page.more
      page.apply?.()
    } catch (e) {
      if (mine === generation) moreError.value = describeError(e)
    } finally {
      loadingMore.value = false
    }
  }

  // Sync brought data: read the same rows again.
  useDataChanged(() => {
    if (phase.value === 'ready' && !loadingMore.value) {
      void search(Math.min(MAX_REFRESH, Math.max(pageSize, items.value.length)))
    }
  })

  return {
    items,
    total,
    hasMore: computed(() => more.value),
    phase,
    searching,
    error,
    loadingMore,
    moreError,
    search,
    loadMore,
  }
}

/** A page from a command that counts all matching rows. */
export function countedPage<T>(offset: number, rows: T[], total: number, apply?: () => void): Page<T> {
  return { items: rows, total, more: offset + rows.length < total, apply }
}

/** A page from a command asked for one row more than `limit`: that row says there is more. */
export function overfetchedPage<T>(rows: T[], limit: number): Page<T> {
  return { items: rows.slice(0, limit), more: rows.length > limit }
}
