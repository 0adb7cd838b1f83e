// 设置 for the inspection workflow: the default rectification deadlines and the list of
// officers. Each test has a backend of its own, so other tests keep the defaults.

import { expect, screenshotPath, test } from './fixtures'

test('the default deadlines are saved, and an invalid number is refused in Chinese', async ({ page, request, ownBackend }) => {
  await page.goto(`${ownBackend.url}/#/settings`)
  const section = page.getByRole('region', { name: '默认整改期限' })
  await expect(section).toBeVisible()
  const general = section.getByLabel('一般隐患')
  const major = section.getByLabel('重大隐患')
  await expect(general).toHaveValue('30')
  await expect(major).toHaveValue('90')

  // 0 days: the backend refuses it, the error is under the field.
  await general.fill('0')
  await section.getByRole('button', { name: '保存整改期限' }).click()
  const error = section.getByTestId('error-deadline-deadlineDaysGeneral')
  // The Chinese text for deadline_invalid (errors.ts) with the backend's reason.
  await expect(error).toContainText('整改期限')
  await expect(error).toContainText('1到365天')
  await expect(general).toHaveAttribute('aria-invalid', 'true')
  await section.scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath('settings-deadline-error.png'), fullPage: true })

  // Not a number: said before anything is sent.
  await general.fill('十五')
  await expect(error).toBeHidden()
  await section.getByRole('button', { name: '保存整改期限' }).click()
  await expect(error).toContainText('1到365之间的整数')

  await general.fill('15')
  await major.fill('60')
  await section.getByRole('button', { name: '保存整改期限' }).click()
  await expect(section.getByTestId('deadlines-saved')).toHaveText('✓ 已保存')

  await page.reload()
  await expect(page.getByRole('region', { name: '默认整改期限' }).getByLabel('一般隐患')).toHaveValue('15')
  await expect(page.getByRole('region', { name: '默认整改期限' }).getByLabel('重大隐患')).toHaveValue('60')
  const response = await request.post(`${ownBackend.url}/api/call/get_settings`, { data: {} })
  expect(await response.json()).toEqual({ deadlineDaysGeneral: 15, deadlineDaysMajor: 60 })
})

test('a colleague is added to the officers list, with field errors', async ({ page, request, ownBackend }) => {
  const saved = await request.post(`${ownBackend.url}/api/call/save_profile`, {
    data: { profile: { name: '王磊', certNo: '11010923001', unit: '门头沟区应急管理局执法监察大队' } },
  })
  expect(saved.ok()).toBe(true)

  await page.goto(`${ownBackend.url}/#/settings`)
  const section = page.getByRole('region', { name: '执法人员名单' })
  const people = section.getByTestId('inspector-row')
  await expect(people).toHaveCount(1)
  await expect(people.first()).toContainText('王磊')
  await expect(people.first().getByTestId('inspector-self')).toHaveText('本人')

  await section.getByRole('button', { name: '＋ 添加同事' }).click()
  const form = section.getByRole('form', { name: '添加同事' })
  await form.getByLabel('姓名').fill('李强')
  await form.getByLabel('执法证号').fill('证号')
  await form.getByLabel('所属单位').fill('门头沟区应急管理局执法监察大队')
  await form.getByRole('button', { name: '添加到名单' }).click()
  await expect(form.getByTestId('error-colleague-certNo')).toContainText('执法证号')
  await page.screenshot({ path: screenshotPath('settings-colleague-error.png'), fullPage: true })

  await form.getByLabel('执法证号').fill('11010923002')
  await expect(form.getByTestId('error-colleague-certNo')).toBeHidden()
  await form.getByRole('button', { name: '添加到名单' }).click()
  await expect(section.getByTestId('colleague-saved')).toHaveText('✓ 已添加 李强')
  await expect(people).toHaveCount(2)
  const li = people.filter({ hasText: '李强' })
  await expect(li).toContainText('11010923002')
  await expect(li.getByTestId('inspector-self')).toHaveCount(0)
  await page.screenshot({ path: screenshotPath('settings-colleagues.png'), fullPage: true })

  await page.reload()
  await expect(page.getByRole('region', { name: '执法人员名单' }).getByTestId('inspector-row').filter({ hasText: '李强' })).toBeVisible()
})

test('the officers list shows the own profile (本人) as soon as it is saved, without a reload', async ({ page, ownBackend }) => {
  await page.goto(`${ownBackend.url}/#/settings`)
  const section = page.getByRole('region', { name: '执法人员名单' })
  await expect(section).toContainText('名单中还没有人员')

  const profile = page.getByRole('region', { name: '检查人员信息' })
  await profile.getByLabel('姓名').fill('王磊')
  await profile.getByLabel('执法证号').fill('11010923001')
  await profile.getByRole('button', { name: '保存', exact: true }).click()
  await expect(page.getByTestId('profile-saved')).toContainText('已保存')
  const self = section.getByTestId('inspector-row').filter({ has: page.getByTestId('inspector-self') })
  await expect(self).toHaveCount(1)
  await expect(self).toContainText('王磊')
  await expect(self).toContainText('11010923001')

  // A change of the profile shows at once too.
  await profile.getByLabel('姓名').fill('王磊磊')
  await profile.getByRole('button', { name: '保存', exact: true }).click()
  await expect(page.getByTestId('profile-saved')).toContainText('已保存')
  await expect(self).toContainText('王磊磊')
})
