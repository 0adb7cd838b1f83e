// What a page shows while it asks the server: reading (the first time), the answer, or
// why there is none. A newer question wins over an older one still on its way; while it
// is asked, the last answer stays on screen (marked as being refreshed).

import { ref, shallowRef, watch } from 'vue'
import { messageOf } from './api/client'

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
