// "The inspector is leaving": the window closes, or the tablet switches to another app.
// What is waiting to be saved is saved now rather than after its pause.

import { onBeforeUnmount, onMounted } from 'vue'

export function onLeaving(save: () => void): void {
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') save()
  }
  onMounted(() => {
    document.addEventListener('visibilitychange', onVisibility)
    window.addEventListener('pagehide', save)
  })
  onBeforeUnmount(() => {
    document.removeEventListener('visibilitychange', onVisibility)
    window.removeEventListener('pagehide', save)
  })
}
