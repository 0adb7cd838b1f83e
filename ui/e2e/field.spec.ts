// An inspection as it is done in the field. First with a finger (the pointer): every tap,
// typed text, chosen file and drawn signature counts as one action, from the enterprise
// list to the signed finish, for the 32 items of the 烟花爆竹 checklist with 3 不符合 (a
// note on each, one photo); the figure is printed beside the number of items (goal ≤ 60).
// Then the same inspection by keyboard alone up to the signatures (drawing one needs a
// pointer or a pen): every control reached by Tab, each focus visible.

import { type Locator, type Page } from '@playwright/test'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from './fixtures'
import { api } from './workflow'

const PHOTO = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'hazard-photo.jpg')
const FAILING = [2, 9, 20]
const NOTES = ['安全生产责任制未经考核', '零售柜台旁堆放纸箱，占用疏散通道', '仓库未张贴安全警示标志']

const items = (page: Page) => page.getByTestId('inspection-item')

async function setUp(request: Parameters<typeof api>[0], url: string) {
  const call = api(request, url)
  await call('save_profile', { profile: { name: '王磊', certNo: '11010923001', unit: '门头沟区应急管理局执法监察大队' } })
  await call('save_inspector', { inspector: { name: '李娜', certNo: '11010923002', unit: '门头沟区应急管理局执法监察大队' } })
  const { items: found } = await call<{ items: { name: string }[] }>('search_enterprises', { sector: 'fireworks', limit: 1 })
  return found[0]!.name
}

/** A signature drawn in one stroke. */
async function draw(page: Page, pad: Locator) {
  await pad.scrollIntoViewIfNeeded()
  const box = (await pad.boundingBox())!
  await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.6)
  await page.mouse.down()
  for (const [fx, fy] of [
    [0.3, 0.3],
    [0.45, 0.7],
    [0.6, 0.35],
    [0.85, 0.55],
  ] as const) {
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 3 })
  }
  await page.mouse.up()
  await expect(pad).toHaveAttribute('data-empty', 'false')
}

test('a whole inspection with a finger: actions counted against the number of items', async ({ page, request, ownBackend }) => {
  test.setTimeout(120_000)
  const name = await setUp(request, ownBackend.url)
  let actions = 0
  const act = async (step: () => Promise<unknown>) => {
    actions += 1
    await step()
  }

  await page.goto(`${ownBackend.url}/#/enterprises?sector=fireworks`)
  await act(() => page.getByTestId('enterprise-row').filter({ hasText: name }).getByTestId('enterprise-name').click())
  await act(() => page.getByTestId('start-inspection').click())
  // The checklist of the enterprise's sector and the only colleague are chosen already.
  await expect(page.getByTestId('template-option').getByRole('radio')).toBeChecked()
  await expect(page.getByTestId('colleague-option').getByRole('radio')).toBeChecked()
  await act(() => page.getByTestId('start-inspection-submit').click())
  await expect(items(page)).toHaveCount(32)
  const total = await items(page).count()

  for (let i = 0; i < total; i++) {
    const item = items(page).nth(i)
    const bad = FAILING.indexOf(i)
    if (bad < 0) {
      await act(() => item.getByTestId('answer-compliant').click())
      continue
    }
    await act(() => item.getByTestId('answer-noncompliant').click())
    // The cursor is in the note already: typing is the next action.
    await expect(item.getByTestId('item-note')).toBeFocused()
    await act(() => page.keyboard.type(NOTES[bad]!))
    if (bad === 0) {
      const chooser = page.waitForEvent('filechooser')
      await act(() => item.getByText('拍照/添加照片').click())
      await act(async () => (await chooser).setFiles(PHOTO))
      await expect(item.getByTestId('photo-thumb')).toHaveCount(1)
    }
  }
  await expect(page.getByTestId('all-done')).toBeVisible()
  await act(() => page.getByTestId('finish-button').click())
  await expect(page.getByTestId('hazard-proposal')).toHaveCount(3)
  for (const role of ['officer1', 'officer2', 'unit']) {
    await act(() => draw(page, page.locator(`[data-testid=signature-pad][data-role=${role}]`)))
  }
  await act(() => page.getByTestId('confirm-finish').click())
  await expect(page.getByTestId('inspection-status')).toHaveText('已完成')
  await expect(page.getByTestId('finished-hazard')).toHaveCount(3)

  console.log(`一次检查：${total} 项（3 项不符合，各写说明，1 张照片），从单位列表到签字完成共 ${actions} 次操作`)
  expect(actions, `${actions} actions for ${total} items`).toBeLessThanOrEqual(60)
})

/** Presses Tab until `target` has the focus (at most `max` times); the focus must show. */
async function tabTo(page: Page, target: Locator, what: string, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) {
      const shown = await target.evaluate((el) => {
        const s = getComputedStyle(el)
        const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'
        // A visually hidden input shows its focus on the label around it.
        const label = el.closest('label')
        const labelRing = label ? getComputedStyle(label).outlineStyle !== 'none' || getComputedStyle(label).boxShadow !== 'none' : false
        return ring || labelRing
      })
      expect(shown, `the focus on ${what} is visible`).toBe(true)
      return
    }
    await page.keyboard.press('Tab')
  }
  throw new Error(`${what}: not reached by Tab`)
}

test('the same inspection by keyboard alone, up to the signatures', async ({ page, request, ownBackend }) => {
  test.setTimeout(120_000)
  const name = await setUp(request, ownBackend.url)
  await page.goto(`${ownBackend.url}/#/enterprises`)
  await expect(page.getByTestId('enterprise-row').first()).toBeVisible()

  // Search and open the enterprise.
  await tabTo(page, page.getByLabel('搜索单位'), '搜索单位')
  await page.keyboard.type(name)
  await expect(page.getByTestId('enterprise-row')).toHaveCount(1)
  await tabTo(page, page.getByTestId('enterprise-row').first().getByRole('link').first(), 'the enterprise')
  await page.keyboard.press('Enter')
  await tabTo(page, page.getByTestId('start-inspection'), '开始检查')
  await page.keyboard.press('Enter')

  // Start: checklist and colleague chosen, the accompanying person typed.
  await expect(page.getByTestId('colleague-option').getByRole('radio')).toBeChecked()
  await tabTo(page, page.getByTestId('accompanying'), '陪同人员')
  await page.keyboard.type('张伟（安全主管）')
  await tabTo(page, page.getByTestId('start-inspection-submit'), '开始检查 (submit)')
  await page.keyboard.press('Enter')
  await expect(items(page)).toHaveCount(32)

  // Every item: 1 answers 符合 and moves on; 2 answers 不符合 and puts the cursor in the
  // note; from the note, Tab reaches the photo and then the next item.
  await tabTo(page, items(page).first(), 'the first item', 80)
  const total = await items(page).count()
  for (let i = 0; i < total; i++) {
    const item = items(page).nth(i)
    await expect(item).toBeFocused()
    const bad = FAILING.indexOf(i)
    if (bad < 0) {
      await page.keyboard.press('1')
      await expect(item).toHaveAttribute('data-result', 'compliant')
      continue
    }
    await page.keyboard.press('2')
    await expect(item.getByTestId('item-note')).toBeFocused()
    await page.keyboard.type(NOTES[bad]!)
    if (bad === 0) {
      await tabTo(page, item.getByTestId('item-photo-input'), '拍照/添加照片')
      const chooser = page.waitForEvent('filechooser')
      await page.keyboard.press('Enter')
      await (await chooser).setFiles(PHOTO)
      await expect(item.getByTestId('photo-thumb')).toHaveCount(1)
    }
    if (i + 1 < total) await tabTo(page, items(page).nth(i + 1), `item ${i + 2}`)
  }
  await expect(page.getByTestId('all-done')).toBeVisible()
  await tabTo(page, page.getByTestId('inspection-notes'), '检查情况', 80)
  await page.keyboard.type('单位负责人在岗，查看了经营许可证和仓库。')
  await tabTo(page, page.getByTestId('finish-button-bottom'), '完成检查', 80)
  await page.keyboard.press('Enter')

  // The finish page: a hazard's description and deadline edited, 拒绝签字, all by keys.
  await expect(page.getByTestId('hazard-proposal')).toHaveCount(3)
  const first = page.getByTestId('hazard-proposal').first()
  await tabTo(page, first.getByTestId('hazard-description'), '隐患描述')
  await page.keyboard.press('End')
  await page.keyboard.type('（现场已拍照）')
  await tabTo(page, first.getByTestId('hazard-deadline'), '整改期限')
  await page.keyboard.press('ArrowUp')
  await tabTo(page, page.getByTestId('signature-refused'), '拒绝签字', 80)
  await page.keyboard.press('Space')
  await expect(page.getByTestId('signature-refused')).toBeChecked()
  await expect(first.getByTestId('hazard-description')).toHaveValue(/（现场已拍照）$/)
  // What is left needs a pointer or a pen: the officers' signatures. 确认完成 is reached
  // by Tab and says what is missing.
  await tabTo(page, page.getByTestId('confirm-finish'), '确认完成', 80)
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('finish-problem')).toContainText('缺少执法人员一、执法人员二的签名')
  // Signed with the pen, finished from the keyboard.
  for (const role of ['officer1', 'officer2']) await draw(page, page.locator(`[data-testid=signature-pad][data-role=${role}]`))
  await tabTo(page, page.getByTestId('confirm-finish'), '确认完成', 80)
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('inspection-status')).toHaveText('已完成')
  await expect(page.getByTestId('finished-hazard').first()).toContainText('（现场已拍照）')
})
