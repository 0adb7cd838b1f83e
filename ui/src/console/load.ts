// What a page shows while it asks the server: reading (the first time), the answer, or
// why there is none. A newer question wins over an older one still on its way; while it
// is asked, the last answer stays on screen (marked as being refreshed).

import { computed, ref, shallowRef, watch } from 'vue'
import { useRoute } from 'vue-router'
import { ApiError, messageOf } from './api/client'

export type Phase = 'loading' | 'ready' | 'error'

/** `question` is null while there is nothing to ask (the page is being left). */
export function useLoad<Q, T>(question: () => Q | null, ask: (q: Q) => Promise<T>) {
  const data = shallowRef<T | null>(null)
  const phase = ref<Phase>('loading')
  const error = ref('')
  /** A question is on its way (the data shown may be the last one's). */
  const busy = ref(false)
  let asked = 0

  async function run() {
    const q = question()
    if (q === null) return
    const n = ++asked
    busy.value = true
    if (phase.value === 'error') phase.value = 'loading'
    try {
      const answer = await ask(q)
      if (n !== asked) return
      data.value = answer
      error.value = ''
      phase.value = 'ready'
    } catch (e) {
      if (n !== asked) return
      data.value = null
      error.value = messageOf(e)
      phase.value = 'error'
    } finally {
      if (n === asked) busy.value = false
    }
  }

  watch(() => JSON.stringify(question()), () => void run(), { immediate: true })

  return { data, phase, error, busy, reload: run }
}

/** One record of the page's route (`/<list>/:id`): its answer, null when the server has
 *  no such record (a 404 is an answer to show, not a failure to retry). */
export function useRecord<T>(routeName: string, ask: (id: string) => Promise<T>) {
  const route = useRoute()
  // The id in the address; null once the page is being left.
  const id = computed(() => (route.name === routeName && typeof route.params.id === 'string' ? route.params.id : null))
  const load = useLoad(
    () => id.value,
    async (id): Promise<T | null> => {
      try {
        return await ask(id)
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null
        throw e
      }
    },
  )
  const notFound = computed(() => load.phase.value === 'ready' && load.data.value === null)
  return { ...load, notFound, route }
}
