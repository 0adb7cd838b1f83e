import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// `npm run dev` proxies the API to a running test backend (ui-backend), e.g.
// ANJIAN_API=http://127.0.0.1:8787 npm run dev
const apiTarget = process.env.ANJIAN_API

export default defineConfig({
  plugins: [vue()],
  // Relative asset paths: the same dist/ is served by the Tauri shell and the HTTP backend.
  base: './',
  build: {
    outDir: 'dist',
    target: 'es2022',
  },
  server: apiTarget ? { proxy: { '/api': apiTarget } } : {},
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
