// Chinese labels of the enforcement documents, the list's filters (kept in the URL query),
// what can be done with a document in which state, and the PDF's bytes. No Vue here: all
// of it is unit-tested (documentFormat.test.ts).

import type { LocationQuery } from 'vue-router'
import type {
  DocumentDetail,
  DocumentKind,
  DocumentStatus,
  DocumentSummary,
  ListDocumentsArgs,
} from '../../lib/backend'
import { formatBeijingDateTime } from '../../lib/dates'

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = {
  inspectionRecord: '现场检查记录',
  rectificationOrder: '责令限期整改指令书',
  reviewOpinion: '整改复查意见书',
}

export const DOCUMENT_STATUS_LABELS: Record<DocumentStatus, string> = {
  draft: '草稿',
  issued: '已签发',
  voided: '已作废',
}

export const DOCUMENT_KINDS = Object.keys(DOCUMENT_KIND_LABELS) as DocumentKind[]
export const DOCUMENT_STATUSES = Object.keys(DOCUMENT_STATUS_LABELS) as DocumentStatus[]

export const kindLabel = (k: string): string => DOCUMENT_KIND_LABELS[k as DocumentKind] ?? k
export const documentStatusLabel = (s: string): string => DOCUMENT_STATUS_LABELS[s as DocumentStatus] ?? s

/** What a draft shows where the number goes. */
export const DRAFT_NUMBER = '草稿（未编号）'

/** The number, or 草稿（未编号） for a draft. */
export function numberLabel(doc: { number: string | null }): string {
  return doc.number ?? DRAFT_NUMBER
}

/** The date a list row shows: when it was issued (issued, voided), else when the draft was made. */
export function dateLine(doc: Pick<DocumentSummary, 'status' | 'createdAt' | 'issuedAt'>): string {
  if (doc.status !== 'draft' && doc.issuedAt) return `签发于 ${formatBeijingDateTime(doc.issuedAt)}`
  if (doc.createdAt) return `制作于 ${formatBeijingDateTime(doc.createdAt)}`
  return ''
}

/** The unit the document is addressed to, from what it says. */
export function addresseeOf(doc: Pick<DocumentDetail, 'snapshot'>): string {
  const s = doc.snapshot
  if (!s || typeof s !== 'object' || !s.snapshot) return ''
  if (s.kind === 'record') return s.snapshot.unit ?? ''
  return s.snapshot.addressee ?? ''
}

/** The buttons a document offers in its state. */
export interface DocumentActions {
  issue: boolean
  void: boolean
  /** 制作复查意见书: an issued 责令限期整改指令书. */
  review: boolean
  /** 重新制作: a voided document made from an inspection (the inspection makes a new draft). */
  remake: boolean
}

export function actionsFor(doc: Pick<DocumentDetail, 'status' | 'kind' | 'inspectionId'>): DocumentActions {
  return {
    issue: doc.status === 'draft',
    void: doc.status === 'issued',
    review: doc.status === 'issued' && doc.kind === 'rectificationOrder',
    remake: doc.status === 'voided' && !!doc.inspectionId,
  }
}

/** The file name offered when the PDF is downloaded in a browser. */
export function pdfFileName(doc: Pick<DocumentDetail, 'number' | 'title' | 'status' | 'kind'>): string {
  const title = doc.title || kindLabel(doc.kind)
  if (!doc.number) return `${title}（草稿）.pdf`
  return doc.status === 'voided' ? `${doc.number}（已作废）.pdf` : `${doc.number}.pdf`
}

/** Base64 (standard alphabet, whitespace ignored) → bytes. Throws on anything else. */
export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const clean = b64.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) throw new Error('not base64')
  const binary = atob(clean)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Whether bytes look like a PDF ("%PDF-" at the start). */
export function isPdf(bytes: Uint8Array): boolean {
  return bytes.length >= 5 && String.fromCharCode(...bytes.subarray(0, 5)) === '%PDF-'
}

// ---- the list's filters ⇄ URL query ⇄ list_documents arguments ----

export interface DocumentFilterState {
  status: DocumentStatus | ''
  kind: DocumentKind | ''
}

export const EMPTY_DOCUMENT_FILTER: Readonly<DocumentFilterState> = Object.freeze({ status: '', kind: '' })

function first(query: LocationQuery, key: string): string {
  const v = query[key]
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' ? s : ''
}

/** Reads the filters from the URL query; anything unknown is ignored. */
export function documentFilterFromQuery(query: LocationQuery): DocumentFilterState {
  const status = first(query, 'status')
  const kind = first(query, 'kind')
  return {
    status: (DOCUMENT_STATUSES as string[]).includes(status) ? (status as DocumentStatus) : '',
    kind: (DOCUMENT_KINDS as string[]).includes(kind) ? (kind as DocumentKind) : '',
  }
}

/** Only what is set, so the plain list has a plain URL. */
export function queryFromDocumentFilter(f: DocumentFilterState): Record<string, string> {
  const q: Record<string, string> = {}
  if (f.status) q.status = f.status
  if (f.kind) q.kind = f.kind
  return q
}

/** list_documents arguments for one page; no empty filter is sent. */
export function listArgs(f: DocumentFilterState, offset: number, limit: number): ListDocumentsArgs {
  const args: ListDocumentsArgs = { limit, offset }
  if (f.status) args.status = f.status
  if (f.kind) args.kind = f.kind
  return args
}

/** Whether any filter is set. */
export const anyDocumentFilter = (f: DocumentFilterState): boolean => f.status !== '' || f.kind !== ''
