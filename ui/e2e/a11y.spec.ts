// Every page of the app under axe-core (WCAG 2.2 AA and best practice: no serious or
// critical finding), in the standard look and in 强光, where every text must also reach
// 7:1 (axe's color-contrast-enhanced, WCAG AAA). The inspection page with its items
// answered and open, the finish page and the finished inspection included. Screenshots
// of both looks of the inspection page.

import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, screenshotPath, test } from './fixtures'
import { PNG, api, beijingDay, inspect, officersAndUnits, startInspection } from './workflow'

async function accessible(page: Page, what: string, sun: boolean) {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa', 'best-practice']
  const result = await new AxeBuilder({ page }).withTags(sun ? [...tags, 'wcag2aaa'] : tags).analyze()
  const bad = result.violations.filter(
    (v) => v.impact === 'serious' || v.impact === 'critical' || (sun && v.id === 'color-contrast-enhanced'),
  )
  expect(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`),
    `${what}${sun ? '（强光）' : ''}`,
  ).toEqual([])
}

test('every page passes axe in both looks; 强光 reaches 7:1', async ({ page, request, ownBackend }) => {
  test.setTimeout(180_000)
  const call = api(request, ownBackend.url)
  const { colleague, unitA, unitB } = await officersAndUnits(call)
  // A finished inspection with a hazard and its documents; one in progress, half answered.
  const finished = await inspect(call, unitA.id, colleague.id, [
    { description: '燃气管道使用胶管连接，长度超过2米且穿越墙体', level: 'major', deadline: beijingDay(30) },
  ])
  const documents = await call<{ id: string }[]>('prepare_documents', { inspectionId: finished })
  const hazardId = (await call<{ items: { hazard: { id: string } }[] }>('hazard_ledger', { limit: 1 })).items[0]!.hazard.id
  const { id: openId, codes } = await startInspection(call, unitB.id, colleague.id)
  const { sha256 } = await call('add_attachment', { mime: 'image/png', dataBase64: PNG.toString('base64') })
  await call('put_answer', { inspectionId: openId, itemCode: codes[0], result: 'nonCompliant', note: '报警器未联锁', photos: [sha256] })
  await call('put_answer', { inspectionId: openId, itemCode: codes[1], result: 'notApplicable', photos: [] })
  await call('put_answer', { inspectionId: openId, itemCode: codes[2], result: 'compliant', photos: [] })

  const pages: [string, string, string][] = [
    ['单位', '#/enterprises', 'enterprise-row'],
    ['单位详情', `#/enterprises/${unitA.id}`, ''],
    ['编辑单位', `#/enterprises/${unitA.id}/edit`, ''],
    ['新增单位', '#/enterprises/new', ''],
    ['我的任务', '#/tasks', ''],
    ['检查', '#/inspections', 'inspection-row'],
    ['新建检查', `#/inspections/new?enterprise=${unitB.id}`, 'start-inspection-submit'],
    ['检查表', `#/inspections/${openId}`, 'inspection-item'],
    ['已完成的检查', `#/inspections/${finished}`, 'finished-item'],
    ['隐患台账', '#/hazards', 'hazard-row'],
    ['隐患详情', `#/hazards/${hazardId}`, 'hazard-status'],
    ['文书', '#/documents', 'document-row'],
    ['文书详情', `#/documents/${documents[0]!.id}`, 'document-title'],
    ['同步', '#/sync', ''],
    ['设置', '#/settings', 'theme-sun'],
    ['页面不存在', '#/no-such-page', ''],
  ]
  // 跟随系统 (the default) takes 强光 when the system asks for more contrast.
  await page.emulateMedia({ contrast: 'more' })
  await page.goto(`${ownBackend.url}/#/settings`)
  await expect(page.getByTestId('theme-system').getByRole('radio')).toBeChecked()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'sun')
  await page.emulateMedia({ contrast: 'no-preference' })
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./)

  for (const sun of [false, true]) {
    await page.goto(`${ownBackend.url}/#/settings`)
    await page.getByTestId(sun ? 'theme-sun' : 'theme-standard').click()
    if (sun) await expect(page.locator('html')).toHaveAttribute('data-theme', 'sun')
    else await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./)
    for (const [what, hash, ready] of pages) {
      await page.goto(`${ownBackend.url}/${hash}`)
      const shown = ready ? page.getByTestId(ready).first() : page.getByRole('heading', { level: 1 })
      await expect(shown, what).toBeVisible()
      await expect(page.getByText('正在读取')).toHaveCount(0)
      await accessible(page, what, sun)
    }
    // The inspection page, and its finish page once every item is answered.
    await page.goto(`${ownBackend.url}/#/inspections/${openId}`)
    await expect(page.getByTestId('inspection-item').first()).toHaveAttribute('data-result', 'nonCompliant')
    await page.screenshot({ path: screenshotPath(`inspection-${sun ? 'sun' : 'standard'}.png`) })
    if (!sun) {
      for (const itemCode of codes.slice(3)) {
        await call('put_answer', { inspectionId: openId, itemCode, result: 'compliant', photos: [] })
      }
    }
    await page.goto(`${ownBackend.url}/#/inspections/${openId}/finish`)
    await expect(page.getByTestId('hazard-proposal')).toHaveCount(1)
    await accessible(page, '完成检查', sun)
    await page.screenshot({ path: screenshotPath(`finish-${sun ? 'sun' : 'standard'}.png`) })
  }
})
