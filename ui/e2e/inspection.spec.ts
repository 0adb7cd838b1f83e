// The inspection workflow against the real test backend: profile and colleague, starting an
// inspection from an enterprise's page, answering every item (mouse and keyboard), notes and
// photos, reopening the app, proposed hazards, signatures, and the read-only finished view.
// Each test has a backend of its own (ownBackend): they start with no profile and no colleague.

import { type APIRequestContext, type Locator, type Page } from '@playwright/test'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, screenshotPath, test } from './fixtures'

const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')
const PHOTO_PNG = join(fixtureDir, 'hazard-photo.png')
const PHOTO_JPG = join(fixtureDir, 'hazard-photo.jpg')

/** Today in Beijing (the backend checks deadlines against it) plus `days`, as YYYY-MM-DD. */
function beijingDate(days = 0): string {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10)
}

/** The same day as the app shows it: 2026年12月3日. */
function chineseDate(days = 0): string {
  const [y, m, d] = beijingDate(days).split('-').map(Number)
  return `${y}年${m}月${d}日`
}

/** Types a day into a date field as an inspector would, and leaves it with Enter. */
async function typeDay(field: Locator, text: string) {
  await field.fill(text)
  await field.press('Enter')
}

async function api(request: APIRequestContext, url: string, name: string, args: object) {
  const response = await request.post(`${url}/api/call/${name}`, { data: args })
  expect(response.ok(), `${name}: ${await response.text()}`).toBe(true)
  return response.json()
}

/** Draws a short zig-zag "signature" with the mouse on a signature pad. */
async function sign(page: Page, pad: Locator) {
  await pad.scrollIntoViewIfNeeded()
  const box = await pad.boundingBox()
  if (!box) throw new Error('signature pad not visible')
  const x = (f: number) => box.x + box.width * f
  const y = (f: number) => box.y + box.height * f
  await page.mouse.move(x(0.15), y(0.6))
  await page.mouse.down()
  // A stroke exists from the first touch: the placeholder goes and 清除 comes on before lifting.
  const role = await pad.getAttribute('data-role')
  await expect(pad).toHaveAttribute('data-empty', 'false')
  await expect(pad.locator('xpath=..').getByText('请在此处签名')).toHaveCount(0)
  await expect(page.locator(`[data-testid=signature-clear][data-role=${role}]`)).toBeEnabled()
  for (const [fx, fy] of [
    [0.25, 0.3],
    [0.35, 0.7],
    [0.45, 0.35],
    [0.55, 0.65],
    [0.7, 0.4],
    [0.85, 0.55],
  ] as const) {
    await page.mouse.move(x(fx), y(fy), { steps: 6 })
  }
  await page.mouse.up()
  await expect(pad).toHaveAttribute('data-empty', 'false')
}

const items = (page: Page) => page.getByTestId('inspection-item')
const saving = (page: Page) => page.getByTestId('item-save-state').filter({ hasText: '保存中' })

test('a fireworks inspection from start to signed finish, surviving a restart of the app', async ({
  page,
  context,
  ownBackend,
}) => {
  test.setTimeout(150_000)
  const base = ownBackend.url

  // Without a profile the app says so and sends the inspector to 设置.
  await page.goto(`${base}/#/inspections/new`)
  await expect(page.getByTestId('no-profile')).toContainText('请先填写本机检查人员信息')
  await expect(page.getByTestId('start-inspection-submit')).toHaveCount(0)
  await page.getByRole('link', { name: '前往“设置”填写' }).click()
  await page.getByLabel('姓名').fill('王磊')
  await page.getByLabel('执法证号').fill('11010923001')
  await page.getByRole('button', { name: '保存', exact: true }).click()
  await expect(page.getByTestId('profile-saved')).toContainText('已保存')

  // Start from a 烟花爆竹 demo enterprise's detail page.
  await page.goto(`${base}/#/enterprises?sector=fireworks`)
  const firstRow = page.getByTestId('enterprise-row').first()
  const enterpriseName = (await firstRow.getByTestId('enterprise-name').innerText()).trim()
  await firstRow.getByTestId('enterprise-name').click()
  await expect(page.getByTestId('enterprise-title')).toHaveText(enterpriseName)
  await page.getByTestId('start-inspection').click()

  await expect(page.getByRole('heading', { level: 1, name: '新建检查' })).toBeVisible()
  await expect(page.getByTestId('chosen-enterprise')).toContainText(enterpriseName)
  // The enterprise's sector offers exactly one checklist, already chosen.
  const template = page.getByTestId('template-option')
  await expect(template).toHaveCount(1)
  await expect(template).toContainText('烟花爆竹')
  await expect(template.getByRole('radio')).toBeChecked()

  // No colleague yet: the form to add one is open. Leaving it empty is caught here.
  const colleagueForm = page.getByTestId('colleague-form')
  await expect(colleagueForm).toBeVisible()
  await page.getByTestId('start-inspection-submit').click()
  await expect(page.getByText('请选择同行的执法人员')).toBeVisible()
  await colleagueForm.getByLabel('姓名').fill('李娜')
  await colleagueForm.getByLabel('执法证号').fill('11010923002')
  await page.getByTestId('colleague-save').click()
  await expect(page.getByTestId('colleague-option').filter({ hasText: '李娜' }).getByRole('radio')).toBeChecked()
  await page.getByTestId('accompanying').fill('张伟（安全主管）')
  await page.screenshot({ path: screenshotPath('inspection-new.png'), fullPage: true })
  await page.getByTestId('start-inspection-submit').click()

  // The inspection page.
  await expect(page).toHaveURL(/#\/inspections\/[0-9a-f-]{36}$/)
  const inspectionUrl = page.url()
  await expect(page.getByTestId('inspection-enterprise')).toHaveText(enterpriseName)
  await expect(page.getByTestId('inspection-status')).toHaveText('检查中（草稿）')
  await expect(page.getByTestId('inspection-officer')).toHaveText([/王磊/, /李娜/])
  await expect(page.getByTestId('inspection-accompanying')).toHaveText('张伟（安全主管）')
  await expect(items(page)).toHaveCount(32)
  const progress = page.getByTestId('progress')
  await expect(progress).toContainText('已检查 0/32')

  // The 重大隐患 badge tells which standard, on tap.
  const first = items(page).first()
  await first.getByTestId('major-badge').click()
  await expect(first.getByTestId('major-ref')).toContainText('重大生产安全事故隐患判定标准')

  const codes = await items(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-code')!))
  const majorCodes = await items(page).evaluateAll((els) =>
    els.filter((e) => e.classList.contains('major')).map((e) => e.getAttribute('data-code')!),
  )
  // One 重大隐患 item (the first) and one ordinary item, both among the first 22.
  expect(majorCodes).toContain(codes[0])
  const ordinary = codes.slice(5, 22).find((c) => !majorCodes.includes(c))!
  const failing = [codes[0]!, ordinary]
  const notes: Record<string, string> = {
    [failing[0]]: '安全生产责任制未经考核，无考核记录',
    [failing[1]]: '零售柜台旁堆放纸箱，约占疏散通道一半',
  }

  // Answer the first 22 items with the mouse, two of them 不符合 with a note and a photo.
  for (let i = 0; i < 22; i++) {
    const item = items(page).nth(i)
    const code = codes[i]!
    if (failing.includes(code)) {
      await item.getByTestId('answer-noncompliant').click()
      // 不符合 puts the cursor where what is wrong is written.
      await expect(item.getByTestId('item-note')).toBeFocused()
      await item.getByTestId('item-note').fill(notes[code]!)
      await item.getByTestId('item-photo-input').setInputFiles(code === failing[0] ? PHOTO_PNG : PHOTO_JPG)
      await expect(item.getByTestId('photo-thumb')).toHaveCount(1)
      await expect(item.getByTestId('photo-thumb').locator('img')).toBeVisible()
    } else {
      await item.getByTestId('answer-compliant').click()
      // 符合 moves on: the next item has the focus.
      await expect(items(page).nth(i + 1)).toBeFocused()
    }
    await expect(item).toHaveAttribute('data-result', failing.includes(code) ? 'nonCompliant' : 'compliant')
  }
  // A 符合 item keeps its note and photos folded away until asked for.
  await expect(items(page).nth(1).getByTestId('item-note')).toHaveCount(0)
  await expect(items(page).nth(1).getByTestId('item-more')).toBeVisible()
  // One is 不适用 (a tap, and the next open item has the focus), then the rest by keyboard:
  // 1 answers 符合 and moves on by itself, one key per item.
  await items(page).nth(22).getByTestId('answer-na').click()
  await expect(items(page).nth(23)).toBeFocused()
  for (let i = 23; i < 32; i++) {
    await expect(items(page).nth(i)).toBeFocused()
    await page.keyboard.press('1')
    await expect(items(page).nth(i)).toHaveAttribute('data-result', 'compliant')
  }
  // Nothing is left open: the focus stays. ↓ / j and ↑ / k still move; k goes back up,
  // and 3 changes that answer to 不适用, 1 back to 符合.
  await expect(items(page).nth(31)).toBeFocused()
  await page.keyboard.press('j')
  await expect(items(page).nth(31)).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('k')
  await expect(items(page).nth(30)).toBeFocused()
  await page.keyboard.press('3')
  await expect(items(page).nth(30)).toHaveAttribute('data-result', 'notApplicable')
  await page.keyboard.press('1')
  await expect(items(page).nth(30)).toHaveAttribute('data-result', 'compliant')

  await page.getByTestId('inspection-notes').fill('单位负责人在岗，现场正在营业。查看了经营许可证、零售柜台和仓库。')
  await page.getByTestId('inspection-notes').blur()
  await expect(page.getByTestId('notes-save-state')).toHaveText('✓ 已保存')
  await expect(progress).toContainText('已检查 32/32')
  await expect(progress).toHaveAttribute('data-percent', '100')
  await expect(page.getByTestId('all-done')).toBeVisible()
  await expect(saving(page)).toHaveCount(0)
  for (const code of failing) {
    await expect(page.locator(`[data-testid=inspection-item][data-code="${code}"]`).getByTestId('item-save-state')).toHaveText('✓ 已保存')
  }
  await page.locator(`[data-testid=inspection-item][data-code="${failing[1]}"]`).scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath('inspection-page.png') })

  // Close the app and open it again: everything comes back from the backend.
  await page.close()
  const again = await context.newPage()
  await again.goto(`${base}/#/inspections`)
  const draft = again.getByTestId('inspection-row').filter({ hasText: enterpriseName })
  await expect(draft).toHaveAttribute('data-status', 'draft')
  await expect(draft.getByTestId('row-progress')).toHaveText('已检查 32/32')
  await again.screenshot({ path: screenshotPath('inspection-list.png'), fullPage: true })
  await draft.click()
  await expect(again).toHaveURL(inspectionUrl)
  await expect(items(again)).toHaveCount(32)
  await expect(again.getByTestId('progress')).toContainText('已检查 32/32')
  const results = await items(again).evaluateAll((els) => els.map((e) => e.getAttribute('data-result')))
  expect(results.filter((r) => r === 'nonCompliant')).toHaveLength(2)
  expect(results.filter((r) => r === 'notApplicable')).toHaveLength(1)
  expect(results.filter((r) => r === 'compliant')).toHaveLength(29)
  for (const code of failing) {
    const item = again.locator(`[data-testid=inspection-item][data-code="${code}"]`)
    await expect(item).toHaveAttribute('data-result', 'nonCompliant')
    await expect(item.getByTestId('item-note')).toHaveValue(notes[code]!)
    await expect(item.getByTestId('photo-thumb').locator('img')).toBeVisible()
  }
  await expect(again.getByTestId('inspection-notes')).toHaveValue(/单位负责人在岗/)

  // Narrow (tablet portrait) layout.
  await again.setViewportSize({ width: 800, height: 1100 })
  await again.locator(`[data-testid=inspection-item][data-code="${failing[0]}"]`).scrollIntoViewIfNeeded()
  await again.screenshot({ path: screenshotPath('inspection-page-800.png') })
  await again.setViewportSize({ width: 1280, height: 860 })

  // Finish: two proposed hazards, the major one with the longer deadline.
  await again.getByTestId('finish-button').click()
  await expect(again).toHaveURL(`${inspectionUrl}/finish`)
  await expect(again.getByTestId('count-compliant')).toHaveText('29')
  await expect(again.getByTestId('count-noncompliant')).toHaveText('2')
  await expect(again.getByTestId('count-na')).toHaveText('1')
  const proposals = again.getByTestId('hazard-proposal')
  await expect(proposals).toHaveCount(2)
  const major = again.locator(`[data-testid=hazard-proposal][data-item-code="${failing[0]}"]`)
  await expect(major).toHaveAttribute('data-level', 'major')
  await expect(major.getByTestId('hazard-description')).toHaveValue(new RegExp(`（${notes[failing[0]!]}）$`))
  await expect(major.getByTestId('hazard-deadline')).toHaveValue(chineseDate(90))
  const general = again.locator(`[data-testid=hazard-proposal][data-item-code="${failing[1]}"]`)
  await expect(general.getByTestId('hazard-deadline')).toHaveValue(chineseDate(30))
  // A deadline before today is refused on the spot; then set it to 7 days.
  // Dates are shown and typed in the Chinese form; the ISO form is read too, and
  // what is not a day says so.
  await typeDay(general.getByTestId('hazard-deadline'), '明年某天')
  await expect(general.getByRole('alert')).toContainText('2026年12月3日')
  await typeDay(general.getByTestId('hazard-deadline'), chineseDate(-1))
  await expect(general.getByRole('alert')).toContainText('不能早于今天')
  await typeDay(general.getByTestId('hazard-deadline'), beijingDate(7))
  await expect(general.getByTestId('hazard-deadline')).toHaveValue(chineseDate(7))
  await expect(general.getByRole('alert')).toHaveCount(0)

  // A free hazard can be added and removed again.
  await again.getByTestId('add-hazard').click()
  await expect(proposals).toHaveCount(3)
  await proposals.nth(2).getByTestId('hazard-remove').click()
  await expect(proposals).toHaveCount(2)

  // Confirming without signatures says what is missing.
  await again.getByTestId('confirm-finish').click()
  await expect(again.getByTestId('finish-problem')).toContainText('缺少执法人员一、执法人员二、被检查单位现场负责人的签名')

  for (const role of ['officer1', 'officer2', 'unit']) {
    await sign(again, again.locator(`[data-testid=signature-pad][data-role=${role}]`))
  }
  // Clearing empties a pad; sign again.
  await again.locator('[data-testid=signature-clear][data-role=unit]').click()
  await expect(again.locator('[data-testid=signature-pad][data-role=unit]')).toHaveAttribute('data-empty', 'true')
  await sign(again, again.locator('[data-testid=signature-pad][data-role=unit]'))
  await again.screenshot({ path: screenshotPath('inspection-finish.png'), fullPage: true })
  await again.setViewportSize({ width: 800, height: 1100 })
  await again.screenshot({ path: screenshotPath('inspection-finish-800.png'), fullPage: true })
  await again.setViewportSize({ width: 1280, height: 860 })

  await again.getByTestId('confirm-finish').click()

  // The finished inspection, read-only.
  await expect(again).toHaveURL(inspectionUrl)
  await expect(again.getByTestId('inspection-status')).toHaveText('已完成')
  await expect(again.getByTestId('finished-hazard')).toHaveCount(2)
  await expect(again.locator('[data-testid=finished-hazard][data-level=major]')).toContainText(notes[failing[0]!]!)
  await expect(again.getByTestId('finished-hazard').filter({ hasText: '未整改' })).toHaveCount(2)
  const [y, m, d] = beijingDate(7).split('-').map(Number)
  await expect(again.getByTestId('finished-hazard').filter({ hasText: `${y}年${m}月${d}日` })).toHaveCount(1)
  await expect(again.getByTestId('finished-signature').locator('img')).toHaveCount(3)
  await expect(again.getByTestId('finished-item')).toHaveCount(32)
  await expect(again.getByTestId('answer-compliant')).toHaveCount(0)
  await expect(again.getByTestId('item-note')).toHaveCount(0)
  await expect(again.getByTestId('finished-notes')).toContainText('单位负责人在岗')
  await again.screenshot({ path: screenshotPath('inspection-finished.png'), fullPage: true })

  // The finish page of a finished inspection leads back to the read-only view.
  await again.goto(`${inspectionUrl}/finish`)
  await expect(again).toHaveURL(inspectionUrl)
  await expect(again.getByTestId('inspection-status')).toHaveText('已完成')

  // The list now shows it under 已完成.
  await again.goto(`${base}/#/inspections`)
  await expect(again.getByTestId('inspection-row').filter({ hasText: enterpriseName })).toHaveAttribute('data-status', 'finished')
})

/** Profile, a colleague, and a started inspection, straight through the API. */
async function startViaApi(request: APIRequestContext, url: string, sector: string, templateId: string) {
  await api(request, url, 'save_profile', { profile: { name: '王磊', certNo: '11010923001', unit: '' } })
  const colleague = await api(request, url, 'save_inspector', { inspector: { name: '李娜', certNo: '11010923002', unit: '' } })
  const found = await api(request, url, 'search_enterprises', { sector, limit: 1 })
  const view = await api(request, url, 'start_inspection', {
    enterpriseId: found.items[0].id,
    templateId,
    templateVersion: 1,
    colleagueId: colleague.id,
    accompanyingPerson: '赵强',
  })
  return view as { inspection: { id: string }; template: { sections: { items: { code: string }[] }[] } }
}

test('a scored construction checklist: deductions change the score and the grade', async ({ page, request, ownBackend }) => {
  test.setTimeout(90_000)
  const view = await startViaApi(request, ownBackend.url, 'construction', 'construction')
  await page.goto(`${ownBackend.url}/#/inspections/${view.inspection.id}`)

  await expect(page.getByTestId('score-total')).toHaveText('100')
  await expect(page.getByTestId('score-grade')).toHaveText('优良')

  // 安全管理 AQ-01 (a 保证项目, max 10): 扣分 with 4 points.
  const aq1 = page.locator('[data-testid=inspection-item][data-code="AQ-01"]')
  await expect(aq1.getByTestId('answer-noncompliant')).toHaveText(/扣分/)
  await aq1.getByTestId('answer-noncompliant').click()
  const deducted = aq1.getByTestId('item-deducted')
  await expect(deducted).toBeFocused()
  await expect(deducted).toHaveValue('1')
  await deducted.fill('4')
  await deducted.blur()
  await expect(aq1.getByTestId('item-save-state')).toHaveText('✓ 已保存')
  await expect(page.getByTestId('score-total')).toHaveText('99.6')
  await expect(page.getByTestId('score-section').filter({ hasText: '安全管理' })).toContainText('96 分')

  // More than the item's points is refused on the spot and not saved.
  await deducted.fill('12')
  await deducted.blur()
  await expect(aq1.getByRole('alert')).toContainText('扣分应为1到10之间的整数')
  await expect(page.getByTestId('score-total')).toHaveText('99.6')

  // A 保证项目 losing all its points zeroes its section: the site fails.
  await deducted.fill('10')
  await deducted.blur()
  await expect(page.getByTestId('score-grade')).toHaveText('不合格')
  await expect(page.getByTestId('score-section').filter({ hasText: '安全管理' })).toContainText('0 分')
  await expect(page.getByTestId('bar-score')).toContainText('90')
  await page.getByTestId('score-panel').scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath('inspection-scored.png') })
  await page.setViewportSize({ width: 800, height: 1100 })
  await aq1.scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath('inspection-scored-800.png') })
  await page.setViewportSize({ width: 1280, height: 860 })

  // Back to 符合: the grade is 优良 again; after a reload the same.
  await aq1.getByTestId('answer-compliant').click()
  await expect(page.getByTestId('score-grade')).toHaveText('优良')
  await expect(aq1.getByTestId('item-deducted')).toHaveCount(0)
  // The keyboard's 2 is 扣分 on a scored item.
  const wm1 = page.locator('[data-testid=inspection-item][data-code="WM-01"]')
  await wm1.focus()
  await page.keyboard.press('2')
  await expect(wm1.getByTestId('item-deducted')).toBeFocused()
  await page.keyboard.press('Control+A')
  await page.keyboard.type('3')
  await wm1.getByTestId('item-deducted').blur()
  await expect(wm1.getByTestId('item-save-state')).toHaveText('✓ 已保存')
  await expect(page.getByTestId('score-section').filter({ hasText: '文明施工' })).toContainText('97 分')

  await page.reload()
  await expect(page.getByTestId('score-grade')).toHaveText('优良')
  await expect(page.locator('[data-testid=inspection-item][data-code="WM-01"]').getByTestId('item-deducted')).toHaveValue('3')
  await expect(page.locator('[data-testid=inspection-item][data-code="AQ-01"]')).toHaveAttribute('data-result', 'compliant')
})

test('finishing is refused while items are open; the unit may refuse to sign', async ({ page, request, ownBackend }) => {
  test.setTimeout(90_000)
  const url = ownBackend.url
  const view = await startViaApi(request, url, 'gas', 'gas')
  const codes = view.template.sections.flatMap((s) => s.items.map((i) => i.code))
  // All but the last item answered (the first one 不符合) through the API.
  for (const [i, code] of codes.slice(0, -1).entries()) {
    await api(request, url, 'put_answer', {
      inspectionId: view.inspection.id,
      itemCode: code,
      result: i === 0 ? 'nonCompliant' : 'compliant',
      photos: [],
    })
  }
  await page.goto(`${url}/#/inspections/${view.inspection.id}`)
  await expect(page.getByTestId('remaining')).toContainText('还有 1 项未检查')

  // A photo added by mistake is removed again, after a question.
  const firstItem = items(page).first()
  await firstItem.getByTestId('item-photo-input').setInputFiles(PHOTO_PNG)
  await expect(firstItem.getByTestId('photo-thumb')).toHaveCount(1)
  await firstItem.getByRole('button', { name: /^移除/ }).click()
  const question = page.getByRole('dialog', { name: '移除这张照片？' })
  await question.getByRole('button', { name: '保留' }).click()
  await expect(firstItem.getByTestId('photo-thumb')).toHaveCount(1)
  await firstItem.getByRole('button', { name: /^移除/ }).click()
  await question.getByRole('button', { name: '移除' }).click()
  await expect(firstItem.getByTestId('photo-thumb')).toHaveCount(0)
  await expect(firstItem.getByTestId('item-save-state')).toHaveText('✓ 已保存')
  // A file that is not a photo is refused in Chinese.
  await firstItem.getByTestId('item-photo-input').setInputFiles({ name: '记录.txt', mimeType: 'text/plain', buffer: Buffer.from('x') })
  await expect(firstItem.getByRole('alert')).toContainText('不是 JPEG、PNG 或 WebP 格式的照片')
  // A note typed just before leaving for the finish page reaches the proposed hazard.
  await firstItem.getByTestId('item-note').fill('灶具连接软管老化开裂')
  await page.getByTestId('finish-button').click()
  await expect(page.getByTestId('finish-unanswered')).toContainText('还有 1 项未检查')
  await expect(page.getByTestId('hazard-proposal')).toHaveCount(1)
  await expect(page.getByTestId('hazard-description')).toHaveValue(/（灶具连接软管老化开裂）$/)

  for (const role of ['officer1', 'officer2']) {
    await sign(page, page.locator(`[data-testid=signature-pad][data-role=${role}]`))
  }
  await page.getByTestId('signature-refused').check()
  await expect(page.locator('[data-testid=signature-pad][data-role=unit]')).toHaveAttribute('aria-disabled', 'true')

  // The backend refuses: one item is still open, and the page says how many.
  await page.getByTestId('confirm-finish').click()
  await expect(page.getByTestId('finish-error')).toContainText('还有1项未检查')

  // Answered elsewhere (the same backend), the confirmation goes through.
  await api(request, url, 'put_answer', {
    inspectionId: view.inspection.id,
    itemCode: codes[codes.length - 1],
    result: 'notApplicable',
    photos: [],
  })
  await page.getByTestId('confirm-finish').click()
  await expect(page.getByTestId('inspection-status')).toHaveText('已完成')
  await expect(page.getByTestId('finished-hazard')).toHaveCount(1)
  await expect(page.locator('[data-testid=finished-signature][data-role=unit]')).toContainText('拒绝签字')
  await expect(page.getByTestId('finished-signature').locator('img')).toHaveCount(2)
})

test('the finish page keeps every edit across a reload, merged with the checklist as it is now', async ({
  page,
  request,
  ownBackend,
}) => {
  test.setTimeout(90_000)
  const url = ownBackend.url
  const view = await startViaApi(request, url, 'gas', 'gas')
  const id = view.inspection.id
  const codes = view.template.sections.flatMap((s) => s.items.map((i) => i.code))
  // The first three items 不符合, the rest 符合.
  const failing = codes.slice(0, 3)
  for (const code of codes) {
    await api(request, url, 'put_answer', {
      inspectionId: id,
      itemCode: code,
      result: failing.includes(code) ? 'nonCompliant' : 'compliant',
      photos: [],
    })
  }
  await page.goto(`${url}/#/inspections/${id}/finish`)
  const proposals = page.getByTestId('hazard-proposal')
  await expect(proposals).toHaveCount(3)
  const saveState = page.getByTestId('finish-save-state')
  // Opening the page saves nothing.
  await expect(saveState).toHaveCount(0)

  // Edit the first proposal's description and deadline, delete the third, add a free hazard.
  const first = page.locator(`[data-testid=hazard-proposal][data-item-code="${failing[0]}"]`)
  await first.getByTestId('hazard-description').fill('燃气报警器未与切断阀联锁（现场演示无动作）')
  await typeDay(first.getByTestId('hazard-deadline'), chineseDate(5))
  await page.locator(`[data-testid=hazard-proposal][data-item-code="${failing[2]}"]`).getByTestId('hazard-remove').click()
  await page.getByTestId('add-hazard').click()
  const free = proposals.last()
  await expect(free.getByTestId('hazard-description')).toBeFocused()
  await free.getByTestId('hazard-level-major').check()
  await free.getByTestId('hazard-description').fill('后厨液化气钢瓶超过两瓶，无独立气瓶间')
  await page.getByTestId('signature-refused').check()
  await expect(saveState).toHaveText('✓ 已保存')
  await page.screenshot({ path: screenshotPath('inspection-finish-draft.png'), fullPage: true })

  const stored = await api(request, url, 'get_inspection', { id })
  expect(stored.finishDraft).toMatchObject({ version: 1, removed: [failing[2]], unitRefused: true })

  // Reload: everything is back.
  await page.reload()
  await expect(proposals).toHaveCount(3)
  await expect(first.getByTestId('hazard-description')).toHaveValue('燃气报警器未与切断阀联锁（现场演示无动作）')
  await expect(first.getByTestId('hazard-deadline')).toHaveValue(chineseDate(5))
  await expect(page.locator(`[data-testid=hazard-proposal][data-item-code="${failing[2]}"]`)).toHaveCount(0)
  await expect(free).toHaveAttribute('data-item-code', '')
  await expect(free).toHaveAttribute('data-level', 'major')
  await expect(free.getByTestId('hazard-description')).toHaveValue('后厨液化气钢瓶超过两瓶，无独立气瓶间')
  await expect(free.getByTestId('hazard-deadline')).toHaveValue(chineseDate(90))
  await expect(page.getByTestId('signature-refused')).toBeChecked()

  // Typing, then leaving at once (blur): saved without waiting for the pause.
  await free.getByTestId('hazard-description').fill('后厨液化气钢瓶超过两瓶，无独立气瓶间，钢瓶未固定')
  await free.getByTestId('hazard-description').blur()
  await expect(saveState).toHaveText('✓ 已保存')

  // Back on the checklist the second item becomes 符合 and another one 不符合: its proposal
  // goes, the new one gets a fresh proposal, the edits stay.
  const newlyFailing = codes[codes.length - 1]!
  await api(request, url, 'put_answer', { inspectionId: id, itemCode: failing[1], result: 'compliant', photos: [] })
  await api(request, url, 'put_answer', { inspectionId: id, itemCode: newlyFailing, result: 'nonCompliant', note: '软管穿墙无套管', photos: [] })
  await page.reload()
  await expect(proposals).toHaveCount(3)
  const itemCodes = await proposals.evaluateAll((els) => els.map((e) => e.getAttribute('data-item-code')))
  expect(itemCodes).toEqual([failing[0], newlyFailing, ''])
  await expect(first.getByTestId('hazard-description')).toHaveValue('燃气报警器未与切断阀联锁（现场演示无动作）')
  await expect(page.locator(`[data-testid=hazard-proposal][data-item-code="${newlyFailing}"]`).getByTestId('hazard-description')).toHaveValue(
    /（软管穿墙无套管）$/,
  )
  await expect(free.getByTestId('hazard-description')).toHaveValue('后厨液化气钢瓶超过两瓶，无独立气瓶间，钢瓶未固定')

  // Finish: the edited hazards are the ones recorded; the draft is gone.
  for (const role of ['officer1', 'officer2']) {
    await sign(page, page.locator(`[data-testid=signature-pad][data-role=${role}]`))
  }
  await page.getByTestId('confirm-finish').click()
  await expect(page.getByTestId('inspection-status')).toHaveText('已完成')
  const finished = page.getByTestId('finished-hazard')
  await expect(finished).toHaveCount(3)
  await expect(finished.nth(0)).toContainText('燃气报警器未与切断阀联锁（现场演示无动作）')
  const [y, m, d] = beijingDate(5).split('-').map(Number)
  await expect(finished.nth(0)).toContainText(`${y}年${m}月${d}日`)
  await expect(finished.nth(0)).toContainText('未整改')
  await expect(finished.nth(1)).toContainText('软管穿墙无套管')
  await expect(finished.nth(2)).toHaveAttribute('data-level', 'major')
  await expect(finished.nth(2)).toContainText('后厨液化气钢瓶超过两瓶，无独立气瓶间，钢瓶未固定')
  await expect(page.locator('[data-testid=finished-signature][data-role=unit]')).toContainText('拒绝签字')
  const after = await api(request, url, 'get_inspection', { id })
  expect(after.finishDraft).toBeNull()
})
