// 我的任务 in the app, against the seeded district: the app (the test backend on a data
// directory of its own) is paired as 王磊, whose tasks seed-district gave by a draw and
// one of which his first device did; after one sync the page lists them by state, and
// an inspection started from a task has its enterprise and colleague fixed. Then the
// bureau revokes the device: the 同步 page says so, and what it never sent is exported
// to a file the bureau imports.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test, expect, accessible, screenshot } from './server'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const target = process.env.CARGO_TARGET_DIR ?? join(repo, 'target')
const serverBin = process.env.ANJIAN_SERVER ?? join(target, 'debug', 'anjian-server')
const backendBin = process.env.ANJIAN_UI_BACKEND ?? join(target, 'debug', 'ui-backend')

function startApp(data: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(backendBin, ['--ui', join(repo, 'ui', 'dist'), '--data', data, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolvePromise, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`ui-backend did not start:\n${out}`)), 30_000)
    const read = (chunk: Buffer) => {
      out += chunk.toString()
      const m = /listening on (http:\/\/[^\s]+)/.exec(out)
      if (m?.[1]) {
        clearTimeout(timer)
        resolvePromise({ child, url: m[1].replace(/\/$/, '') })
      }
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    child.on('exit', (code) => reject(new Error(`ui-backend exited (${code}):\n${out}`)))
  })
}

/** An answer to the first item of the inspection under way: a change that waits to be sent. */
async function firstAnswer(call: (name: string, args?: object) => Promise<any>) {
  const drafts = await call('list_inspections', { status: 'draft' })
  const view = await call('get_inspection', { id: drafts[0].id })
  const item = view.template.sections[0].items[0]
  return { inspectionId: drafts[0].id, itemCode: item.code, result: 'compliant', note: '', photos: [] }
}

test('我的任务: a sync brings the inspector’s tasks; one starts an inspection with its enterprise and colleague', async ({
  page,
  district,
}) => {
  const code = execFileSync(
    serverBin,
    ['enrol', '--name', '王磊', '--cert', '11010923001', '--database', district.database],
    { encoding: 'utf8' },
  ).trim()
  const data = mkdtempSync(join(tmpdir(), 'anjian-app-tasks-'))
  const app = await startApp(data)
  try {
    const call = async (name: string, args: object = {}) => {
      const res = await page.request.post(`${app.url}/api/call/${name}`, { data: args })
      expect(res.ok(), `${name}: ${await res.text()}`).toBe(true)
      return res.json()
    }
    await call('sync_pair', { server: district.url, code, deviceName: '执法终端' })
    await call('sync_now')
    await expect
      .poll(async () => (await call('sync_status')).state, { timeout: 60_000 })
      .toBe('idle')
    const tasks: { id: string; state: string; enterpriseName: string }[] = await call('list_tasks')
    expect(tasks.some((t) => t.state === 'done'), JSON.stringify(tasks)).toBe(true)
    const open = tasks.filter((t) => t.state === 'due')
    expect(open.length).toBeGreaterThan(0)

    await page.goto(`${app.url}/#/tasks`)
    await expect(page.getByRole('heading', { level: 1, name: '我的任务' })).toBeVisible()
    await expect(page.getByTestId('task-row')).toHaveCount(tasks.length)
    await expect(page.getByTestId('task-group-done').getByTestId('task-view')).not.toHaveCount(0)
    await expect(page.getByTestId('task-summary')).toContainText(`本月应检查 ${open.length} 项`)
    await accessible(page, '我的任务')
    await page.screenshot({ path: screenshot('app-tasks.png'), fullPage: true })

    // Started from a task: its enterprise and its colleague, nothing to choose but the checklist.
    const first = page.getByTestId('task-group-due').getByTestId('task-row').first()
    const name = (await first.locator('.name').innerText()).trim()
    await first.getByTestId('task-start').click()
    await expect(page.getByTestId('task-banner')).toContainText('按任务检查')
    await expect(page.getByTestId('chosen-enterprise')).toContainText(name)
    await expect(page.getByRole('button', { name: '更换单位' })).toHaveCount(0)
    await expect(page.getByTestId('colleague-option')).toHaveCount(1)
    await expect(page.getByTestId('colleague-option').locator('input')).toBeChecked()
    const template = page.getByTestId('template-option').first().locator('input')
    if (!(await template.isChecked())) await template.check()
    await accessible(page, '新建检查（按任务）')
    await page.screenshot({ path: screenshot('app-task-start.png'), fullPage: true })
    await page.getByTestId('start-inspection-submit').click()
    await expect(page).toHaveURL(/#\/inspections\/[0-9a-f-]+$/)

    // The task now leads to its inspection under way.
    await page.goto(`${app.url}/#/tasks`)
    await expect(page.getByTestId('task-continue')).toHaveCount(1)

    // The device is lost: the bureau revokes it without wiping. At its next contact the
    // 同步 page says so; what it never sent goes to the bureau as one file.
    const devices = execFileSync(serverBin, ['devices', '--database', district.database], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => line.split('\t'))
      .filter((cols) => cols[1] === '执法终端' && cols[2]?.startsWith('王磊') && cols[4] === '使用中')
      .sort((a, b) => (a[3] ?? '').localeCompare(b[3] ?? ''))
    const device = devices[devices.length - 1]?.[0]
    expect(device, 'the app’s device on the server').toBeTruthy()
    execFileSync(serverBin, ['revoke', device!, '--database', district.database], { encoding: 'utf8' })
    await call('put_answer', await firstAnswer(call))
    const revoked = await page.request.post(`${app.url}/api/call/sync_now`, { data: {} })
    expect(revoked.ok()).toBe(true)
    await expect.poll(async () => (await call('sync_status')).state, { timeout: 30_000 }).toBe('revoked')
    await page.goto(`${app.url}/#/sync`)
    await expect(page.getByTestId('sync-state')).toContainText('本机已被区局停用')
    await expect(page.getByTestId('sync-revoked')).toContainText('还有')
    await page.getByTestId('export-unsent').click()
    await expect(page.getByTestId('export-done')).toContainText('安检未上传记录-王磊-')
    await accessible(page, '同步（已停用）')
    await page.screenshot({ path: screenshot('app-sync-revoked.png'), fullPage: true })
    const path = /文件：(.+\.json)。/.exec(await page.getByTestId('export-done').innerText())?.[1]
    expect(path).toBeTruthy()
    const imported = execFileSync(serverBin, ['import-unsent', path!, '--database', district.database], {
      encoding: 'utf8',
    })
    expect(imported).toMatch(/导入 [1-9]\d* 条/)
  } finally {
    app.child.kill('SIGTERM')
    rmSync(data, { recursive: true, force: true })
  }
})
