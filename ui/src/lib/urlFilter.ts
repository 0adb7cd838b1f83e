// A list's filters kept in the URL's query, so that going back from a record, or a link,
// restores the list as it was. The URL changing from outside (back / forward, the
// navigation's link) changes the filters.

import { ref, watch, type Ref } from 'vue'
import { useRoute, useRouter, type LocationQuery } from 'vue-router'

/** Whether two queries say the same, the order of their keys aside. */
export function sameQuery(a: Record<string, string>, b: Record<string, string>): boolean {
  return Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k])
}

export function useUrlFilter<F>(
  path: string,
  fromQuery: (q: LocationQuery) => F,
  toQuery: (f: F) => Record<string, string>,
) {
  const route = useRoute()
  const router = useRouter()
  const filter = ref(fromQuery(route.query)) as Ref<F>

  const same = sameQuery
  const inUrl = () => toQuery(fromQuery(route.query))

  /** Writes the filters into the URL (replacing, not adding to the history). */
  function syncUrl() {
    const q = toQuery(filter.value)
    if (!same(q, inUrl())) void router.replace({ query: q })
  }

  watch(
    () => route.query,
    () => {
      if (route.path === path && !same(toQuery(filter.value), inUrl())) filter.value = fromQuery(route.query)
    },
  )

  return { filter, syncUrl }
}
