// 隐患台账 and 复查 against the real backend. The state (two officers, two finished
// inspections of 餐饮燃气 demo units with three hazards) is made through the HTTP API,
// on a backend of this test's own (ownBackend), so the counts are exactly ours.

import type { Page } from '@playwright/test'
import { expect, screenshotPath, test } from './fixtures'
import { PNG, api, beijingDay, inspect, officersAndUnits } from './workflow'

const GENERAL = '燃气管道使用胶管连接，长度超过2米且穿越墙体'
const MAJOR = '使用燃气的餐饮场所未安装可燃气体报警装置'
const OTHER = '灭火器压力不足，未定期检查'

const tile = (page: Page, key: string) => page.getByTestId(`tile-${key}`).getByTestId('tile-count')
const rows = (page: Page) => page.getByTestId('hazard-row')

test('the ledger counts and filters the hazards; 复查 closes one and records the other', async ({
  page,
  request,
  ownBackend,
}) => {
  test.setTimeout(120_000)
  const call = api(request, ownBackend.url)
  const { colleague, unitA, unitB } = await officersAndUnits(call)

  await inspect(call, unitA!.id, colleague.id, [
    { description: GENERAL, level: 'general', deadline: beijingDay(30) },
    { description: MAJOR, level: 'major', deadline: beijingDay(1) },
  ])
  await inspect(call, unitB!.id, colleague.id, [{ description: OTHER, level: 'general', deadline: beijingDay(15) }])

  // ---- the ledger: counts, then filters ----
  await page.goto(`${ownBackend.url}/#/hazards`)
  await expect(page.getByRole('heading', { level: 1, name: '隐患台账' })).toBeVisible()
  await expect(tile(page, 'all')).toHaveText('3')
  await expect(tile(page, 'open')).toHaveText('3')
  await expect(tile(page, 'overdue')).toHaveText('0')
  await expect(tile(page, 'rectified')).toHaveText('0')
  await expect(tile(page, 'verified')).toHaveText('0')
  await expect(tile(page, 'major')).toHaveText('1')
  await expect(rows(page)).toHaveCount(3)
  // Newest first: unit B's inspection was finished last.
  await expect(rows(page).first()).toContainText(OTHER)
  const majorRow = rows(page).filter({ hasText: MAJOR })
  await expect(majorRow.getByTestId('hazard-level')).toHaveText('重大隐患')
  await expect(majorRow.getByTestId('hazard-status')).toHaveText('未整改')
  await expect(majorRow).toContainText(unitA!.name)
  await page.screenshot({ path: screenshotPath('ledger-1280.png'), fullPage: true })

  // The 重大 tile filters, and the filter is in the URL; the tiles keep counting the whole scope.
  await page.getByTestId('tile-major').click()
  await expect(page.getByTestId('tile-major')).toHaveAttribute('aria-pressed', 'true')
  await expect(rows(page)).toHaveCount(1)
  await expect(rows(page).first()).toContainText(MAJOR)
  await expect(page).toHaveURL(/level=major/)
  await expect(page.getByTestId('ledger-count')).toContainText('符合条件的隐患共 1 条')
  await expect(tile(page, 'all')).toHaveText('3')
  await expect(page.getByLabel('隐患级别')).toHaveValue('major')

  // Reloading keeps the filter.
  await page.reload()
  await expect(rows(page)).toHaveCount(1)
  await expect(page.getByLabel('隐患级别')).toHaveValue('major')

  await page.getByTestId('tile-all').click()
  await expect(rows(page)).toHaveCount(3)
  await expect(page).not.toHaveURL(/level=/)

  // By enterprise: search, pick.
  await page.getByLabel('单位', { exact: true }).fill(unitA!.name)
  await page.getByTestId('enterprise-option').filter({ hasText: unitA!.name }).first().click()
  await expect(page.getByTestId('enterprise-chosen')).toContainText(unitA!.name)
  await expect(rows(page)).toHaveCount(2)
  await expect(page).toHaveURL(new RegExp(`enterprise=${unitA!.id}`))
  await expect(tile(page, 'all')).toHaveText('2')
  await expect(rows(page).filter({ hasText: OTHER })).toHaveCount(0)

  // Text in the descriptions (debounced typing).
  await page.getByLabel('搜索隐患描述').fill('报警装置')
  await expect(rows(page)).toHaveCount(1)
  await expect(rows(page).first()).toContainText(MAJOR)
  await expect(page).toHaveURL(/q=/)

  // Found from a day: typed and shown in the Chinese form, whatever the web view's locale.
  const day = (days: number) => {
    const [y, m, d] = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10).split('-')
    return { iso: `${y}-${m}-${d}`, chinese: `${Number(y)}年${Number(m)}月${Number(d)}日` }
  }
  const from = page.getByLabel('发现日期从')
  await from.fill(day(1).chinese)
  await from.press('Enter')
  await expect(page).toHaveURL(new RegExp(`from=${day(1).iso}`))
  await expect(rows(page)).toHaveCount(0)
  await from.fill(day(0).iso)
  await from.press('ArrowDown')
  await expect(from).toHaveValue(day(-1).chinese)
  await expect(rows(page)).toHaveCount(1)
  await from.fill('')
  await from.press('Enter')
  await expect(page).not.toHaveURL(/from=/)

  // The narrow layout (tablet upright).
  await page.setViewportSize({ width: 800, height: 1000 })
  await page.getByLabel('搜索隐患描述').fill('')
  await expect(rows(page)).toHaveCount(2)
  await page.screenshot({ path: screenshotPath('ledger-800.png'), fullPage: true })
  await page.setViewportSize({ width: 1280, height: 860 })

  // ---- one hazard: its facts and its history ----
  await rows(page).filter({ hasText: MAJOR }).click()
  await expect(page).toHaveURL(/#\/hazards\/[0-9a-f-]+/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(MAJOR)
  await expect(page.getByTestId('hazard-enterprise')).toHaveText(unitA!.name)
  const history = page.getByTestId('hazard-history')
  await expect(history.getByTestId('history-event')).toHaveCount(1)
  await expect(history.getByTestId('history-event').first()).toContainText('检查发现，登记隐患')
  await expect(page.getByRole('button', { name: '复查此隐患' })).toBeVisible()
  await page.screenshot({ path: screenshotPath('hazard-detail-open.png'), fullPage: true })

  // Back to the ledger as it was (the enterprise filter stays).
  await page.getByRole('link', { name: '返回隐患台账' }).click()
  await expect(page).toHaveURL(new RegExp(`enterprise=${unitA!.id}`))
  await expect(rows(page)).toHaveCount(2)

  // ---- 复查 from the enterprise page ----
  await page.goto(`${ownBackend.url}/#/enterprises/${unitA!.id}`)
  await expect(page.getByTestId('enterprise-hazard-tally')).toContainText('未销号隐患 2 条')
  await page.getByRole('link', { name: '复查', exact: true }).click()
  await expect(page).toHaveURL(new RegExp(`#/enterprises/${unitA!.id}/review`))
  await expect(page.getByRole('heading', { level: 1, name: '复查' })).toBeVisible()
  await expect(page.getByTestId('review-enterprise')).toHaveText(unitA!.name)
  const cards = page.getByTestId('review-card')
  await expect(cards).toHaveCount(2)
  await expect(page.getByTestId('review-tally')).toContainText('待复查隐患 2 条')

  // 已整改, with a photo.
  const general = cards.filter({ hasText: GENERAL })
  await general.getByRole('radio', { name: /已整改/ }).check()
  await general.getByTestId('review-photo-input').setInputFiles({ name: '整改后.png', mimeType: 'image/png', buffer: PNG })
  await expect(general.getByTestId('review-form').getByTestId('photo-thumb').locator('img')).toBeVisible()
  await general.getByLabel('复查情况说明').fill('已改为金属软管，长度1.5米，未穿墙')
  await page.screenshot({ path: screenshotPath('review-filled.png'), fullPage: true })
  await general.getByRole('button', { name: '提交复查' }).click()
  await expect(general.getByTestId('review-outcome')).toContainText('已复查销号')
  await expect(general.getByTestId('hazard-status')).toHaveText('已复查销号')
  await expect(general.getByTestId('review-form')).toHaveCount(0)
  const generalHistory = general.getByTestId('history-event')
  await expect(generalHistory).toHaveCount(2)
  await expect(generalHistory.nth(1).getByTestId('review-result')).toHaveText('已整改')
  await expect(generalHistory.nth(1).getByTestId('photo-thumb').locator('img')).toBeVisible()

  // 未整改: a note is required.
  const major = cards.filter({ hasText: MAJOR })
  await major.getByRole('radio', { name: /未整改/ }).check()
  await major.getByRole('button', { name: '提交复查' }).click()
  await expect(major.getByTestId(/^error-review-.*-note$/)).toContainText('必须填写复查情况说明')
  const note = '可燃气体报警装置仍未安装，单位称已订购，下周安装'
  await major.getByLabel('复查情况说明').fill(note)
  await major.getByRole('button', { name: '提交复查' }).click()
  await expect(major.getByTestId('review-outcome')).toContainText('未整改')
  await expect(major.getByTestId('hazard-status')).toHaveText('未整改')
  const majorHistory = major.getByTestId('history-event')
  await expect(majorHistory).toHaveCount(2)
  await expect(majorHistory.nth(1).getByTestId('review-result')).toHaveText('未整改')
  await expect(majorHistory.nth(1).getByTestId('history-note')).toHaveText(note)
  await expect(page.getByTestId('review-tally')).toContainText('待复查隐患 1 条')
  await expect(page.getByTestId('review-tally')).toContainText('本次已销号 1 条')
  await page.screenshot({ path: screenshotPath('review-done.png'), fullPage: true })

  // ---- the ledger afterwards ----
  await page.goto(`${ownBackend.url}/#/hazards`)
  await expect(tile(page, 'all')).toHaveText('3')
  await expect(tile(page, 'open')).toHaveText('2')
  await expect(tile(page, 'verified')).toHaveText('1')
  await page.getByTestId('tile-verified').click()
  await expect(rows(page)).toHaveCount(1)
  await expect(rows(page).first()).toContainText(GENERAL)
  await expect(rows(page).first().getByTestId('hazard-status')).toHaveText('已复查销号')

  // The closed hazard: no 复查 action, the review with its photo in the history.
  await rows(page).first().click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(GENERAL)
  await expect(page.getByText('此隐患已复查销号，不再需要复查。')).toBeVisible()
  await expect(page.getByRole('button', { name: '复查此隐患' })).toHaveCount(0)
  await expect(page.getByTestId('history-event')).toHaveCount(2)
  await expect(page.getByTestId('history-event').nth(1)).toContainText('复查：已整改，隐患销号')
  await expect(page.getByTestId('history-event').nth(1).getByTestId('photo-thumb').locator('img')).toBeVisible()
  await page.screenshot({ path: screenshotPath('hazard-detail-verified.png'), fullPage: true })

  // The one still open: the finding is in its history, and it can be reviewed again.
  await page.getByRole('link', { name: '返回隐患台账' }).click()
  await page.getByTestId('tile-open').click()
  await expect(rows(page)).toHaveCount(2)
  await rows(page).filter({ hasText: MAJOR }).click()
  await expect(page.getByTestId('hazard-status')).toHaveText('未整改')
  await expect(page.getByTestId('history-note')).toHaveText(note)
  await expect(page.getByRole('button', { name: '复查此隐患' })).toBeVisible()

  // Reviewing it from here closes it too.
  await page.getByRole('button', { name: '复查此隐患' }).click()
  await page.getByRole('radio', { name: /已整改/ }).check()
  await page.getByRole('button', { name: '提交复查' }).click()
  await expect(page.getByTestId('review-outcome')).toContainText('已复查销号')
  await expect(page.getByTestId('history-event')).toHaveCount(3)
  await expect(page.getByRole('button', { name: '复查此隐患' })).toHaveCount(0)
  expect((await call('hazard_ledger', { enterpriseId: unitA!.id })).counts).toMatchObject({ open: 0, verified: 2 })
})

test('登记单位整改报告 moves an open hazard to 已整改待复查; the 复查 then closes it', async ({ page, request, ownBackend }) => {
  test.setTimeout(90_000)
  const call = api(request, ownBackend.url)
  const { colleague, unitA } = await officersAndUnits(call)
  await inspect(call, unitA.id, colleague.id, [
    { description: GENERAL, level: 'general', deadline: beijingDay(30) },
    { description: MAJOR, level: 'major', deadline: beijingDay(10) },
  ])

  await page.goto(`${ownBackend.url}/#/hazards`)
  await expect(tile(page, 'all')).toHaveText('2')
  await expect(tile(page, 'open')).toHaveText('2')
  await expect(tile(page, 'rectified')).toHaveText('0')
  await rows(page).filter({ hasText: GENERAL }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(GENERAL)
  await expect(page.getByTestId('hazard-status')).toHaveText('未整改')

  // The report: the note is required, photos are optional.
  await page.getByRole('button', { name: '登记单位整改报告' }).click()
  const form = page.getByTestId('report-form')
  await form.getByRole('button', { name: '提交' }).click()
  await expect(form.getByTestId(/^error-report-.*-note$/)).toContainText('请填写报告内容')
  const report = '单位于3月5日书面报告已完成整改，燃气胶管已更换为金属软管'
  await form.getByLabel('报告内容').fill(report)
  await form.getByTestId('report-photo-input').setInputFiles({ name: '整改后.png', mimeType: 'image/png', buffer: PNG })
  await expect(form.getByTestId('photo-thumb').locator('img')).toBeVisible()
  await form.getByRole('button', { name: '提交' }).click()
  await expect(page.getByTestId('report-outcome')).toHaveText('已登记：隐患状态为“已整改待复查”，请安排复查')
  await expect(page.getByTestId('report-form')).toHaveCount(0)
  await expect(page.getByTestId('hazard-status')).toHaveText('已整改待复查')
  const events = page.getByTestId('history-event')
  await expect(events).toHaveCount(2)
  await expect(events.nth(1)).toContainText('单位报告已整改，待复查')
  await expect(events.nth(1).getByTestId('history-note')).toHaveText(report)
  await expect(events.nth(1).getByTestId('photo-thumb').locator('img')).toBeVisible()
  // Reported once: no second report, but the 复查 stays.
  await expect(page.getByRole('button', { name: '登记单位整改报告' })).toHaveCount(0)
  await expect(page.getByRole('button', { name: '复查此隐患' })).toBeVisible()
  await page.screenshot({ path: screenshotPath('hazard-detail-reported.png'), fullPage: true })

  // The ledger counts it as 已整改待复查.
  await page.getByRole('link', { name: '返回隐患台账' }).click()
  await expect(tile(page, 'open')).toHaveText('1')
  await expect(tile(page, 'rectified')).toHaveText('1')
  await expect(rows(page).filter({ hasText: GENERAL }).getByTestId('hazard-status')).toHaveText('已整改待复查')
  await expect(rows(page).filter({ hasText: MAJOR }).getByTestId('hazard-status')).toHaveText('未整改')

  // The 复查: 已整改 closes it.
  await rows(page).filter({ hasText: GENERAL }).click()
  await page.getByRole('button', { name: '复查此隐患' }).click()
  await page.getByRole('radio', { name: /已整改/ }).check()
  await page.getByRole('button', { name: '提交复查' }).click()
  await expect(page.getByTestId('review-outcome')).toContainText('已复查销号')
  await expect(page.getByTestId('hazard-status')).toHaveText('已复查销号')
  await expect(events).toHaveCount(3)
  await expect(events.nth(2)).toContainText('复查：已整改，隐患销号')
  await page.getByRole('link', { name: '返回隐患台账' }).click()
  await expect(tile(page, 'rectified')).toHaveText('0')
  await expect(tile(page, 'verified')).toHaveText('1')
  await expect(tile(page, 'open')).toHaveText('1')
})
