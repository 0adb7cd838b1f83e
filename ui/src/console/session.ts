// Who is signed in, as the server last said (GET /me on the first navigation, then the
// answers of login and password). The router's guard reads it; nothing else asks /me.

import { ref } from 'vue'
import * as api from './api/client'
import type { Me } from './api/client'

/** The signed-in person; null when nobody is (or not known yet). */
export const me = ref<Me | null>(null)
/** Why the server could not say who is signed in (unreachable, or it failed). */
export const sessionError = ref('')

let known: Promise<Me | null> | null = null

/** Who is signed in: asks the server once, then remembers. */
export function ensureSession(): Promise<Me | null> {
  known ??= api.me().then(
    (m) => {
      sessionError.value = ''
      me.value = m
      return m
    },
    (e: unknown) => {
      // Ask again on the next navigation: the server may be back.
      known = null
      sessionError.value = api.messageOf(e)
      me.value = null
      return null
    },
  )
  return known
}

/** Sets who is signed in from an answer of the server (or null when the session ended). */
export function setMe(m: Me | null): void {
  me.value = m
  sessionError.value = ''
  known = Promise.resolve(m)
}

export async function signIn(name: string, password: string): Promise<Me> {
  const m = await api.login({ name, password })
  setMe(m)
  return m
}

export async function changePassword(current: string, next: string): Promise<Me> {
  const m = await api.changePassword({ current, new: next })
  setMe(m)
  return m
}

/** Signs out; the session is forgotten here even when the server could not be told. */
export async function signOut(): Promise<void> {
  try {
    await api.logout()
  } finally {
    setMe(null)
  }
}
