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
    rolldownOptions: {
      output: {
        // pdf.js's worker is an .mjs file; it is written out as .js, the one extension every
        // server of dist/ (the Tauri shell, the test backend ui-backend) serves as JavaScript.
        // A module script served as anything else is refused by the browser.
        assetFileNames: (asset) =>
          asset.names.some((n) => n.endsWith('.mjs')) ? 'assets/[name]-[hash].js' : 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: apiTarget ? { proxy: { '/api': apiTarget } } : {},
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
