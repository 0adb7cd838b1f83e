// 同步 against the real backend, without a district server: the unpaired page offers the
// pairing form; a missing code is caught under its field, a bad address is refused by the
// backend under its field, and a server nobody answers at gives the Chinese "连不上服务器".
// Each test has a backend of its own (ownBackend): pairing state must not leak between tests.

import { expect, screenshotPath, test } from './fixtures'

test('unpaired, the 同步 page offers pairing; errors are shown under the field or in plain Chinese', async ({
  page,
  request,
  ownBackend,
}) => {
  await page.goto(`${ownBackend.url}/#/sync`)
  await expect(page.getByRole('heading', { level: 1, name: '同步' })).toBeVisible()
  const nav = page.getByRole('navigation', { name: '主导航' })
  const link = nav.getByRole('link', { name: /^同步/ })
  await expect(link).toHaveAttribute('aria-current', 'page')
  await expect(link).not.toContainText('开发中')
  await expect(page.getByText('正在开发中')).toHaveCount(0)

  const form = page.getByRole('region', { name: '与区局服务器配对' })
  await expect(form).toBeVisible()
  await expect(form.getByLabel('服务器地址')).toHaveValue('http://127.0.0.1:8470')
  await expect(form.getByLabel('设备名称')).toHaveValue('执法终端')
  await expect(form.getByLabel('配对码')).toHaveValue('')
  const pair = form.getByRole('button', { name: '配对', exact: true })
  await page.screenshot({ path: screenshotPath('sync-unpaired.png'), fullPage: true })

  // No code: the field says so, and nothing is sent.
  await pair.click()
  await expect(page.getByTestId('error-pair-code')).toContainText('配对码')
  await expect(page.getByTestId('pair-error')).toHaveCount(0)

  // Typing clears the field's error; an address the backend refuses is marked under its field.
  await form.getByLabel('配对码').fill('ABCD-EFGH-JKLM')
  await expect(page.getByTestId('error-pair-code')).toBeHidden()
  await form.getByLabel('服务器地址').fill('ftp://127.0.0.1:9')
  await pair.click()
  await expect(page.getByTestId('error-pair-server')).toContainText('http://')

  // Nobody listens on port 9: the server cannot be reached.
  await form.getByLabel('服务器地址').fill('http://127.0.0.1:9')
  await pair.click()
  await expect(page.getByTestId('pair-error')).toContainText('连不上服务器', { timeout: 30_000 })
  await expect(page.getByTestId('pair-error')).toContainText('配对失败')
  await expect(pair).toBeEnabled()
  await page.screenshot({ path: screenshotPath('sync-unreachable.png'), fullPage: true })

  // Still unpaired, on the page and in the backend.
  await expect(form).toBeVisible()
  await expect(page.getByTestId('sync-card')).toHaveCount(0)
  const response = await request.post(`${ownBackend.url}/api/call/sync_status`, { data: {} })
  expect(response.ok()).toBe(true)
  const status = await response.json()
  expect(status).toMatchObject({ paired: false, state: 'unpaired' })
  await expect(nav.getByTestId('sync-mark')).toHaveCount(0)
})
