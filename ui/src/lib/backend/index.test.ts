import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  addAttachment,
  templateProblems,
  enterpriseOverwrites,
  syncNow,
  syncPair,
  syncStatus,
  syncUnpair,
  checkCreditCode,
  documentPdf,
  exportDocument,
  getDocument,
  getDocumentSettings,
  issueDocument,
  listDocuments,
  numberReserve,
  prepareDocuments,
  prepareReview,
  saveDocumentSettings,
  voidDocument,
  finishInspection,
  getAttachment,
  getEnterprise,
  getInspection,
  getInspectionSettings,
  listInspections,
  listInspectors,
  listTemplates,
  putAnswer,
  removeDemo,
  saveInspector,
  saveProfile,
  saveFinishDraft,
  setInspectionNotes,
  setTransport,
  startInspection,
  updateEnterprise,
} from './index'
import type { Transport } from './types'

afterEach(() => setTransport(undefined))

describe('backend functions', () => {
  it('call the command of docs/api.md with its args', async () => {
    const call = vi.fn(async () => ({}) as never)
    setTransport({ call } as unknown as Transport)

    await getEnterprise('0190-id')
    await updateEnterprise('0190-id', '000001767225600000-00000000-0000abcd', {} as never)
    await checkCreditCode('91110109')
    await saveProfile({ name: '张三', certNo: '11010900001', unit: '门头沟区应急管理局' })
    await removeDemo()

    expect(call.mock.calls).toEqual([
      ['get_enterprise', { id: '0190-id' }],
      ['update_enterprise', { id: '0190-id', rev: '000001767225600000-00000000-0000abcd', input: {} }],
      ['check_credit_code', { code: '91110109' }],
      ['save_profile', { profile: { name: '张三', certNo: '11010900001', unit: '门头沟区应急管理局' } }],
      ['remove_demo', {}],
    ])
  })

  it('call the inspection commands with the args of docs/api.md', async () => {
    const call = vi.fn(async () => ({}) as never)
    setTransport({ call } as unknown as Transport)

    await listTemplates()
    await listTemplates('fireworks')
    await listInspectors()
    await saveInspector({ name: '李娜', certNo: '11010923002', unit: '' })
    await startInspection({ enterpriseId: 'e1', templateId: 'fireworks', templateVersion: 1, colleagueId: 'c1', accompanyingPerson: '张伟' })
    await listInspections({ status: 'draft' })
    await getInspection('i1')
    await putAnswer({ inspectionId: 'i1', itemCode: 'TY-01', result: 'nonCompliant', note: '无记录', photos: ['ab'] })
    await setInspectionNotes('i1', '检查情况')
    await saveFinishDraft('i1', { version: 1, hazards: [], removed: ['TY-01'], unitRefused: true })
    await addAttachment('image/png', 'iVBORw0KGgo=')
    await getAttachment('ab')
    await finishInspection({ inspectionId: 'i1', hazards: [], signatures: [{ role: 'unit', refused: true }] })
    await getInspectionSettings()
    await templateProblems()

    expect(call.mock.calls).toEqual([
      ['list_templates', {}],
      ['list_templates', { sector: 'fireworks' }],
      ['list_inspectors', {}],
      ['save_inspector', { inspector: { name: '李娜', certNo: '11010923002', unit: '' } }],
      ['start_inspection', { enterpriseId: 'e1', templateId: 'fireworks', templateVersion: 1, colleagueId: 'c1', accompanyingPerson: '张伟' }],
      ['list_inspections', { status: 'draft' }],
      ['get_inspection', { id: 'i1' }],
      ['put_answer', { inspectionId: 'i1', itemCode: 'TY-01', result: 'nonCompliant', note: '无记录', photos: ['ab'] }],
      ['set_inspection_notes', { inspectionId: 'i1', notes: '检查情况' }],
      ['save_finish_draft', { inspectionId: 'i1', draft: { version: 1, hazards: [], removed: ['TY-01'], unitRefused: true } }],
      ['add_attachment', { mime: 'image/png', dataBase64: 'iVBORw0KGgo=' }],
      ['get_attachment', { sha256: 'ab' }],
      ['finish_inspection', { inspectionId: 'i1', hazards: [], signatures: [{ role: 'unit', refused: true }] }],
      ['get_settings', {}],
      ['template_problems', {}],
    ])
  })

  it('call the document commands with the args of docs/api.md', async () => {
    const call = vi.fn(async () => ({}) as never)
    setTransport({ call } as unknown as Transport)

    const settings = { bureau: '北京市门头沟区应急管理局', prefix: '门应急', reviewBody: '北京市门头沟区人民政府', court: '北京市门头沟区人民法院' }
    await getDocumentSettings()
    await saveDocumentSettings(settings)
    await prepareDocuments('i1')
    await prepareReview('d1', 'c1')
    await listDocuments()
    await listDocuments({ status: 'voided', kind: 'rectificationOrder', limit: 51, offset: 0 })
    await getDocument('d1')
    await documentPdf('d1')
    await issueDocument('d1')
    await voidDocument('d1', '单位名称写错')
    await exportDocument('d1')
    await numberReserve()

    expect(call.mock.calls).toEqual([
      ['get_document_settings', {}],
      ['save_document_settings', { settings }],
      ['prepare_documents', { inspectionId: 'i1' }],
      ['prepare_review', { orderId: 'd1', colleagueId: 'c1' }],
      ['list_documents', {}],
      ['list_documents', { status: 'voided', kind: 'rectificationOrder', limit: 51, offset: 0 }],
      ['get_document', { id: 'd1' }],
      ['document_pdf', { id: 'd1' }],
      ['issue_document', { id: 'd1' }],
      ['void_document', { id: 'd1', reason: '单位名称写错' }],
      ['export_document', { id: 'd1' }],
      ['number_reserve', {}],
    ])
  })

  it('call the sync commands with the args of docs/api.md', async () => {
    const call = vi.fn(async () => ({}) as never)
    setTransport({ call } as unknown as Transport)

    await syncStatus()
    await syncPair({ server: 'http://127.0.0.1:8470', code: 'K7Q2-9XM4', deviceName: '执法终端' })
    await syncNow()
    await syncUnpair()
    await enterpriseOverwrites('e1')

    expect(call.mock.calls).toEqual([
      ['sync_status', {}],
      ['sync_pair', { server: 'http://127.0.0.1:8470', code: 'K7Q2-9XM4', deviceName: '执法终端' }],
      ['sync_now', {}],
      ['sync_unpair', {}],
      ['enterprise_overwrites', { id: 'e1' }],
    ])
  })

  it('return what the transport answered', async () => {
    setTransport({ call: async () => ({ removed: 360 }) } as unknown as Transport)
    await expect(removeDemo()).resolves.toEqual({ removed: 360 })
  })
})
