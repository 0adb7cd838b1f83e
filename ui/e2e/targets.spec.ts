// Every control a finger uses on the inspection and finish pages is at least 44×44 CSS
// px: on a laptop (1280×800) and on a tablet held upright (800×1280), with an item
// answered 不符合 (its deduction, note and photos open), one 不适用 and the rest open.

import { expect, test } from './fixtures'
import { smallTargets } from './helpers'
import { PNG, api, officersAndUnits, startInspection } from './workflow'

const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 1280 },
]

test('the inspection and finish pages: every control at least 44×44 CSS px', async ({ page, request, ownBackend }) => {
  const call = api(request, ownBackend.url)
  const { colleague, unitA } = await officersAndUnits(call)
  const { id, codes } = await startInspection(call, unitA.id, colleague.id)
  const { sha256 } = await call('add_attachment', { mime: 'image/png', dataBase64: PNG.toString('base64') })
  await call('put_answer', { inspectionId: id, itemCode: codes[0], result: 'nonCompliant', note: '燃气管道使用胶管连接', photos: [sha256] })
  await call('put_answer', { inspectionId: id, itemCode: codes[1], result: 'notApplicable', photos: [] })

  for (const size of SIZES) {
    await page.setViewportSize(size)
    await page.goto(`${ownBackend.url}/#/inspections/${id}`)
    await expect(page.getByTestId('inspection-item').first()).toHaveAttribute('data-result', 'nonCompliant')
    expect(await smallTargets(page), `inspection page at ${size.width}×${size.height}`).toEqual([])
  }

  for (const itemCode of codes.slice(2)) {
    await call('put_answer', { inspectionId: id, itemCode, result: 'compliant', photos: [] })
  }
  for (const size of SIZES) {
    await page.setViewportSize(size)
    await page.goto(`${ownBackend.url}/#/inspections/${id}/finish`)
    await expect(page.getByTestId('hazard-proposal')).toHaveCount(1)
    expect(await smallTargets(page), `finish page at ${size.width}×${size.height}`).toEqual([])
  }
})
