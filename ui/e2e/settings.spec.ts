import { expect, test } from './fixtures'

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
