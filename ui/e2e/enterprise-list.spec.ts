import { expect, screenshotPath, test } from './fixtures'
import { openList, rows, settled, shownTotal } from './helpers'

test('the list shows the demo enterprises with a total and paging', async ({ page }) => {
  const total = await openList(page)

  await expect(page.getByRole('heading', { level: 1, name: '单位' })).toBeVisible()
  expect(total).toBeGreaterThanOrEqual(300)
  await expect(rows(page)).toHaveCount(30)
  const first = rows(page).first()
  await expect(first.getByTestId('enterprise-name')).not.toBeEmpty()
  // Other tests in this worker may have added enterprises of their own: look for any demo row.
  await expect(rows(page).getByText('演示数据').first()).toBeVisible()
  await expect(first.getByTestId('enterprise-division')).not.toBeEmpty()
  await expect(first.getByTestId('enterprise-sectors')).not.toBeEmpty()
  await expect(first.getByText(/^[0-9A-Z]{18}$/)).toBeVisible()

  await page.screenshot({ path: screenshotPath('enterprise-list.png') })

  await page.getByRole('button', { name: /加载更多/ }).click()
  await expect(rows(page)).toHaveCount(60)
})

test('the list on a narrow tablet puts the navigation at the bottom', async ({ page }) => {
  await page.setViewportSize({ width: 768, height: 1024 })
  await openList(page)
  const nav = page.getByRole('navigation', { name: '主导航' })
  const box = await nav.boundingBox()
  expect(box).not.toBeNull()
  expect(box!.y + box!.height).toBeGreaterThan(1000)
  await page.screenshot({ path: screenshotPath('enterprise-list-narrow.png') })
})

test('searching by part of a name narrows the list', async ({ page }) => {
  const all = await openList(page)
  const name = await rows(page).nth(3).getByTestId('enterprise-name').innerText()
  const part = [...name].slice(2, 6).join('')

  await page.getByLabel('搜索单位').fill(part)

  await expect.poll(() => shownTotal(page)).toBeLessThan(all)
  await settled(page)
  await expect(rows(page).getByTestId('enterprise-name').filter({ hasText: name }).first()).toBeVisible()
  await expect(page).toHaveURL(/q=/)

  await page.getByLabel('搜索单位').fill('不存在的单位名称爨爨爨')
  await expect(page.getByTestId('status-empty')).toContainText('没有符合条件的单位')

  await page.getByRole('button', { name: '清除条件' }).click()
  await expect.poll(() => shownTotal(page)).toBe(all)
})

test('filters by division and by sector', async ({ page }) => {
  const all = await openList(page)

  // A sector: every row found has it.
  await page.getByLabel('行业', { exact: true }).selectOption({ label: '餐饮燃气' })
  await expect.poll(() => shownTotal(page)).toBeLessThan(all)
  await settled(page)
  const sectorTotal = await shownTotal(page)
  expect(sectorTotal).toBeGreaterThan(0)
  for (const text of await rows(page).getByTestId('enterprise-sectors').allInnerTexts()) {
    expect(text).toContain('餐饮燃气')
  }

  // Clear it and take a division: every row found is in it.
  await page.getByLabel('行业', { exact: true }).selectOption('')
  await expect.poll(() => shownTotal(page)).toBe(all)
  const divisionSelect = page.getByLabel('镇街', { exact: true })
  const option = divisionSelect.locator('option').nth(2)
  const divisionName = (await option.innerText()).trim()
  await divisionSelect.selectOption((await option.getAttribute('value'))!)
  await expect.poll(() => shownTotal(page)).toBeLessThan(all)
  await settled(page)
  const divisionTotal = await shownTotal(page)
  expect(divisionTotal).toBeGreaterThan(0)
  expect(new Set(await rows(page).getByTestId('enterprise-division').allInnerTexts())).toEqual(new Set([divisionName]))

  // Both at once: every row found is in the division and has the sector.
  await page.getByLabel('行业', { exact: true }).selectOption({ label: '人员密集场所' })
  await expect(page).toHaveURL(/sector=crowded/)
  await expect(page).toHaveURL(/division=/)
  await settled(page)
  expect(await shownTotal(page)).toBeLessThanOrEqual(divisionTotal)
  for (const text of await rows(page).getByTestId('enterprise-sectors').allInnerTexts()) {
    expect(text).toContain('人员密集场所')
  }
  for (const text of await rows(page).getByTestId('enterprise-division').allInnerTexts()) {
    expect(text).toBe(divisionName)
  }
})

test('opens an enterprise and shows all its fields in Chinese', async ({ page }) => {
  await openList(page)
  const row = rows(page).filter({ has: page.getByText('演示数据') }).first()
  const name = await row.getByTestId('enterprise-name').innerText()

  await row.getByRole('link').click()

  await expect(page.getByTestId('enterprise-title')).toHaveText(name)
  for (const label of [
    '单位名称',
    '统一社会信用代码',
    '地址',
    '所属镇街',
    '行业领域',
    '法定代表人（负责人）',
    '安全负责人',
    '联系电话',
    '监管分级',
    '经营状态',
  ]) {
    await expect(page.locator('dt').getByText(label, { exact: true })).toBeVisible()
  }
  await expect(page.getByTestId('detail-status').locator('dd')).toHaveText(/^(在营|停产|关闭)$/)
  await expect(page.getByTestId('detail-supervisionClass').locator('dd')).toHaveText(/^([ABCD]级|未分级)$/)
  await expect(page.getByText('这是随软件附带的演示数据')).toBeVisible()
  await expect(page.getByRole('link', { name: '编辑' })).toBeVisible()

  await page.getByRole('link', { name: /返回单位列表/ }).click()
  await expect(rows(page).first()).toBeVisible()
})

test('the search box takes at most 100 characters; a longer search is refused in Chinese', async ({ page }) => {
  // A longer search can still arrive by a link (?q=…); the backend refuses it with too_long.
  await page.goto(`/#/enterprises?q=${encodeURIComponent('矿'.repeat(101))}`)
  const search = page.getByLabel('搜索单位')
  await expect(search).toHaveAttribute('maxlength', '100')
  const error = page.getByTestId('status-error')
  await expect(error).toContainText('内容过长')
  await expect(error).toContainText('搜索内容不能超过100个字')

  // Shortened, the search works again.
  await search.fill('矿'.repeat(3))
  await expect(error).toBeHidden()
  await expect(page.getByTestId('result-count')).toBeVisible()
})
