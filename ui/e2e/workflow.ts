// A whole inspection made through the backend's HTTP API, for specs that start from its
// results (the hazard ledger, the enforcement documents): two officers, 餐饮燃气 demo units,
// an inspection answered item by item and finished with signatures.

import type { APIRequestContext } from '@playwright/test'
import { expect } from './fixtures'

/** A 1×1 PNG: the signatures and the review photo. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

export type Call = <T = any>(name: string, args?: object) => Promise<T>

export function api(request: APIRequestContext, url: string): Call {
  return async (name, args = {}) => {
    const response = await request.post(`${url}/api/call/${name}`, { data: args })
    expect(response.ok(), `${name}: ${await response.text()}`).toBe(true)
    return response.json()
  }
}

/** A Beijing calendar day, `offset` days from today. */
export function beijingDay(offset: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10)
}

export interface NewHazard {
  description: string
  level: 'general' | 'major'
  deadline: string
}

/** An inspection of the 餐饮燃气 checklist started, nothing answered: its id and item codes. */
export async function startInspection(call: Call, enterpriseId: string, colleagueId: string) {
  const [template] = await call<{ id: string; version: number }[]>('list_templates', { sector: 'gas' })
  expect(template, 'the 餐饮燃气 checklist').toBeTruthy()
  const view = await call('start_inspection', {
    enterpriseId,
    templateId: template!.id,
    templateVersion: template!.version,
    colleagueId,
    accompanyingPerson: '店长 赵敏',
  })
  const codes: string[] = view.template.sections.flatMap((s: { items: { code: string }[] }) => s.items.map((i) => i.code))
  return { id: view.inspection.id as string, codes }
}

/** A finished inspection of the 餐饮燃气 checklist: one nonCompliant item per hazard, the rest
 *  compliant. Returns the inspection's id. */
export async function inspect(call: Call, enterpriseId: string, colleagueId: string, hazards: NewHazard[]): Promise<string> {
  const { id, codes } = await startInspection(call, enterpriseId, colleagueId)
  expect(codes.length).toBeGreaterThan(hazards.length)
  for (const [i, itemCode] of codes.entries()) {
    const bad = i < hazards.length
    await call('put_answer', {
      inspectionId: id,
      itemCode,
      result: bad ? 'nonCompliant' : 'compliant',
      ...(bad ? { note: hazards[i]!.description } : {}),
      photos: [],
    })
  }
  const { sha256 } = await call('add_attachment', { mime: 'image/png', dataBase64: PNG.toString('base64') })
  await call('finish_inspection', {
    inspectionId: id,
    hazards: hazards.map((h, i) => ({ itemCode: codes[i], ...h })),
    signatures: [
      { role: 'officer1', sha256 },
      { role: 'officer2', sha256 },
      { role: 'unit', sha256 },
    ],
  })
  return id
}

/** The two officers (this machine's and a colleague) and two 餐饮燃气 demo units. */
export async function officersAndUnits(call: Call) {
  await call('save_profile', { profile: { name: '王磊', certNo: '11010923001', unit: '门头沟区应急管理局执法监察大队' } })
  await call('save_inspector', { inspector: { name: '李强', certNo: '11010923002', unit: '门头沟区应急管理局执法监察大队' } })
  const colleague = (await call<{ id: string; isSelf: boolean }[]>('list_inspectors')).find((i) => !i.isSelf)!
  const { items } = await call<{ items: { id: string; name: string }[] }>('search_enterprises', { sector: 'gas', limit: 2 })
  const [unitA, unitB] = items
  expect(unitA && unitB, 'two 餐饮燃气 demo units').toBeTruthy()
  return { colleague, unitA: unitA!, unitB: unitB! }
}

