// The reference lists (镇街, 行业, 文书种类), read once per visit and shared by the pages.

import { ref, shallowRef } from 'vue'
import * as api from './api/client'
import type { Reference } from './api/client'

const reference = shallowRef<Reference | null>(null)
const error = ref('')
let pending: Promise<void> | null = null

function load(): Promise<void> {
  pending ??= api.reference().then(
    (r) => {
      reference.value = r
      error.value = ''
    },
    (e: unknown) => {
      error.value = api.messageOf(e)
      pending = null
    },
  )
  return pending
}

export function useReference() {
  void load()
  return { reference, error, retry: load }
}
