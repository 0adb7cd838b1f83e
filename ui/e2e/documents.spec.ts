// 执法文书 against the real backend: drafts made from a finished inspection (made through the
// HTTP API like ledger-review.spec.ts, with two hazards), the preview drawn by pdf.js, 签发
// with its number, 打开/打印, 制作复查意见书, 作废 with a reason, 重新制作, the documents list
// and its filters, and the 文书设置 panel. Each test has a backend of its own (ownBackend), so
// the numbers start at 0001.
//
// The pages run under the desktop shell's Content-Security-Policy (from src-tauri/tauri.conf.json),
// so a pdf.js worker or font the shell would block fails here too.

import type { Page } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, screenshotPath, test } from './fixtures'
import { api, beijingDay, inspect, officersAndUnits } from './workflow'

const GENERAL = '燃气管道使用胶管连接，长度超过2米且穿越墙体'
const MAJOR = '使用燃气的餐饮场所未安装可燃气体报警装置'
const YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear()
const ORDER_NUMBER = `门应急责改〔${YEAR}〕第0001号`

const tauriConf = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src-tauri', 'tauri.conf.json')
const SHELL_CSP: string = JSON.parse(readFileSync(tauriConf, 'utf8')).app.security.csp

/** Serves the app's page with the desktop shell's CSP and records every violation of it. */
async function underShellCsp(page: Page, baseUrl: string): Promise<string[]> {
  const violations: string[] = []
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text())
  })
  await page.exposeFunction('__cspViolation', (text: string) => violations.push(text))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      ;(window as unknown as { __cspViolation(t: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`)
    })
  })
  await page.route(`${baseUrl}/`, async (route) => {
    const response = await route.fetch()
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': SHELL_CSP } })
  })
  return violations
}

const docRows = (page: Page) => page.getByTestId('document-row')
const row = (page: Page, kind: string, status?: string) =>
  page.locator(`[data-testid=document-row][data-kind=${kind}]${status ? `[data-status=${status}]` : ''}`)

/** Waits for every page of the preview to be drawn; returns how many there are. */
async function previewDrawn(page: Page): Promise<number> {
  const pages = page.getByTestId('pdf-page')
  await expect(page.getByTestId('pdf-preview')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 })
  await expect(pages.first()).toHaveAttribute('data-rendered', 'true', { timeout: 20_000 })
  const n = await pages.count()
  expect(n).toBeGreaterThanOrEqual(1)
  await expect(page.getByTestId('pdf-page-count')).toHaveText(`共 ${n} 页`)
  for (let i = 0; i < n; i++) await expect(pages.nth(i)).toHaveAttribute('data-rendered', 'true', { timeout: 20_000 })
  return n
}

/** Share of dark pixels on the first page's canvas, and its size in device pixels. */
async function firstPageInk(page: Page): Promise<{ width: number; cssWidth: number; dark: number }> {
  return page.getByTestId('pdf-page').first().evaluate((el) => {
    const c = el as HTMLCanvasElement
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    let dark = 0
    for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 300) dark++
    return { width: c.width, cssWidth: c.getBoundingClientRect().width, dark: dark / (data.length / 4) }
  })
}

test('documents of an inspection: preview, 签发, 打开/打印, 复查意见书, 作废 and 重新制作, and the list', async ({
  page,
  request,
  ownBackend,
}) => {
  test.setTimeout(180_000)
  const base = ownBackend.url
  const violations = await underShellCsp(page, base)
  // pdf.js says so when its worker cannot start and it parses on the page's thread instead.
  const fakeWorker: string[] = []
  page.on('console', (m) => {
    if (/fake worker/i.test(m.text())) fakeWorker.push(m.text())
  })
  const call = api(request, base)
  const { colleague, unitA } = await officersAndUnits(call)
  const inspectionId = await inspect(call, unitA.id, colleague.id, [
    { description: GENERAL, level: 'general', deadline: beijingDay(30) },
    { description: MAJOR, level: 'major', deadline: beijingDay(10) },
  ])

  // ---- the finished inspection: 制作文书 ----
  await page.goto(`${base}/#/inspections/${inspectionId}`)
  const section = page.getByTestId('inspection-documents')
  await expect(section.getByRole('heading', { name: '执法文书' })).toBeVisible()
  // The shell's policy is in force: it has no 'unsafe-eval'. (Checked after a turn of the event
  // loop: code running straight from the test's evaluate is exempt from the page's CSP.)
  const evalRefused = await page.evaluate(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0))
    try {
      new Function('return 1')
      return false
    } catch {
      return true
    }
  })
  expect(evalRefused).toBe(true)
  await expect.poll(() => violations.join()).toContain('eval')
  violations.length = 0 // that one was ours
  await expect(section).toContainText('还没有为本次检查制作文书')
  await section.getByTestId('prepare-documents').click()
  await expect(section.getByTestId('prepare-done')).toBeVisible()
  await expect(section.getByTestId('document-row')).toHaveCount(2)
  await expect(row(page, 'inspectionRecord', 'draft')).toContainText('现场检查记录')
  await expect(row(page, 'rectificationOrder', 'draft').getByTestId('document-number')).toHaveText('草稿（未编号）')
  await expect(row(page, 'rectificationOrder', 'draft').getByTestId('document-status')).toHaveText('草稿')
  // Shown again on load, without making anything.
  await page.reload()
  await expect(page.getByTestId('inspection-documents').getByTestId('document-row')).toHaveCount(2)
  await page.getByTestId('inspection-documents').scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath('documents-inspection.png') })

  // ---- the order's draft ----
  await row(page, 'rectificationOrder', 'draft').click()
  await expect(page).toHaveURL(/#\/documents\/[0-9a-f-]{36}$/)
  const orderUrl = page.url()
  await expect(page.getByTestId('document-title')).toHaveText('责令限期整改指令书')
  await expect(page.getByTestId('document-detail')).toHaveAttribute('data-status', 'draft')
  await expect(page.getByTestId('document-detail').getByTestId('document-status')).toHaveText('草稿')
  await expect(page.getByTestId('document-detail').getByTestId('document-number')).toHaveText('草稿（未编号）')
  await expect(page.getByTestId('document-state')).toContainText('尚未签发')
  await expect(page.getByTestId('document-enterprise')).toHaveText(unitA.name)
  // A draft has no verification code: it is not a document yet.
  await expect(page.getByTestId('document-code')).toHaveCount(0)
  await expect(page.getByTestId('document-problem')).toHaveCount(0)
  await expect(page.getByTestId('void-document')).toHaveCount(0)

  const draftPages = await previewDrawn(page)
  const ink = await firstPageInk(page)
  // One canvas pixel per screen pixel (not scaled by the browser: sharp), wide, and not blank.
  const dpr = await page.evaluate(() => window.devicePixelRatio)
  expect(Math.abs(ink.width - ink.cssWidth * dpr)).toBeLessThanOrEqual(2)
  expect(ink.cssWidth).toBeGreaterThan(700)
  expect(ink.dark).toBeGreaterThan(0.002)
  await page.screenshot({ path: screenshotPath('document-draft-1280.png') })
  await page.getByTestId('pdf-page').first().scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath('document-draft-preview-1280.png') })

  // Narrow (tablet portrait): the pages are drawn again at the new width.
  await page.setViewportSize({ width: 800, height: 1100 })
  await expect
    .poll(async () => {
      const i = await firstPageInk(page)
      return i.cssWidth < 760 && Math.abs(i.width - i.cssWidth * dpr) <= 2
    })
    .toBe(true)
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: screenshotPath('document-draft-800.png') })
  await page.getByTestId('pdf-page').first().scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath('document-draft-preview-800.png') })
  await page.setViewportSize({ width: 1280, height: 860 })

  // ---- 签发: a confirm step, then the number ----
  await page.getByTestId('issue-document').click()
  const issueDialog = page.getByRole('dialog', { name: '签发此文书？' })
  await expect(issueDialog).toContainText('不能再修改')
  await issueDialog.getByRole('button', { name: '取消' }).click()
  await expect(page.getByTestId('document-detail')).toHaveAttribute('data-status', 'draft')
  await page.getByTestId('issue-document').click()
  await page.screenshot({ path: screenshotPath('document-issue-confirm.png') })
  await issueDialog.getByRole('button', { name: '确认签发' }).click()
  await expect(page.getByTestId('issue-outcome')).toContainText(ORDER_NUMBER)
  await expect(page.getByTestId('document-detail')).toHaveAttribute('data-status', 'issued')
  await expect(page.getByTestId('document-detail').getByTestId('document-number')).toHaveText(ORDER_NUMBER)
  await expect(page.getByTestId('document-detail').getByTestId('document-status')).toHaveText('已签发')
  await expect(page.getByTestId('document-state')).toContainText('不能再修改')
  await expect(page.getByTestId('document-issued-at')).toContainText(`${YEAR}年`)
  await expect(page.getByTestId('issue-document')).toHaveCount(0)
  await expect(page.getByTestId('document-code')).toHaveText(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/)
  expect(await previewDrawn(page)).toBe(draftPages)
  await expect(page.getByTestId('pdf-stamp')).toHaveCount(0)
  await page.screenshot({ path: screenshotPath('document-issued-1280.png') })

  // ---- 打开/打印: the plain browser cannot open the viewer, so the path and a download ----
  await page.getByTestId('export-document').click()
  const exported = page.getByTestId('export-result')
  // Written outside the data directory, which holds only what is encrypted.
  await expect(exported.getByTestId('export-path')).toContainText(`-print/`)
  await expect(exported.getByTestId('export-path')).toContainText(`${ORDER_NUMBER}.pdf`)
  await expect(exported).not.toContainText('已在系统的PDF阅读器中打开')
  const [download] = await Promise.all([page.waitForEvent('download'), exported.getByTestId('download-pdf').click()])
  expect(download.suggestedFilename()).toBe(`${ORDER_NUMBER}.pdf`)
  const saved = readFileSync(await download.path())
  expect(saved.subarray(0, 5).toString('latin1')).toBe('%PDF-')

  // ---- 制作复查意见书: the colleague, then the new draft ----
  await page.getByTestId('make-review').click()
  const maker = page.getByTestId('review-maker')
  await expect(maker.getByTestId('review-colleague')).toHaveCount(1)
  await expect(maker.getByTestId('review-colleague')).toContainText('李强')
  await expect(maker.getByTestId('review-colleague').getByRole('radio')).toBeChecked()
  await maker.getByTestId('review-submit').click()
  await expect(page).not.toHaveURL(orderUrl)
  await expect(page.getByTestId('document-title')).toHaveText('整改复查意见书')
  await expect(page.getByTestId('document-detail')).toHaveAttribute('data-status', 'draft')
  await expect(page.getByTestId('document-detail')).toContainText(ORDER_NUMBER)
  await previewDrawn(page)
  const reviewUrl = page.url()

  // ---- 作废 the order: a reason is required, then a confirm ----
  await page.goto(orderUrl)
  await expect(page.getByTestId('document-detail')).toHaveAttribute('data-status', 'issued')
  await page.getByTestId('void-document').click()
  await page.getByTestId('void-submit').click()
  await expect(page.getByTestId('error-void-reason')).toContainText('请写明作废原因')
  await page.getByTestId('void-reason').fill('整改期限填写有误，重新制作')
  await page.getByTestId('void-submit').click()
  const voidDialog = page.getByRole('dialog', { name: '作废此文书？' })
  await expect(voidDialog).toContainText(ORDER_NUMBER)
  await voidDialog.getByRole('button', { name: '确认作废' }).click()
  await expect(page.getByTestId('document-detail')).toHaveAttribute('data-status', 'voided')
  await expect(page.getByTestId('document-detail').getByTestId('document-status')).toHaveText('已作废')
  await expect(page.getByTestId('document-void-reason')).toHaveText('整改期限填写有误，重新制作')
  await expect(page.getByTestId('document-detail').locator('del[data-testid=document-number]')).toHaveText(ORDER_NUMBER)
  await expect(page.getByTestId('void-outcome')).toBeVisible()
  await expect(page.getByTestId('remake-document')).toBeVisible()
  await expect(page.getByTestId('void-document')).toHaveCount(0)
  await expect(page.getByTestId('make-review')).toHaveCount(0)
  await previewDrawn(page)
  await expect(page.getByTestId('pdf-stamp').first()).toHaveText('已作废')
  await page.getByTestId('pdf-page').first().scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath('document-voided-preview-1280.png') })
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: screenshotPath('document-voided-1280.png') })

  // ---- the documents list ----
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /^文书/ }).click()
  await expect(page).toHaveURL(/#\/documents$/)
  await expect(page.getByRole('heading', { level: 1, name: '文书' })).toBeVisible()
  await expect(docRows(page)).toHaveCount(3)
  const voided = row(page, 'rectificationOrder', 'voided')
  await expect(voided.getByTestId('document-status')).toHaveText('已作废')
  await expect(voided.locator('del[data-testid=document-number]')).toHaveText(ORDER_NUMBER)
  await expect(voided.getByTestId('document-enterprise')).toHaveText(unitA.name)
  const record = row(page, 'inspectionRecord')
  await expect(record.getByTestId('document-status')).toHaveText('草稿')
  await expect(record.getByTestId('document-number')).toHaveText('草稿（未编号）')
  await expect(row(page, 'reviewOpinion', 'draft')).toHaveCount(1)
  await page.screenshot({ path: screenshotPath('documents-list-1280.png'), fullPage: true })
  await page.setViewportSize({ width: 800, height: 1100 })
  await page.screenshot({ path: screenshotPath('documents-list-800.png'), fullPage: true })
  await page.setViewportSize({ width: 1280, height: 860 })

  // Filters, kept in the URL.
  await page.getByTestId('filter-status-voided').click()
  await expect(docRows(page)).toHaveCount(1)
  await expect(page).toHaveURL(/status=voided/)
  await page.getByTestId('filter-status-draft').click()
  await expect(docRows(page)).toHaveCount(2)
  await page.getByTestId('filter-kind-inspectionRecord').click()
  await expect(docRows(page)).toHaveCount(1)
  await expect(docRows(page).first()).toHaveAttribute('data-kind', 'inspectionRecord')
  await page.reload()
  await expect(docRows(page)).toHaveCount(1)
  await expect(page.getByTestId('filter-kind-inspectionRecord').getByRole('radio')).toBeChecked()
  await page.getByTestId('filter-status-issued').click()
  await expect(page.getByTestId('status-empty')).toContainText('没有符合条件的文书')
  await page.getByTestId('filter-status-all').click()
  await page.getByTestId('filter-kind-all').click()
  await expect(docRows(page)).toHaveCount(3)
  await expect(page).toHaveURL(/#\/documents$/)

  // ---- the review cites an order that is voided now: 签发 is not offered, and the reason is shown ----
  await page.goto(reviewUrl)
  await expect(page.getByTestId('document-title')).toHaveText('整改复查意见书')
  await expect(page.getByTestId('document-problem')).toContainText('所引用的整改指令书已作废或未签发')
  await expect(page.getByTestId('issue-document')).toBeDisabled()
  await expect(page.getByTestId('document-detail')).toHaveAttribute('data-status', 'draft')

  // ---- 重新制作: a new draft of the order from the same inspection ----
  await page.goto(orderUrl)
  await page.getByTestId('remake-document').click()
  await expect(page).not.toHaveURL(orderUrl)
  await expect(page.getByTestId('document-title')).toHaveText('责令限期整改指令书')
  await expect(page.getByTestId('document-detail')).toHaveAttribute('data-status', 'draft')
  await previewDrawn(page)
  // The inspection now lists the record, the voided order and its new draft.
  await page.goto(`${base}/#/inspections/${inspectionId}`)
  const listed = page.getByTestId('inspection-documents').getByTestId('document-row')
  await expect(listed).toHaveCount(3)
  await expect(page.locator('[data-testid=inspection-documents] [data-kind=rectificationOrder][data-status=voided]')).toHaveCount(1)
  await expect(page.locator('[data-testid=inspection-documents] [data-kind=rectificationOrder][data-status=draft]')).toHaveCount(1)

  expect(violations, 'CSP violations under the desktop shell\'s policy').toEqual([])
  expect(fakeWorker, 'pdf.js runs in its worker').toEqual([])
})

test('文书设置 are saved, with a field error for a prefix the numbers cannot carry', async ({ page, ownBackend }) => {
  await page.goto(`${ownBackend.url}/#/settings`)
  const panel = page.getByTestId('document-settings')
  await expect(panel.getByRole('heading', { name: '文书设置' })).toBeVisible()
  await expect(panel.getByLabel('执法机关名称')).toHaveValue('北京市门头沟区应急管理局')
  await expect(panel.getByLabel('文号前缀')).toHaveValue('门应急')
  await expect(panel).toContainText('门应急责改〔2026〕第0012号')
  await expect(panel.getByTestId('number-example')).toContainText(`门应急责改〔${YEAR}〕第0012号`)

  // A bracket of the number in the prefix: refused, under the field.
  await panel.getByLabel('文号前缀').fill('门应急〔')
  await panel.getByTestId('docsettings-save').click()
  await expect(panel.getByTestId('error-docsettings-prefix')).toContainText('文号前缀不能含有')
  await expect(panel.getByTestId('docsettings-saved')).toHaveCount(0)
  await panel.scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath('settings-documents-error.png') })
  // Typing clears the error; an empty field is required.
  await panel.getByLabel('文号前缀').fill('京门应急')
  await expect(panel.getByTestId('error-docsettings-prefix')).toHaveCount(0)
  await expect(panel.getByTestId('number-example')).toContainText(`京门应急责改〔${YEAR}〕第0012号`)
  await panel.getByLabel('人民法院').fill('')
  await panel.getByTestId('docsettings-save').click()
  await expect(panel.getByTestId('error-docsettings-court')).toContainText('必填')

  await panel.getByLabel('人民法院').fill('北京市门头沟区人民法院')
  // 行政复议法 (2024): a district bureau's decisions go to the district government, no other body.
  await panel.getByLabel('行政复议机关').fill('北京市应急管理局')
  await panel.getByTestId('docsettings-save').click()
  await expect(panel.getByTestId('error-docsettings-reviewBody')).toContainText('行政复议机关应为本级人民政府')
  await panel.getByLabel('行政复议机关').fill('北京市门头沟区人民政府')
  await panel.getByTestId('docsettings-save').click()
  await expect(panel.getByTestId('docsettings-saved')).toHaveText('✓ 已保存')

  await page.reload()
  await expect(panel.getByLabel('文号前缀')).toHaveValue('京门应急')
  await expect(panel.getByLabel('行政复议机关')).toHaveValue('北京市门头沟区人民政府')
  await expect(panel.getByLabel('人民法院')).toHaveValue('北京市门头沟区人民法院')
})
