// A settings form: read once, edited as text, saved as a whole. The deadlines, the
// document settings and the profile differ only in their fields and commands.

import { computed, reactive, ref, watch } from 'vue'
import { BackendError, describeError } from './backend'

export interface SettingsFormOptions<F extends Record<string, string>, S> {
  /** The form's text, reactive. */
  form: F
  read: () => Promise<S>
  /** Sets the form from what was read or saved. */
  fill: (saved: S) => void
  /** Saves the form and answers what was stored; may throw for a field. */
  write: () => Promise<S>
  /** Checks the form before it is sent: sets field errors and answers false to stop. */
  check?: (errors: Partial<Record<keyof F, string>>) => boolean
  onSaved?: (saved: S) => void
}

export function useSettingsForm<F extends Record<string, string>, S>(o: SettingsFormOptions<F, S>) {
  const fieldErrors = reactive({}) as Partial<Record<keyof F, string>>
  const phase = ref<'loading' | 'ready' | 'error'>('loading')
  const loadError = ref('')
  const formError = ref('')
  const saving = ref(false)
  const savedNotice = ref(false)
  const pristine = ref('')
  const dirty = computed(() => JSON.stringify(o.form) !== pristine.value)

  let filling = false
  function fill(s: S) {
    filling = true
    try {
      o.fill(s)
    } finally {
      filling = false
    }
    pristine.value = JSON.stringify(o.form)
  }

  // An edit clears that field's error and the last save's notice (sync: a fill is no edit).
  for (const key of Object.keys(o.form) as (keyof F)[]) {
    watch(
      () => o.form[key],
      () => {
        if (filling) return
        delete fieldErrors[key]
        savedNotice.value = false
        formError.value = ''
      },
      { flush: 'sync' },
    )
  }

  async function load() {
    phase.value = 'loading'
    try {
      fill(await o.read())
      phase.value = 'ready'
    } catch (e) {
      loadError.value = describeError(e)
      phase.value = 'error'
    }
  }

  async function save() {
    formError.value = ''
    savedNotice.value = false
    for (const key of Object.keys(fieldErrors)) delete fieldErrors[key as keyof F]
    if (o.check && !o.check(fieldErrors)) return
    saving.value = true
    try {
      const saved = await o.write()
      fill(saved)
      savedNotice.value = true
      o.onSaved?.(saved)
    } catch (e) {
      const field = e instanceof BackendError ? e.field : undefined
      if (field !== undefined && field in o.form) fieldErrors[field as keyof F] = describeError(e)
      else formError.value = describeError(e)
    } finally {
      saving.value = false
    }
  }

  void load()
  return { fieldErrors, phase, loadError, formError, saving, savedNotice, dirty, load, save }
}

export type SettingsForm = ReturnType<typeof useSettingsForm<Record<string, string>, unknown>>
