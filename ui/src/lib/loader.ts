// Something a component reads when it opens: reading, read, or failed with a reason to
// show beside 重试.

import { ref } from 'vue'
import { describeError } from './backend'

export function useLoader(read: () => Promise<void>) {
  const phase = ref<'loading' | 'ready' | 'error'>('loading')
  const error = ref('')
  async function load() {
    phase.value = 'loading'
    try {
      await read()
      phase.value = 'ready'
    } catch (e) {
      error.value = describeError(e)
      phase.value = 'error'
    }
  }
  void load()
  return { phase, error, load }
}
