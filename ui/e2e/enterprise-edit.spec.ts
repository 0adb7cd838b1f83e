import type { Page } from '@playwright/test'
import { validCreditCode, wrongCheckCharacter, randomDigits } from './creditCode'
import { expect, test } from './fixtures'
import { HAN, createEnterpriseViaApi, openList, rows, settled } from './helpers'

const codeInput = (page: Page) => page.getByLabel('统一社会信用代码')
const codeCheck = (page: Page) => page.getByTestId('credit-code-check')
const saveButton = (page: Page) => page.getByRole('button', { name: '保存', exact: true })

/** Fills every field of the new-enterprise form except the credit code. */
async function fillNewEnterprise(page: Page, name: string) {
  await page.getByLabel('单位名称').fill(name)
  await page.getByLabel('地址').fill('北京市门头沟区测试路1号')
  await page.getByLabel('所属镇街').selectOption({ index: 1 })
  await page.getByRole('checkbox', { name: '有限空间' }).check()
  await page.getByRole('checkbox', { name: '粉尘涉爆' }).check()
  await page.getByLabel('法定代表人（负责人）').fill('测试法人')
  await page.getByLabel('安全负责人').fill('测试安全员')
  await page.getByLabel('联系电话').fill('13912345678')
  // The class is the bureau's (分类分级): shown, not chosen here.
  await expect(page.getByLabel('监管分级')).toBeDisabled()
}

async function openNewForm(page: Page) {
  await openList(page)
  await page.getByRole('link', { name: '新增单位' }).click()
  await expect(page.getByRole('heading', { level: 1, name: '新增单位' })).toBeVisible()
}

test('a bad credit code is refused in Chinese; fixed, the enterprise is saved and found', async ({ page }) => {
  const name = `门头沟测试机械加工有限公司${randomDigits(6)}`
  const code = validCreditCode()
  await openNewForm(page)
  await fillNewEnterprise(page, name)

  // One character short: the live check says so while typing.
  await codeInput(page).fill(code.slice(0, 17))
  await expect(codeCheck(page).locator('[data-status="invalid"]')).toContainText('18位')

  await saveButton(page).click()
  const error = page.getByTestId('error-ent-creditCode')
  await expect(error).toBeVisible()
  await expect(error).toContainText('统一社会信用代码')
  await expect(error).toHaveText(HAN)
  await expect(page).toHaveURL(/#\/enterprises\/new$/)

  await codeInput(page).fill(code)
  await expect(error).toBeHidden()
  await expect(codeCheck(page).locator('[data-status="ok"]')).toBeVisible()
  await saveButton(page).click()

  await expect(page.getByTestId('enterprise-title')).toHaveText(name)
  await expect(page.getByTestId('detail-creditCode').locator('dd')).toHaveText(code)
  await expect(page.getByTestId('detail-sectors').locator('dd')).toHaveText('有限空间、粉尘涉爆')
  await expect(page.getByTestId('detail-supervisionClass').locator('dd')).toHaveText('未分级')
  await expect(page.getByTestId('detail-status').locator('dd')).toHaveText('在营')
  await expect(page.getByText('演示数据')).toHaveCount(0)

  await page.getByRole('link', { name: /返回单位列表/ }).click()
  await page.getByLabel('搜索单位').fill(name)
  await expect(page).toHaveURL(/q=/)
  await settled(page)
  await expect(rows(page)).toHaveCount(1)
  await expect(rows(page).first().getByTestId('enterprise-name')).toHaveText(name)
  await expect(rows(page).first().getByText('演示数据')).toHaveCount(0)

  // Found by its credit code too.
  await page.getByLabel('搜索单位').fill(code)
  await settled(page)
  await expect(rows(page).first().getByTestId('enterprise-name')).toHaveText(name)
})

test('a wrong check character can be saved once the inspector confirms it', async ({ page }) => {
  const name = `门头沟测试建材经营部${randomDigits(6)}`
  const code = wrongCheckCharacter(validCreditCode())
  await openNewForm(page)
  await fillNewEnterprise(page, name)

  await codeInput(page).fill(code)
  const warning = codeCheck(page).locator('[data-status="warning"]')
  await expect(warning).toContainText('校验位')
  const confirm = page.getByRole('checkbox', { name: '我已核对营业执照，确认此代码无误' })
  await expect(confirm).not.toBeChecked()

  await saveButton(page).click()
  await expect(page.getByTestId('error-ent-creditCode')).toContainText('统一社会信用代码')

  await confirm.check()
  await expect(page.getByTestId('error-ent-creditCode')).toBeHidden()
  await saveButton(page).click()

  await expect(page.getByTestId('enterprise-title')).toHaveText(name)
  await expect(page.getByText('校验位不符，已由检查人员核对营业执照确认')).toBeVisible()
})

test('a duplicate credit code is refused', async ({ page, request, backend }) => {
  // A real enterprise's code: demo units are a set apart and do not block real codes.
  const existingCode = validCreditCode()
  await createEnterpriseViaApi(request, backend.url, { name: `门头沟测试原有公司${randomDigits(6)}`, creditCode: existingCode })
  await openNewForm(page)
  await fillNewEnterprise(page, `门头沟测试重复代码公司${randomDigits(6)}`)
  await codeInput(page).fill(existingCode)
  // The live check settles first (its line moves the button while it runs).
  await expect(codeCheck(page).locator('[data-status="ok"]')).toBeVisible()
  await saveButton(page).click()
  await expect(page.getByTestId('error-ent-creditCode')).toContainText('统一社会信用代码')
  await expect(page).toHaveURL(/#\/enterprises\/new$/)
})

test('editing an enterprise: a bad phone is shown under its field, the fix is saved and kept', async ({ page }) => {
  await openList(page)
  await rows(page).nth(1).getByRole('link').click()
  await expect(page.getByTestId('enterprise-title')).not.toBeEmpty()
  const detailUrl = page.url()

  await page.getByRole('link', { name: '编辑' }).click()
  await expect(page.getByRole('heading', { level: 1, name: /编辑单位/ })).toBeVisible()
  await expect(page.getByLabel('单位名称')).not.toHaveValue('')

  await page.getByLabel('联系电话').fill('12345')
  await saveButton(page).click()
  const phoneError = page.getByTestId('error-ent-contactPhone')
  await expect(phoneError).toContainText('联系电话')

  const contact = `测试员${randomDigits(3)}`
  await page.getByLabel('联系电话').fill('010-69841234')
  await expect(phoneError).toBeHidden()
  await page.getByLabel('安全负责人').fill(contact)
  await page.getByRole('radio', { name: '停产' }).check()
  await saveButton(page).click()

  await expect(page).toHaveURL(detailUrl)
  await expect(page.getByTestId('detail-safetyContact').locator('dd')).toHaveText(contact)
  await expect(page.getByTestId('detail-contactPhone').locator('dd')).toHaveText('010-69841234')
  await expect(page.getByTestId('detail-status').locator('dd')).toHaveText('停产')

  await page.reload()
  await expect(page.getByTestId('detail-safetyContact').locator('dd')).toHaveText(contact)
})

test('saving over a newer version tells the user and offers to reload', async ({ page }) => {
  await openList(page)
  await rows(page).nth(2).getByRole('link').click()
  await expect(page.getByTestId('enterprise-title')).not.toBeEmpty()
  const id = decodeURIComponent(page.url().split('/').pop()!)
  await page.getByRole('link', { name: '编辑' }).click()
  await expect(page.getByLabel('单位名称')).not.toHaveValue('')

  // Someone else saves first (another window, or a sync).
  const e = await (await page.request.post('/api/call/get_enterprise', { data: { id } })).json()
  const input = {
    name: e.name,
    creditCode: e.creditCode,
    creditCodeConfirmed: e.creditCodeConfirmed,
    address: e.address,
    divisionCode: e.divisionCode,
    sectors: e.sectors,
    legalRepresentative: e.legalRepresentative ?? '',
    safetyContact: '另一位检查员',
    contactPhone: e.contactPhone ?? '',
    supervisionClass: e.supervisionClass,
    status: e.status,
  }
  const other = await page.request.post('/api/call/update_enterprise', { data: { id, rev: e.rev, input } })
  expect(other.ok()).toBe(true)

  await page.getByLabel('安全负责人').fill('本页的修改')
  await saveButton(page).click()
  const conflict = page.getByTestId('conflict')
  await expect(conflict).toContainText('记录已被修改')
  await expect(conflict).toContainText('重新加载')

  await conflict.getByRole('button', { name: /重新加载最新数据/ }).click()
  await expect(conflict).toBeHidden()
  await expect(page.getByLabel('安全负责人')).toHaveValue('另一位检查员')
})

test('leaving a form with unsaved changes asks first', async ({ page }) => {
  await openNewForm(page)
  await page.getByLabel('单位名称').fill('尚未保存的单位')
  const nav = page.getByRole('navigation', { name: '主导航' })
  const dialog = page.getByRole('dialog', { name: '放弃未保存的修改？' })

  await nav.getByRole('link', { name: /^单位/ }).click()
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: '继续编辑' }).click()
  await expect(dialog).toBeHidden()
  await expect(page).toHaveURL(/#\/enterprises\/new$/)
  await expect(page.getByLabel('单位名称')).toHaveValue('尚未保存的单位')

  await page.getByRole('button', { name: '取消', exact: true }).click()
  await dialog.getByRole('button', { name: '放弃修改并离开' }).click()
  await expect(page.getByRole('heading', { level: 1, name: '单位' })).toBeVisible()
})
