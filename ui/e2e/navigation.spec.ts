import { expect, test } from './fixtures'

test('"检查", "隐患台账", "文书" and "同步" are working parts, not marked 开发中', async ({ page }) => {
  await page.goto('/')
  const nav = page.getByRole('navigation', { name: '主导航' })

  const inspections = nav.getByRole('link', { name: /^检查/ })
  await expect(inspections).not.toContainText('开发中')
  await inspections.click()
  await expect(page).toHaveURL(/#\/inspections$/)
  await expect(page.getByRole('heading', { level: 1, name: '检查' })).toBeVisible()
  await expect(page.getByTestId('new-inspection')).toBeVisible()
  await expect(inspections).toHaveAttribute('aria-current', 'page')
  await expect(page.getByText('正在开发中')).toHaveCount(0)

  const ledger = nav.getByRole('link', { name: /^隐患台账/ })
  await expect(ledger).not.toContainText('开发中')
  await ledger.click()
  await expect(page).toHaveURL(/#\/hazards$/)
  await expect(page.getByRole('heading', { level: 1, name: '隐患台账' })).toBeVisible()
  await expect(ledger).toHaveAttribute('aria-current', 'page')
  await expect(page.getByText('正在开发中')).toHaveCount(0)

  const documents = nav.getByRole('link', { name: /^文书/ })
  await expect(documents).not.toContainText('开发中')
  await documents.click()
  await expect(page).toHaveURL(/#\/documents$/)
  await expect(page.getByRole('heading', { level: 1, name: '文书' })).toBeVisible()
  await expect(documents).toHaveAttribute('aria-current', 'page')
  await expect(page.getByText('正在开发中')).toHaveCount(0)

  const sync = nav.getByRole('link', { name: /^同步/ })
  await expect(sync).not.toContainText('开发中')
  await sync.click()
  await expect(page).toHaveURL(/#\/sync$/)
  await expect(page.getByRole('heading', { level: 1, name: '同步' })).toBeVisible()
  await expect(sync).toHaveAttribute('aria-current', 'page')
  await expect(page.getByText('正在开发中')).toHaveCount(0)

  // A page of the workflow keeps its part of the navigation marked.
  await page.goto('/#/inspections/new')
  await expect(nav.getByRole('link', { name: /^检查/ })).toHaveAttribute('aria-current', 'page')
})

test('the navigation reaches 单位 and 设置, and marks the current page', async ({ page }) => {
  await page.goto('/#/settings')
  const nav = page.getByRole('navigation', { name: '主导航' })
  await expect(nav.getByRole('link', { name: /^设置/ })).toHaveAttribute('aria-current', 'page')
  await nav.getByRole('link', { name: /^单位/ }).click()
  await expect(page.getByRole('heading', { level: 1, name: '单位' })).toBeVisible()
  await expect(nav.getByRole('link', { name: /^单位/ })).toHaveAttribute('aria-current', 'page')
})

test('an unknown address shows a page in Chinese with a way back', async ({ page }) => {
  await page.goto('/#/no-such-page')
  await expect(page.getByRole('heading', { level: 1, name: '页面不存在' })).toBeVisible()
  await page.getByRole('link', { name: '返回单位列表' }).click()
  await expect(page.getByRole('heading', { level: 1, name: '单位' })).toBeVisible()
})
