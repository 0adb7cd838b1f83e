import { randomDigits, validCreditCode } from './creditCode'
import { expect, screenshotPath, test } from './fixtures'
import { createEnterpriseViaApi, rows } from './helpers'

test('the inspector profile is saved, with field errors, and kept after a reload', async ({ page }) => {
  await page.goto('/#/settings')
  await expect(page.getByRole('heading', { level: 1, name: '设置' })).toBeVisible()
  await expect(page.getByRole('heading', { name: '检查人员信息' })).toBeVisible()

  await page.getByLabel('姓名').fill('王磊')
  await page.getByLabel('执法证号').fill('证号')
  await page.getByLabel('所属单位').fill('门头沟区应急管理局执法监察大队')
  await page.getByRole('button', { name: '保存', exact: true }).click()
  await expect(page.getByTestId('error-profile-certNo')).toContainText('执法证号')

  await page.getByLabel('执法证号').fill('11010923001')
  await expect(page.getByTestId('error-profile-certNo')).toBeHidden()
  await page.getByRole('button', { name: '保存', exact: true }).click()
  await expect(page.getByTestId('profile-saved')).toContainText('已保存')

  await page.reload()
  await expect(page.getByLabel('姓名')).toHaveValue('王磊')
  await expect(page.getByLabel('执法证号')).toHaveValue('11010923001')
  await expect(page.getByLabel('所属单位')).toHaveValue('门头沟区应急管理局执法监察大队')
})

test('the settings page shows the app version, data directory and counts', async ({ page, backend }) => {
  await page.goto('/#/settings')
  await expect(page.getByTestId('app-version')).not.toBeEmpty()
  await expect(page.getByText(backend.dataDir, { exact: false })).toBeVisible()
  await expect(page.getByText(/其中演示数据 \d+ 家/)).toBeVisible()
})

// Deleting the demo data would take away the demo enterprises other tests of the worker
// look for, so this test runs against a backend of its own (ownBackend), never the shared one.
test('the demo data are deleted from the settings page after confirming', async ({ page, request, ownBackend }) => {
  // One real enterprise besides the demo ones, so the list is not empty afterwards.
  const realName = `门头沟真实测试五金加工厂${randomDigits(6)}`
  await createEnterpriseViaApi(request, ownBackend.url, { name: realName, creditCode: validCreditCode() })

  await page.goto(`${ownBackend.url}/#/settings`)
  const section = page.getByRole('region', { name: '演示数据' })
  await expect(section).toBeVisible()
  await expect(section.getByTestId('demo-count')).toHaveText('360')
  await expect(section).toContainText('虚构单位')
  await expect(page.getByText('其中演示数据 360 家')).toBeVisible()
  await section.scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath('settings-demo-data.png'), fullPage: true })

  // Cancelling deletes nothing.
  await section.getByRole('button', { name: '删除演示数据' }).click()
  const dialog = page.getByRole('dialog', { name: '删除演示数据？' })
  await expect(dialog).toContainText('将删除 360 家演示单位，此操作不能撤销。已被检查或隐患引用的演示单位会保留。')
  await page.screenshot({ path: screenshotPath('settings-demo-confirm.png') })
  await dialog.getByRole('button', { name: '取消' }).click()
  await expect(dialog).toBeHidden()
  await expect(section.getByTestId('demo-count')).toHaveText('360')

  await section.getByRole('button', { name: '删除演示数据' }).click()
  await dialog.getByRole('button', { name: '确认删除' }).click()
  await expect(page.getByTestId('demo-removed')).toHaveText('✓ 已删除 360 家演示单位')
  // The counts are read again: no demo data left, so the button is gone.
  await expect(page.getByText(/其中演示数据/)).toHaveCount(0)
  await expect(page.getByRole('button', { name: '删除演示数据' })).toHaveCount(0)
  await page.screenshot({ path: screenshotPath('settings-demo-removed.png'), fullPage: true })

  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '单位', exact: true }).click()
  await expect(rows(page).first()).toBeVisible()
  await expect(rows(page).getByTestId('enterprise-name').filter({ hasText: realName })).toBeVisible()
  await expect(rows(page).getByText('演示数据')).toHaveCount(0)
})
