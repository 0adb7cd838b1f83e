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
