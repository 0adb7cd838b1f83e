// Finding one enterprise by typing (name, credit code or address): the first few matches,
// searched once typing pauses; an answer to an older query never overwrites a newer one.
// Used by 新建检查 and by the hazard ledger's enterprise filter.

import { onBeforeUnmount, ref, watch } from 'vue'
import { describeError, searchEnterprises, type EnterpriseSummary } from '../../lib/backend'
import { debounce } from '../../lib/debounce'

/** Must be called in a component's setup (the pending search is dropped on unmount). */
export function useEnterpriseQuickSearch(delayMs: number, limit = 8) {
  const query = ref('')
  const results = ref<EnterpriseSummary[]>([])
  /** All matches, of which `results` are the first `limit`. */
  const total = ref(0)
  const searching = ref(false)
  const error = ref('')
  let generation = 0

  async function search() {
    const q = query.value.trim()
    const mine = ++generation
    if (!q) {
      results.value = []
      searching.value = false
      return
    }
    searching.value = true
    error.value = ''
    try {
      const r = await searchEnterprises({ query: q, limit })
      if (mine !== generation) return
      results.value = r.items
      total.value = r.total
    } catch (e) {
      if (mine === generation) error.value = describeError(e)
    } finally {
      if (mine === generation) searching.value = false
    }
  }

  const searchSoon = debounce(search, delayMs)
  watch(query, () => searchSoon())
  onBeforeUnmount(() => searchSoon.cancel())

  /** Empties the box and the list (after a pick). */
  function reset() {
    query.value = ''
    results.value = []
  }

  return { query, results, total, searching, error, searchSoon, reset }
}
