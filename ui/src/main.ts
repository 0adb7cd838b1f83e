import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import './styles.css'
import { startTheme } from './lib/theme'

startTheme()

createApp(App).use(router).mount('#app')
