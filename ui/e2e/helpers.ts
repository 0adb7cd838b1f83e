import { expect, type APIRequestContext, type Page } from '@playwright/test'

export const rows = (page: Page) => page.getByTestId('enterprise-row')

/** The total shown above the list ("共 N 家"). */
export async function shownTotal(page: Page): Promise<number> {
  return Number(await page.getByTestId('result-count').locator('strong').innerText())
}

/** Opens the list and waits until the first page is there; returns the total. */
export async function openList(page: Page, hash = '#/enterprises'): Promise<number> {
  await page.goto(`/${hash}`)
  await expect(rows(page).first()).toBeVisible()
  return shownTotal(page)
}

/** Waits until the list is not searching any more. */
export async function settled(page: Page): Promise<void> {
  await expect(page.getByTestId('result-count')).not.toContainText('正在查询')
}

export const HAN = /[\u4e00-\u9fff]/

/** Creates a (non-demo) enterprise straight through the backend's HTTP API; returns it. */
export async function createEnterpriseViaApi(
  request: APIRequestContext,
  backendUrl: string,
  fields: { name: string; creditCode: string },
): Promise<{ id: string; name: string; creditCode: string }> {
  const call = async (name: string, args: object) => {
    const response = await request.post(`${backendUrl}/api/call/${name}`, { data: args })
    expect(response.ok(), `${name}: ${await response.text()}`).toBe(true)
    return response.json()
  }
  const [division] = await call('list_divisions', {})
  return call('create_enterprise', {
    input: {
      ...fields,
      creditCodeConfirmed: false,
      address: '北京市门头沟区测试路8号',
      divisionCode: division.code,
      sectors: ['dust'],
      legalRepresentative: '',
      safetyContact: '',
      contactPhone: '',
      supervisionClass: null,
      status: 'operating',
    },
  })
}

/**
 * The controls a finger uses inside `scope` that are smaller than 44×44 CSS px, as
 * "test id or tag “text” W×H". A checkbox, radio or file input counts by its label (the
 * label is what is tapped); hidden controls do not count.
 */
export async function smallTargets(page: Page, scope = 'main'): Promise<string[]> {
  return page.evaluate((scope) => {
    const root = document.querySelector(scope) ?? document.body
    const selector =
      'button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button], [role=radio], [role=checkbox], [tabindex]:not([tabindex="-1"])'
    const small: string[] = []
    for (const el of Array.from(root.querySelectorAll<HTMLElement>(selector))) {
      const style = getComputedStyle(el)
      if (style.display === 'none' || style.visibility === 'hidden') continue
      let box = el.getBoundingClientRect()
      const type = el instanceof HTMLInputElement ? el.type : ''
      if (type === 'checkbox' || type === 'radio' || type === 'file') {
        const label = el.closest('label') ?? (el.id ? document.querySelector(`label[for="${el.id}"]`) : null)
        if (label) box = label.getBoundingClientRect()
      }
      if (box.width === 0 && box.height === 0) continue
      if (box.width < 44 || box.height < 44) {
        const name = el.getAttribute('data-testid') ?? el.tagName.toLowerCase()
        small.push(`${name} “${(el.textContent ?? '').trim().slice(0, 12)}” ${Math.round(box.width)}×${Math.round(box.height)}`)
      }
    }
    return small
  }, scope)
}
