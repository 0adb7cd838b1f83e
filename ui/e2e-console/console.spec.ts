import { readFile } from 'node:fs/promises'
import { test, expect, signIn, accessible, screenshot } from './server'

const NEW_PASSWORD = '门头沟-应急-2026!'

test.describe.configure({ mode: 'serial' })

test('without a session only the sign-in page and /v/ answer', async ({ page, request }) => {
  await page.goto('/')
  await expect(page).toHaveURL(/\/login/)
  await accessible(page, '登录')
  for (const path of ['/api/console/me', '/api/console/hazards', '/api/console/audit']) {
    expect((await request.get(path)).status(), path).toBe(401)
  }
  const unknown = await page.goto('/v/ZZZZZ-ZZZZZ')
  expect(unknown?.status()).toBe(404)
  await expect(page.getByText('查无此文书').first()).toBeVisible()
  await accessible(page, '核验：查无此文书')
})

test('the first sign-in changes the one-time password; 总览 shows the server’s figures', async ({ page, district }) => {
  await signIn(page, '张敏', district.accounts.admin, NEW_PASSWORD)
  await expect(page.getByTestId('figure-cards')).toBeVisible()
  const year = new Date().getFullYear()
  const api = await page.request.get(`/api/console/overview?from=${year}-01-01&to=${year}-12-31`)
  const overview = await api.json()
  const t = overview.totals
  const shown = async (id: string) => Number((await page.getByTestId(id).innerText()).replace(/[^\d]/g, ''))
  expect(await shown('figure-inspections')).toBe(t.inspections)
  expect(await shown('figure-enterprises')).toBe(t.enterprises)
  expect(await shown('figure-hazards')).toBe(t.hazards)
  expect(await shown('figure-rectified')).toBe(t.rectified)
  expect(t.inspections).toBeGreaterThan(0)
  await expect(page.getByTestId('definitions')).toContainText('整改率')
  await page.screenshot({ path: screenshot('console-overview.png'), fullPage: true })
  await accessible(page, '总览')

  // A figure leads to the records behind it.
  await page.getByTestId('figure-hazards').click()
  await expect(page).toHaveURL(/\/hazards/)
  await expect(page.getByTestId('hazard-count')).toContainText(String(t.hazards))
  await accessible(page, '隐患台账')

  // The export holds every row the page counts (read back as CSV: header + rows).
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
  expect(file.suggestedFilename()).toMatch(/^隐患台账-\d{4}-\d{2}-\d{2}\.csv$/)
  const text = (await readFile((await file.path())!, 'utf8')).replace(/^\uFEFF/, '')
  const lines = text.trim().split(/\r?\n/)
  expect(lines[0]).toContain('隐患描述')
  expect(lines.length - 1).toBe(t.hazards)
  await expect(page.getByTestId('export-status')).toContainText(`已导出 ${t.hazards} 条`)
  // While the server makes the file the page shows how far it has come.
  const downloading = page.waitForEvent('download')
  await page.getByTestId('export-xlsx').click()
  await expect(page.getByTestId('export-progress').getByRole('progressbar')).toBeVisible()
  const xlsx = await downloading
  const bytes = await readFile((await xlsx.path())!)
  expect(bytes.subarray(0, 2).toString()).toBe('PK')
  await expect(page.getByTestId('export-status')).toContainText(`已导出 ${t.hazards} 条`)
})

test('every page of the console lists what the API holds', async ({ page, district }) => {
  await signIn(page, '张敏', NEW_PASSWORD)
  await expect(page.getByTestId('figure-cards')).toBeVisible()
  for (const [path, table, api] of [
    ['/hazards', 'hazard-table', '/api/console/hazards?limit=50'],
    ['/inspections', 'inspection-table', '/api/console/inspections?limit=50'],
    ['/enterprises', 'enterprise-table', '/api/console/enterprises?limit=50'],
    ['/audit', 'audit-table', '/api/console/audit?limit=50'],
  ] as const) {
    await page.goto(path)
    await expect(page.getByTestId(table)).toBeVisible()
    const rows = (await (await page.request.get(api)).json()).rows.length
    await expect(page.getByTestId(table).locator('tbody tr')).toHaveCount(rows)
    await page.screenshot({ path: screenshot(`console${path.replace('/', '-')}.png`), fullPage: true })
    await accessible(page, path)
  }
  void district
})

test('文书 lists the issued documents; an enterprise’s page shows its time line', async ({ page }) => {
  await signIn(page, '张敏', NEW_PASSWORD)
  await expect(page.getByTestId('figure-cards')).toBeVisible()
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '文书', exact: true }).click()
  await expect(page).toHaveURL(/\/documents$/)
  await expect(page.getByTestId('document-count')).toBeVisible()
  const documents = (await (await page.request.get('/api/console/documents?limit=50')).json()).rows.length
  expect(documents).toBeGreaterThan(0)
  await expect(page.getByTestId('document-row')).toHaveCount(documents)
  await expect(page.getByTestId('document-table')).toBeVisible()
  await page.screenshot({ path: screenshot('console-documents.png'), fullPage: true })
  await accessible(page, '文书')
  await page.getByTestId('document-link').first().click()
  await expect(page).toHaveURL(/\/documents\/[0-9a-f-]+$/)
  await expect(page.getByTestId('document-status')).toBeVisible()
  await expect(page.getByTestId('document-pdf')).toHaveAttribute('href', /\/pdf$/)
  await accessible(page, '文书详情')

  // An enterprise that was inspected (the seed picks them at random) has a time line.
  await page.goto('/enterprises')
  await expect(page.getByTestId('enterprise-table')).toBeVisible()
  const listed: { id: string; name: string; inspections: number }[] = (
    await (await page.request.get('/api/console/enterprises?limit=50')).json()
  ).rows
  const inspected = listed.find((e) => e.inspections > 0)
  expect(inspected, 'an inspected enterprise on the first page').toBeTruthy()
  await page
    .getByTestId('enterprise-link')
    .and(page.getByRole('link', { name: inspected!.name, exact: true }))
    .first()
    .click()
  await expect(page).toHaveURL(new RegExp(`/enterprises/${encodeURIComponent(inspected!.id)}$`))
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(inspected!.name)
  await expect(page.getByRole('heading', { name: '时间线' })).toBeVisible()
  await expect(page.getByTestId('timeline-entry').first()).toBeVisible()
  expect(await page.getByTestId('timeline-entry').count()).toBeGreaterThan(0)
  await expect(page.getByTestId('enterprise-facts')).toContainText('统一社会信用代码')
  await page.screenshot({ path: screenshot('console-enterprise.png'), fullPage: true })
  await accessible(page, '单位详情')
})

test('人员与设备: the admin enrols an inspector (code as text and QR) and revokes a device', async ({ page }) => {
  await signIn(page, '张敏', NEW_PASSWORD)
  await expect(page.getByTestId('figure-cards')).toBeVisible()
  await page.getByRole('link', { name: '人员与设备' }).click()
  await expect(page.getByTestId('device-row')).toHaveCount(3)
  await page.getByLabel('姓名').fill('陈静')
  await page.getByLabel('执法证号').fill('11010923005')
  await page.getByTestId('enrol-submit').click()
  await expect(page.getByTestId('pairing-code')).toHaveText(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  await expect(page.getByRole('img', { name: /配对码 .* 的二维码/ })).toBeVisible()
  await accessible(page, '人员与设备')
  await page.screenshot({ path: screenshot('console-people.png'), fullPage: true })
  await page.getByTestId('revoke').first().click()
  await page.getByRole('dialog').getByRole('button', { name: '停用' }).click()
  await expect(page.getByTestId('revoke-done')).toContainText('已停用')
  await expect(page.getByTestId('revoke')).toHaveCount(2)
  await expect(page.getByTestId('device-state').first()).toContainText('已停用')
  // A lost device: revoked with wiping, which the dialog says cannot be taken back.
  await page.getByTestId('revoke-wipe').last().click()
  await expect(page.getByRole('dialog')).toContainText('删除本机全部数据和密钥')
  await page.getByRole('dialog').getByRole('button', { name: '停用并清除' }).click()
  await expect(page.getByTestId('revoke-done')).toContainText('清除本机数据和密钥')
  await expect(page.getByTestId('device-state').filter({ hasText: '要求清除数据' })).toHaveCount(1)
  await expect(page.getByTestId('unsent-submit')).toBeDisabled()
  await accessible(page, '人员与设备（停用后）')
  await page.screenshot({ path: screenshot('console-people-revoked.png'), fullPage: true })
})

test('staff read the ledger but not the audit log; a change without the CSRF token is refused', async ({
  page,
  district,
}) => {
  await signIn(page, '李强', district.accounts.staff, '区局值班-2026-新密码')
  await expect(page.getByTestId('figure-cards')).toBeVisible()
  await expect(page.getByRole('link', { name: '审计日志' })).toHaveCount(0)
  await page.getByRole('link', { name: '人员与设备' }).click()
  await expect(page.getByTestId('device-row').first()).toBeVisible()
  await expect(page.getByTestId('revoke')).toHaveCount(0)
  await expect(page.getByTestId('enrol-submit')).toHaveCount(0)
  await page.getByRole('link', { name: '隐患台账' }).click()
  await expect(page.getByTestId('export-csv')).toBeVisible()
  await page.goto('/audit')
  await expect(page).toHaveURL(/\/forbidden/)
  expect((await page.request.get('/api/console/audit')).status()).toBe(403)
  const noToken = await page.request.post('/api/console/password', { data: { current: 'x', new: 'y' } })
  expect(noToken.status()).toBe(403)
  expect((await noToken.json()).code).toBe('csrf')
})

test('staff put a 重大隐患 under 挂牌督办; 检查详情 and 检查表 show the records', async ({ page }) => {
  await signIn(page, '李强', '区局值班-2026-新密码')
  await expect(page.getByTestId('figure-cards')).toBeVisible()
  await expect(page.getByTestId('figure-supervised')).toBeVisible()
  const majors = (await (await page.request.get('/api/console/hazards?level=major&limit=50')).json()).rows
  expect(majors.length, 'the seeded district has 重大隐患').toBeGreaterThan(0)
  await page.goto('/hazards?level=major')
  await expect(page.getByTestId('hazard-row')).toHaveCount(majors.length)
  await page.getByTestId('supervise-open').first().click()
  const dialog = page.getByRole('dialog', { name: '挂牌督办' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByLabel('督办单位（人）')).toBeFocused()
  await accessible(page, '挂牌督办')
  const due = new Date(Date.now() + 8 * 3600_000 + 30 * 86400_000).toISOString().slice(0, 10)
  await dialog.getByLabel('督办期限').fill(due)
  await dialog.getByLabel('说明（可不填）').fill('每周报告整改进度')
  await dialog.getByTestId('supervise-save').click()
  await expect(page.getByTestId('supervise-done')).toContainText('已挂牌督办')
  await expect(page.getByTestId('hazard-supervision').first()).toContainText('督办中')
  await page.goto('/hazards?supervision=active')
  await expect(page.getByTestId('hazard-row')).toHaveCount(1)
  await page.screenshot({ path: screenshot('console-supervision.png'), fullPage: true })

  // 检查详情: every item with its conclusion, as the API holds it.
  await page.goto('/inspections')
  await page.getByTestId('inspection-link').first().click()
  await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]+$/)
  await expect(page.getByTestId('answer-table').first()).toBeVisible()
  const id = page.url().split('/').pop()!
  const detail = await (await page.request.get(`/api/console/inspections/${id}`)).json()
  const items = detail.sections.reduce((n: number, s: { items: unknown[] }) => n + s.items.length, 0)
  await expect(page.getByTestId('answer-row')).toHaveCount(items)
  await expect(page.getByTestId('answer-counts')).toContainText(`共 ${items} 项`)
  await page.screenshot({ path: screenshot('console-inspection.png'), fullPage: true })
  await accessible(page, '检查详情')

  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '检查表', exact: true }).click()
  await expect(page.getByTestId('checklist-table')).toBeVisible()
  await expect(page.getByTestId('checklist-row').first()).toContainText('随软件安装')
  await expect(page.getByTestId('checklist-submit')).toHaveCount(0)
  await accessible(page, '检查表')
})

test('the admin imports enterprises from 单位 and exports the list and the statistics', async ({ page }) => {
  await signIn(page, '张敏', NEW_PASSWORD)
  await expect(page.getByTestId('figure-cards')).toBeVisible()
  await page.goto('/enterprises')
  const before = (await (await page.request.get('/api/console/enterprises?limit=1')).json()).total
  const csv =
    '单位名称,统一社会信用代码,地址,镇街,行业\n' +
    '北京门头沟页面导入测试有限公司,91110109MA0011ER5G,门头沟区斋堂镇1号,斋堂镇,非煤矿山\n' +
    '坏行,12345,,不存在镇,非煤矿山\n'
  await page.getByTestId('import-file').setInputFiles({ name: '名录.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await page.getByTestId('import-submit').click()
  await expect(page.getByTestId('import-report')).toContainText('共 2 行')
  await expect(page.getByTestId('import-refused').locator('tbody tr')).toHaveCount(1)
  await expect(page.getByTestId('import-refused')).toContainText('第 3 行')
  await accessible(page, '单位（导入后）')
  const after = (await (await page.request.get('/api/console/enterprises?limit=1')).json()).total
  expect(after - before).toBeLessThanOrEqual(1)
  await expect(page.getByTestId('enterprise-count')).toContainText(String(after))
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
  expect(file.suggestedFilename()).toMatch(/^单位名录-\d{4}-\d{2}-\d{2}\.csv$/)
  const lines = (await readFile((await file.path())!, 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r?\n/)
  expect(lines.length - 1).toBe(after)
  await page.goto('/')
  await expect(page.getByTestId('figure-cards')).toBeVisible()
  const [stats] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()])
  expect(stats.suggestedFilename()).toMatch(/^统计汇总-\d{4}-\d{2}-\d{2}\.xlsx$/)
  expect((await readFile((await stats.path())!)).subarray(0, 2).toString()).toBe('PK')
})

test('分类分级 shows the year by class and month; staff make a 双随机 draw and export its 公示', async ({ page }) => {
  await signIn(page, '李强', '区局值班-2026-新密码')
  await expect(page.getByTestId('figure-cards')).toBeVisible()
  await page.getByRole('link', { name: '分类分级' }).click()
  await expect(page.getByTestId('class-row')).toHaveCount(5)
  const year = Number(await page.getByTestId('plan-year').inputValue())
  const plan = await (await page.request.get(`/api/console/plan/classes?year=${year}`)).json()
  await expect(page.getByTestId('plan-inspections')).toHaveText(plan.inspections.toLocaleString('zh-CN'))
  await expect(page.getByTestId('rates-save')).toHaveCount(0)
  await accessible(page, '分类分级')
  await page.screenshot({ path: screenshot('console-plan.png'), fullPage: true })

  await page.getByRole('link', { name: '双随机' }).click()
  await page.getByTestId('draw-title').fill('页面测试抽查')
  await page.getByTestId('draw-count').fill('2')
  await page.getByTestId('draw-seed').fill('页面-种子-1')
  await page.getByTestId('draw-submit').click()
  await expect(page).toHaveURL(/\/draws\/[0-9a-f]+$/)
  await expect(page.getByTestId('draw-heading')).toHaveText('页面测试抽查')
  await expect(page.getByTestId('drawn-row')).toHaveCount(2)
  await expect(page.getByTestId('draw-seed-shown')).toHaveText('页面-种子-1')
  // Given as this month's tasks, once.
  await page.getByTestId('give-tasks').click()
  await expect(page.getByTestId('give-done')).toContainText('已下达 2 项检查任务')
  await page.getByTestId('give-tasks').click()
  await expect(page.getByRole('alert')).toContainText('这次抽取已下达为检查任务')
  await accessible(page, '抽取结果')
  await page.screenshot({ path: screenshot('console-draw.png'), fullPage: true })
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
  expect(file.suggestedFilename()).toMatch(/^双随机公示-\d{4}-\d{2}-\d{2}\.csv$/)
  const lines = (await readFile((await file.path())!, 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r?\n/)
  expect(lines).toHaveLength(3)
  const shown = await page.getByTestId('drawn-row').first().locator('th').innerText()
  expect(lines[1]).toContain(shown)
  await page.getByRole('link', { name: '← 双随机抽查' }).click()
  await expect(page.getByTestId('draw-row').first()).toContainText('页面测试抽查')
  await accessible(page, '双随机抽查')
})

test('the admin drafts the yearly plan, publishes it and prints it', async ({ page }) => {
  await signIn(page, '张敏', NEW_PASSWORD)
  await expect(page.getByTestId('figure-cards')).toBeVisible()
  // An enterprise's class, set on its page.
  const { id } = (await (await page.request.get('/api/console/enterprises?limit=1')).json()).rows[0]
  const before = await (await page.request.get(`/api/console/enterprises/${id}`)).json()
  await page.goto(`/enterprises/${id}`)
  const next = before.supervisionClass === 'A' ? 'B' : 'A'
  await page.getByTestId('enterprise-class').selectOption(next)
  await page.getByTestId('class-save').click()
  await expect(page.getByTestId('enterprise-facts')).toContainText(`${next}级`)
  await accessible(page, '单位详情（设置监管分级）')
  await page.getByRole('link', { name: '年度计划' }).click()
  await page.getByTestId('year-plan-year').selectOption('2026')
  await page.getByTestId('yp-inspectors').fill('8')
  await page.getByTestId('yp-other').fill('620')
  await page.getByTestId('yp-non').fill('409')
  await page.getByTestId('yp-key').fill('65.1')
  await page.getByTestId('yp-save').click()
  await expect(page.getByTestId('year-plan-done')).toContainText('草稿')
  // 8 × 248 − 620 − 409 = 955 = 622 重点 + 333 一般.
  await expect(page.getByTestId('inspection-days')).toHaveText('955')
  await expect(page.getByTestId('key-days')).toHaveText('622')
  await expect(page.getByTestId('general-days')).toHaveText('333')
  await expect(page.getByTestId('year-plan-status')).toHaveText('草稿')
  await accessible(page, '年度计划（草稿）')
  page.once('dialog', (d) => void d.accept())
  await page.getByTestId('year-plan-publish').click()
  await expect(page.getByTestId('year-plan-status')).toHaveText('已发布')
  await expect(page.getByTestId('year-plan-publish')).toHaveCount(0)
  await page.screenshot({ path: screenshot('console-year-plan.png'), fullPage: true })
  // Its tasks from this month on (none when no classed enterprise is due this month).
  page.once('dialog', (d) => void d.accept())
  await page.getByTestId('year-plan-tasks').click()
  await expect(page.getByTestId('year-plan-done').or(page.getByRole('alert'))).toContainText(/已生成 \d+ 项检查任务|没有可生成的检查任务/)
  await page.emulateMedia({ media: 'print' })
  await expect(page.getByRole('navigation', { name: '主导航' })).toBeHidden()
  await page.screenshot({ path: screenshot('console-year-plan-print.png'), fullPage: true })
  await page.emulateMedia({ media: 'screen' })
})

test('检查任务: plan against done by town, sector and month, each inspector’s load; staff cancel a task', async ({
  page,
}) => {
  await signIn(page, '李强', '区局值班-2026-新密码')
  await expect(page.getByTestId('figure-cards')).toBeVisible()
  await page.getByRole('link', { name: '检查任务' }).click()
  const year = Number(await page.getByTestId('tasks-year').inputValue())
  const progress = await (await page.request.get(`/api/console/tasks/progress?year=${year}`)).json()
  // seed-district gave a draw as tasks and did one of them on a device.
  expect(progress.total.planned).toBeGreaterThan(0)
  expect(progress.total.done).toBeGreaterThan(0)
  await expect(page.getByTestId('tasks-planned')).toHaveText(String(progress.total.planned))
  await expect(page.getByTestId('tasks-done')).toHaveText(String(progress.total.done))
  const rate = `${((progress.total.done * 100) / progress.total.planned).toFixed(1)}%`
  await expect(page.getByTestId('tasks-rate')).toHaveText(rate)
  await expect(page.getByTestId('progress-load').locator('tbody tr')).toHaveCount(progress.load.length)
  // A month with nothing planned reads "—", never 0% or 100%.
  const empty = progress.byMonth.find((m: { planned: number }) => m.planned === 0)
  if (empty) await expect(page.getByTestId('progress-month').locator(`tr[data-key="${empty.key}"] [data-testid="rate"]`)).toHaveText('—')
  const list = await (await page.request.get(`/api/console/tasks?year=${year}`)).json()
  await expect(page.getByTestId('tasks-table').getByTestId('task-row')).toHaveCount(list.rows.length)
  await expect(page.getByTestId('tasks-table').locator('[data-state="done"] a')).not.toHaveCount(0)
  await accessible(page, '检查任务')
  await page.screenshot({ path: screenshot('console-tasks.png'), fullPage: true })

  page.once('dialog', (d) => void d.accept())
  await page.getByTestId('task-cancel').first().click()
  await expect(page.getByRole('status')).toContainText('已取消')
  await expect(page.getByTestId('tasks-planned')).toHaveText(String(progress.total.planned - 1))
  await page.getByTestId('tasks-state').selectOption('cancelled')
  await expect(page.getByTestId('tasks-table').getByTestId('task-row')).not.toHaveCount(0)
  await accessible(page, '检查任务（已取消）')
})

test('five wrong passwords lock the account for 15 minutes', async ({ page, district }) => {
  for (let i = 1; i <= 5; i++) {
    const res = await page.request.post('/api/console/login', { data: { name: '周队长', password: 'wrong-wrong' } })
    expect(res.status(), `attempt ${i}`).toBe(i < 5 ? 401 : 423)
  }
  await page.goto('/login')
  await page.getByLabel('用户名').fill('周队长')
  await page.getByLabel('密码', { exact: true }).fill(district.accounts.leader)
  await page.getByTestId('login-submit').click()
  await expect(page.getByText(/已锁定/)).toBeVisible()
})
