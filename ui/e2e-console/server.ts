// A real district server for the console's tests, once per worker: a database filled by
// seed-district (devices inspecting through the real sync), two accounts made with the
// admin command, `anjian-server serve` on a free port.

import { test as base, expect, type Page } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const target = process.env.CARGO_TARGET_DIR ?? join(repo, 'target')
const serverBin = process.env.ANJIAN_SERVER ?? join(target, 'debug', 'anjian-server')
const seedBin = process.env.ANJIAN_SEED ?? join(target, 'debug', 'seed-district')

export interface District {
  url: string
  database: string
  accounts: { admin: string; staff: string; leader: string }
}

function startServer(database: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(serverBin, ['serve', '--listen', '127.0.0.1:0', '--database', database], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolvePromise, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`anjian-server did not start:\n${out}`)), 20_000)
    const read = (chunk: Buffer) => {
      out += chunk.toString()
      const m = /listening on (http:\/\/[^\s]+)/.exec(out)
      if (m?.[1]) {
        clearTimeout(timer)
        resolvePromise({ child, url: m[1] })
      }
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    child.on('exit', (code) => reject(new Error(`anjian-server exited (${code}):\n${out}`)))
  })
}

const addUser = (database: string, name: string, role: string) =>
  execFileSync(serverBin, ['user', 'add', '--name', name, '--role', role, '--database', database], {
    encoding: 'utf8',
  }).trim()

export const test = base.extend<{ district: District }, { districtWorker: District }>({
  districtWorker: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'anjian-console-'))
      const database = process.env.ANJIAN_CONSOLE_DATABASE ?? join(dir, 'district.db')
      execFileSync(seedBin, ['--database', database, '--devices', '3', '--inspections', '30'], { stdio: 'inherit' })
      const accounts = {
        admin: addUser(database, '张敏', 'admin'),
        staff: addUser(database, '李强', 'staff'),
        leader: addUser(database, '周队长', 'leader'),
      }
      const { child, url } = await startServer(database)
      await use({ url, database, accounts })
      child.kill('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
    { scope: 'worker' },
  ],
  district: async ({ districtWorker }, use) => use(districtWorker),
  baseURL: async ({ districtWorker }, use) => use(districtWorker.url),
})

export { expect }

/** Signs in; on a one-time password, changes it to `next` first. */
export async function signIn(page: Page, name: string, password: string, next?: string) {
  await page.goto('/login')
  await page.getByLabel('用户名').fill(name)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.getByTestId('login-submit').click()
  if (next) {
    await expect(page).toHaveURL(/\/password/)
    await page.getByLabel('当前密码').fill(password)
    await page.getByLabel('新密码', { exact: true }).fill(next)
    await page.getByLabel('再次输入新密码').fill(next)
    await page.getByTestId('password-submit').click()
  }
}

/** axe-core on the page as it stands: no serious or critical finding. */
export async function accessible(page: Page, what: string) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze()
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`), what).toEqual([])
}

export const screenshot = (name: string) => join(repo, 'ui', 'e2e-screens', name)
