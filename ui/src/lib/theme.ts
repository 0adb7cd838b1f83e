// The look for the light the inspector works in: 标准, or 强光 (high contrast: text at
// least 7:1, thicker lines) for a quarry at noon. 跟随系统 takes 强光 when the system asks
// for more contrast. A preference of this device, kept in its web view's storage.

import { ref } from 'vue'

export type ThemeChoice = 'system' | 'standard' | 'sun'

const KEY = 'anjian.theme'
const CHOICES: ThemeChoice[] = ['system', 'standard', 'sun']
const moreContrast = () => typeof matchMedia === 'function' && matchMedia('(prefers-contrast: more)').matches

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY)
    return CHOICES.includes(v as ThemeChoice) ? (v as ThemeChoice) : 'system'
  } catch {
    return 'system'
  }
}

/** The chosen look; `setTheme` changes it. */
export const theme = ref<ThemeChoice>(stored())

/** Whether `choice` shows the 强光 look now. */
export function isSun(choice: ThemeChoice, systemWantsContrast: boolean = moreContrast()): boolean {
  return choice === 'sun' || (choice === 'system' && systemWantsContrast)
}

function apply() {
  const root = document.documentElement
  if (isSun(theme.value)) root.dataset.theme = 'sun'
  else delete root.dataset.theme
}

export function setTheme(choice: ThemeChoice) {
  theme.value = choice
  try {
    localStorage.setItem(KEY, choice)
  } catch {
    // A web view without storage keeps the choice for this session.
  }
  apply()
}

/** Applies the stored look before the first page is drawn, and follows the system's. */
export function startTheme() {
  apply()
  if (typeof matchMedia === 'function') matchMedia('(prefers-contrast: more)').addEventListener('change', apply)
}
