// The bureau's web console (控制台): a second entry of the UI, served by the district server.
import { createApp } from 'vue'
import '../styles.css'
import './console.css'
import { setUnauthorizedHandler } from './api/client'
import App from './App.vue'
import { router } from './router'
import { setMe } from './session'

// The session ended (expired, or signed out elsewhere): back to the login page, then on
// to where the user was.
setUnauthorizedHandler(() => {
  setMe(null)
  const current = router.currentRoute.value
  if (current.name !== 'login') void router.replace({ name: 'login', query: { redirect: current.fullPath } })
})

createApp(App).use(router).mount('#app')
