// A list page's filters and page number, read from the URL and written back to it: a
// choice adds a history entry (back undoes it), typing replaces the current one.

import { ref, shallowRef, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { changed, readFilters, readPage, toQuery, type Filters, type Spec } from './query'

export function useListRoute<K extends string>(name: string, spec: Spec<K>) {
  const route = useRoute()
  const router = useRouter()
  const filters = shallowRef<Filters<K>>(readFilters(spec, route.query))
  const page = ref(readPage(route.query))

  // Only while this page is shown: leaving it changes the route before it unmounts.
  watch(
    () => route.query,
    (q) => {
      if (route.name !== name) return
      filters.value = readFilters(spec, q)
      page.value = readPage(q)
    },
  )

  function set(patch: Filters<K>, how: 'push' | 'replace' = 'push') {
    void router[how]({ query: changed(filters.value, patch) })
  }

  function goPage(n: number) {
    void router.push({ query: toQuery(filters.value as Record<string, string | undefined>, n) })
  }

  function clear() {
    void router.push({ query: {} })
  }

  return { filters, page, set, goPage, clear }
}
