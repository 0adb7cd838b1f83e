// Something the inspector starts with a button: busy while it runs (the button says so
// and cannot be pressed twice), and why it failed.

import { ref } from 'vue'
import { describeError } from './backend'

export function useAction() {
  const busy = ref(false)
  const error = ref('')
  /** Runs `work`; a failure is kept in `error`, not thrown. */
  async function run(work: () => Promise<void>): Promise<void> {
    busy.value = true
    error.value = ''
    try {
      await work()
    } catch (e) {
      error.value = describeError(e)
    } finally {
      busy.value = false
    }
  }
  return { busy, error, run }
}
