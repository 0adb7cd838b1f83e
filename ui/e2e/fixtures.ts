// Starts the real test backend (ui-backend) once per worker, on a free port and a fresh
// data directory, and points every page at it. ANJIAN_UI_BACKEND overrides the binary.

import { test as base, expect } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const uiDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const repoDir = resolve(uiDir, '..')
const backendBin = process.env.ANJIAN_UI_BACKEND ?? join(repoDir, 'target', 'debug', 'ui-backend')
const distDir = join(uiDir, 'dist')

/** Where tests put screenshots meant for a person to look at (gitignored). */
export const screenshotPath = (name: string) => join(uiDir, 'e2e-screens', name)

interface Backend {
  url: string
  dataDir: string
}

function waitForListening(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let stdout = ''
    let stderr = ''
    const fail = (why: string) => {
      clearTimeout(timer)
      reject(new Error(`ui-backend ${why}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`))
    }
    const timer = setTimeout(() => fail(`did not print "listening on …" within ${timeoutMs} ms`), timeoutMs)
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const m = /listening on (http:\/\/[^\s]+)/.exec(stdout)
      if (m?.[1]) {
        clearTimeout(timer)
        resolvePromise(m[1].replace(/\/$/, ''))
      }
    })
    child.on('error', (e) => fail(`could not start: ${e.message}`))
    child.on('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`))
  })
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  child.kill('SIGTERM')
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000))
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL')
    await exited
  }
}

/** Starts a backend on a fresh data directory for as long as `use` runs, then removes both. */
async function runBackend(use: (backend: Backend) => Promise<void>): Promise<void> {
  if (!existsSync(backendBin)) {
    throw new Error(`ui-backend not found at ${backendBin}: build it (cargo build -p …) or set ANJIAN_UI_BACKEND`)
  }
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new Error(`${distDir}/index.html missing: run "npm run build" first`)
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'anjian-e2e-'))
  const child = spawn(backendBin, ['--ui', distDir, '--data', dataDir, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  try {
    const url = await waitForListening(child, 30_000)
    await use({ url, dataDir })
  } finally {
    await stop(child)
    await rm(dataDir, { recursive: true, force: true })
  }
}

export const test = base.extend<{ ownBackend: Backend }, { backend: Backend }>({
  // Shared by all tests of a worker (and the page's baseURL): tests add to its data but
  // must not take away what others rely on, such as the 360 demo enterprises.
  backend: [async ({}, use) => runBackend(use), { scope: 'worker', timeout: 60_000 }],
  // A backend for one test alone, for tests that change data destructively (deleting the
  // demo enterprises). Pages reach it only by its full URL: page.goto(`${ownBackend.url}/#/…`).
  ownBackend: [async ({}, use) => runBackend(use), { timeout: 60_000 }],
  baseURL: async ({ backend }, use) => {
    await use(backend.url)
  },
})

export { expect }
