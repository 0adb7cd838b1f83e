// "The data changed underneath": sync applied records from the server (enterprises,
// checklist versions, hazards …). Pages that show what is stored subscribe with
// useDataChanged(reload) and read again, so nothing needs a restart. A long first sync
// reports new records every second: listeners run at most every THROTTLE_MS, and the
// last notification is never dropped.

import { getCurrentScope, onScopeDispose } from 'vue'

export const THROTTLE_MS = 3_000

const listeners = new Set<{ cb: () => void }>()
let lastFired = Number.NEGATIVE_INFINITY
let trailing: ReturnType<typeof setTimeout> | undefined

function fire() {
  trailing = undefined
  lastFired = Date.now()
  for (const l of [...listeners]) {
    try {
      l.cb()
    } catch (e) {
      console.error('data-changed listener failed', e)
    }
  }
}

/** Says that stored data changed; listeners run now, or at the end of the throttle window. */
export function notifyDataChanged(): void {
  if (trailing !== undefined) return
  const wait = lastFired + THROTTLE_MS - Date.now()
  if (wait <= 0) fire()
  else trailing = setTimeout(fire, wait)
}

/** Calls `cb` whenever data changed; returns the function that stops it. */
export function onDataChanged(cb: () => void): () => void {
  const entry = { cb }
  listeners.add(entry)
  return () => {
    listeners.delete(entry)
  }
}

/** onDataChanged for a component: stops when the component goes away. */
export function useDataChanged(cb: () => void): void {
  const off = onDataChanged(cb)
  if (getCurrentScope()) onScopeDispose(off)
}

/** Unit tests: no listeners, no pending call, no throttle window. */
export function resetDataChanged(): void {
  listeners.clear()
  if (trailing !== undefined) clearTimeout(trailing)
  trailing = undefined
  lastFired = Number.NEGATIVE_INFINITY
}
