import { describe, expect, it } from 'vitest'
import type { DocumentDetail } from '../../lib/backend'
import {
  DRAFT_NUMBER,
  actionsFor,
  addresseeOf,
  anyDocumentFilter,
  base64ToBytes,
  dateLine,
  documentFilterFromQuery,
  documentStatusLabel,
  isPdf,
  kindLabel,
  listArgs,
  numberLabel,
  pdfFileName,
  queryFromDocumentFilter,
} from './documentFormat'

describe('labels', () => {
  it('names the three kinds and the three states in Chinese', () => {
    expect(kindLabel('inspectionRecord')).toBe('现场检查记录')
    expect(kindLabel('rectificationOrder')).toBe('责令限期整改指令书')
    expect(kindLabel('reviewOpinion')).toBe('整改复查意见书')
    expect(documentStatusLabel('draft')).toBe('草稿')
    expect(documentStatusLabel('issued')).toBe('已签发')
    expect(documentStatusLabel('voided')).toBe('已作废')
    // Something new from the backend is shown as it is rather than hidden.
    expect(kindLabel('notice')).toBe('notice')
  })

  it('shows 草稿（未编号） where a draft has no number', () => {
    expect(numberLabel({ number: null })).toBe(DRAFT_NUMBER)
    expect(DRAFT_NUMBER).toBe('草稿（未编号）')
    expect(numberLabel({ number: '门应急责改〔2026〕第0012号' })).toBe('门应急责改〔2026〕第0012号')
  })

  it('dates a row by issue, or by when the draft was made, in Beijing time', () => {
    const at = '2026-03-01T16:30:00Z' // 2026-03-02 00:30 in Beijing
    expect(dateLine({ status: 'issued', createdAt: '2026-02-01T00:00:00Z', issuedAt: at })).toBe('签发于 2026年3月2日 00:30')
    expect(dateLine({ status: 'voided', createdAt: null, issuedAt: at })).toBe('签发于 2026年3月2日 00:30')
    expect(dateLine({ status: 'draft', createdAt: at, issuedAt: null })).toBe('制作于 2026年3月2日 00:30')
    expect(dateLine({ status: 'draft', createdAt: null, issuedAt: null })).toBe('')
  })
})

const detail = (over: Partial<DocumentDetail>): DocumentDetail => ({
  id: 'd1',
  kind: 'rectificationOrder',
  title: '责令限期整改指令书',
  number: null,
  status: 'draft',
  enterpriseId: 'e1',
  enterpriseName: '门头沟某餐馆',
  inspectionId: 'i1',
  cites: null,
  createdAt: null,
  issuedAt: null,
  voidReason: null,
  pdfSha256: null,
  code: 'ABCD-EFGH',
  problem: null,
  snapshot: { kind: 'order', snapshot: { addressee: '门头沟某餐馆' } as never },
  ...over,
})

describe('actionsFor', () => {
  it('offers 签发 on drafts only and 作废 on issued ones only', () => {
    expect(actionsFor(detail({ status: 'draft' }))).toEqual({ issue: true, void: false, review: false, remake: false })
    expect(actionsFor(detail({ status: 'issued' }))).toEqual({ issue: false, void: true, review: true, remake: false })
    expect(actionsFor(detail({ status: 'voided' }))).toEqual({ issue: false, void: false, review: false, remake: true })
  })

  it('offers 制作复查意见书 only on an issued 责令限期整改指令书', () => {
    expect(actionsFor(detail({ status: 'issued', kind: 'inspectionRecord' })).review).toBe(false)
    expect(actionsFor(detail({ status: 'issued', kind: 'reviewOpinion', inspectionId: null })).review).toBe(false)
  })

  it('offers 重新制作 only for a voided document made from an inspection', () => {
    expect(actionsFor(detail({ status: 'voided', kind: 'reviewOpinion', inspectionId: null })).remake).toBe(false)
    expect(actionsFor(detail({ status: 'voided', kind: 'inspectionRecord' })).remake).toBe(true)
  })
})

describe('addresseeOf', () => {
  it('reads the unit from each kind of snapshot', () => {
    expect(addresseeOf(detail({}))).toBe('门头沟某餐馆')
    expect(addresseeOf(detail({ snapshot: { kind: 'record', snapshot: { unit: '某加油站' } as never } }))).toBe('某加油站')
    expect(addresseeOf(detail({ snapshot: { kind: 'review', snapshot: { addressee: '某工地' } as never } }))).toBe('某工地')
    expect(addresseeOf(detail({ snapshot: null as never }))).toBe('')
  })
})

describe('pdfFileName', () => {
  it('names the file by number, marking drafts and voided ones', () => {
    expect(pdfFileName(detail({}))).toBe('责令限期整改指令书（草稿）.pdf')
    expect(pdfFileName(detail({ status: 'issued', number: '门应急责改〔2026〕第0001号' }))).toBe('门应急责改〔2026〕第0001号.pdf')
    expect(pdfFileName(detail({ status: 'voided', number: '门应急责改〔2026〕第0001号' }))).toBe('门应急责改〔2026〕第0001号（已作废）.pdf')
  })
})

describe('base64ToBytes', () => {
  it('decodes base64 to the exact bytes', () => {
    const bytes = base64ToBytes('JVBERi0xLjcK')
    expect(Array.from(bytes)).toEqual(Array.from(new TextEncoder().encode('%PDF-1.7\n')))
    expect(isPdf(bytes)).toBe(true)
  })

  it('decodes every byte value, padding and line breaks', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    const b64 = Buffer.from(all).toString('base64')
    expect(Array.from(base64ToBytes(b64))).toEqual(Array.from(all))
    expect(Array.from(base64ToBytes(b64.replace(/(.{76})/g, '$1\n')))).toEqual(Array.from(all))
    expect(Array.from(base64ToBytes('YQ=='))).toEqual([97])
    expect(Array.from(base64ToBytes('YWI='))).toEqual([97, 98])
    expect(base64ToBytes('')).toHaveLength(0)
  })

  it('refuses what is not base64', () => {
    expect(() => base64ToBytes('not base64!')).toThrow()
    expect(() => base64ToBytes('abcde')).toThrow()
    expect(isPdf(base64ToBytes('PGh0bWw+'))).toBe(false)
  })
})

describe('the list filters', () => {
  it('reads known values from the URL and ignores the rest', () => {
    expect(documentFilterFromQuery({})).toEqual({ status: '', kind: '' })
    expect(documentFilterFromQuery({ status: 'voided', kind: 'reviewOpinion' })).toEqual({ status: 'voided', kind: 'reviewOpinion' })
    expect(documentFilterFromQuery({ status: 'deleted', kind: ['rectificationOrder', 'x'] })).toEqual({
      status: '',
      kind: 'rectificationOrder',
    })
  })

  it('writes only what is set, and round-trips', () => {
    expect(queryFromDocumentFilter({ status: '', kind: '' })).toEqual({})
    const f = { status: 'issued', kind: 'inspectionRecord' } as const
    expect(documentFilterFromQuery(queryFromDocumentFilter(f))).toEqual(f)
    expect(anyDocumentFilter({ status: '', kind: '' })).toBe(false)
    expect(anyDocumentFilter({ status: 'draft', kind: '' })).toBe(true)
  })

  it('sends no empty filter to list_documents', () => {
    expect(listArgs({ status: '', kind: '' }, 0, 51)).toEqual({ limit: 51, offset: 0 })
    expect(listArgs({ status: 'draft', kind: 'rectificationOrder' }, 50, 51)).toEqual({
      status: 'draft',
      kind: 'rectificationOrder',
      limit: 51,
      offset: 50,
    })
  })
})
