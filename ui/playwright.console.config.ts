import { defineConfig } from '@playwright/test'
import base from './playwright.config'

// The bureau's console against a real anjian-server (SQLite, or PostgreSQL when
// ANJIAN_CONSOLE_DATABASE names one), filled by seed-district: see e2e-console/server.ts.
export default defineConfig({
  ...base,
  testDir: 'e2e-console',
  outputDir: 'test-results-console',
})
