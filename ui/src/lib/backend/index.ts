// The one interface between the UI and the backend. Components import from here only.

import { createHttpTransport } from './http'
import { createTauriTransport } from './tauri'
import type {
  AppInfo,
  AttachmentData,
  AttachmentMime,
  AttachmentRef,
  CreditCodeCheck,
  DeadlineDays,
  HazardProposals,
  Division,
  DocumentDetail,
  DocumentExport,
  DocumentPdf,
  DocumentSettings,
  DocumentSummary,
  Enterprise,
  EnterpriseInput,
  FieldOverwrite,
  FinishDraft,
  FinishInspectionArgs,
  Id,
  InspectionStatus,
  InspectionSummary,
  InspectionView,
  TaskRow,
  Inspector,
  InspectorInput,
  ListDocumentsArgs,
  NumberReserve,
  Profile,
  PutAnswerArgs,
  PutAnswerResult,
  RemoveDemoResult,
  Rev,
  SearchArgs,
  SearchResult,
  Sector,
  StartInspectionArgs,
  SyncPairArgs,
  SyncStatus,
  UnsentExport,
  Template,
  TemplateSummary,
  Transport,
} from './types'

export * from './types'
export * from './ledger'
export { BackendError, describeError, fieldOf, ERROR_MESSAGES, BACKEND_ERROR_CODES } from './errors'

/** Inside the Tauri shell use IPC; anywhere else (tests, a plain browser) use HTTP. */
export function selectTransport(): Transport {
  const inTauri = typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window
  return inTauri ? createTauriTransport() : createHttpTransport()
}

let transport: Transport | undefined

/** The transport in use (created on first call). */
export function current(): Transport {
  transport ??= selectTransport()
  return transport
}

/** Replaces the transport (unit tests). */
export function setTransport(next: Transport | undefined): void {
  transport = next
}

export const appInfo = (): Promise<AppInfo> => current().call('app_info', {})
export const listDivisions = (): Promise<Division[]> => current().call('list_divisions', {})
export const listSectors = (): Promise<Sector[]> => current().call('list_sectors', {})
export const searchEnterprises = (args: SearchArgs): Promise<SearchResult> =>
  current().call('search_enterprises', args)
export const getEnterprise = (id: Id): Promise<Enterprise> => current().call('get_enterprise', { id })
export const createEnterprise = (input: EnterpriseInput): Promise<Enterprise> =>
  current().call('create_enterprise', { input })
export const updateEnterprise = (id: Id, rev: Rev, input: EnterpriseInput): Promise<Enterprise> =>
  current().call('update_enterprise', { id, rev, input })
export const checkCreditCode = (code: string): Promise<CreditCodeCheck> =>
  current().call('check_credit_code', { code })
export const getProfile = (): Promise<Profile | null> => current().call('get_profile', {})
export const saveProfile = (profile: InspectorInput): Promise<Profile> => current().call('save_profile', { profile })
/** Deletes the demo enterprises that no inspection, hazard or document refers to. */
export const removeDemo = (): Promise<RemoveDemoResult> => current().call('remove_demo', {})

// ---- Checklists, inspectors, inspections ----

export const listTemplates = (sector?: string): Promise<TemplateSummary[]> =>
  current().call('list_templates', sector ? { sector } : {})
export const getTemplate = (id: string, version: number): Promise<Template> =>
  current().call('get_template', { id, version })
export const listInspectors = (): Promise<Inspector[]> => current().call('list_inspectors', {})
/** Adds a colleague (the same certNo updates the existing one). */
export const saveInspector = (inspector: InspectorInput): Promise<Inspector> =>
  current().call('save_inspector', { inspector })
export const startInspection = (args: StartInspectionArgs): Promise<InspectionView> =>
  current().call('start_inspection', args)
/** 我的任务: the tasks the bureau gave this device's inspector. */
export const listTasks = (): Promise<TaskRow[]> => current().call('list_tasks', {})
export const listInspections = (
  args: { status?: InspectionStatus; enterpriseId?: Id } = {},
): Promise<InspectionSummary[]> => current().call('list_inspections', args)
export const getInspection = (id: Id): Promise<InspectionView> => current().call('get_inspection', { id })
export const putAnswer = (args: PutAnswerArgs): Promise<PutAnswerResult> => current().call('put_answer', args)
export const setInspectionNotes = (inspectionId: Id, notes: string): Promise<Record<string, never>> =>
  current().call('set_inspection_notes', { inspectionId, notes })
/** Keeps the finish page's edits until the inspection finishes (get_inspection returns them as finishDraft). */
export const saveFinishDraft = (inspectionId: Id, draft: FinishDraft): Promise<Record<string, never>> =>
  current().call('save_finish_draft', { inspectionId, draft })
export const addAttachment = (mime: AttachmentMime, dataBase64: string): Promise<AttachmentRef> =>
  current().call('add_attachment', { mime, dataBase64 })
export const getAttachment = (sha256: string): Promise<AttachmentData> =>
  current().call('get_attachment', { sha256 })
export const finishInspection = (args: FinishInspectionArgs): Promise<InspectionView> =>
  current().call('finish_inspection', args)

/** The deadline settings (整改期限天数) as the inspection workflow needs them (the same
 *  command as the ledger's getSettings). */
export const getInspectionSettings = (): Promise<DeadlineDays> => current().call('get_settings', {})
export const hazardProposals = (id: string): Promise<HazardProposals> => current().call('hazard_proposals', { id })

// ---- Enforcement documents (执法文书) ----

export const getDocumentSettings = (): Promise<DocumentSettings> => current().call('get_document_settings', {})
/** Field errors (`field`: bureau, prefix, reviewBody, court): required, too_long, invalid_value. */
export const saveDocumentSettings = (settings: DocumentSettings): Promise<DocumentSettings> =>
  current().call('save_document_settings', { settings })
/** Makes or refreshes the drafts of a finished inspection (kinds already issued are left alone); returns all its documents. */
export const prepareDocuments = (inspectionId: Id): Promise<DocumentSummary[]> =>
  current().call('prepare_documents', { inspectionId })
/** The 整改复查意见书 draft for an issued 责令限期整改指令书, with this device's inspector and the colleague. */
export const prepareReview = (orderId: Id, colleagueId: Id): Promise<DocumentDetail> =>
  current().call('prepare_review', { orderId, colleagueId })
/** Newest first. */
export const listDocuments = (args: ListDocumentsArgs = {}): Promise<DocumentSummary[]> =>
  current().call('list_documents', args)
export const getDocument = (id: Id): Promise<DocumentDetail> => current().call('get_document', { id })
export const documentPdf = (id: Id): Promise<DocumentPdf> => current().call('document_pdf', { id })
/** Gives the draft its number and keeps its PDF; cannot_issue says why not. */
export const issueDocument = (id: Id): Promise<DocumentDetail> => current().call('issue_document', { id })
export const voidDocument = (id: Id, reason: string): Promise<DocumentDetail> =>
  current().call('void_document', { id, reason })
/** Writes the PDF under the data directory and, in the desktop app, opens it in the system's viewer. */
export const exportDocument = (id: Id): Promise<DocumentExport> => current().call('export_document', { id })
export const numberReserve = (): Promise<NumberReserve[]> => current().call('number_reserve', {})

// ---- Sync with the district server ----

export const syncStatus = (): Promise<SyncStatus> => current().call('sync_status', {})
/** Errors: sync_unreachable, sync_refused (the server's reason), invalid_argument with field server / code / deviceName. */
export const syncPair = (args: SyncPairArgs): Promise<SyncStatus> => current().call('sync_pair', args)
/** Starts a sync in the background and returns at once (state 'syncing'); not_paired when there is no server. */
export const syncNow = (): Promise<SyncStatus> => current().call('sync_now', {})
/** Forgets the server and the token; the data on this device stay. */
export const syncUnpair = (): Promise<SyncStatus> => current().call('sync_unpair', {})
/** Once the bureau revoked this device: what it never sent, written to one file for the bureau to import. */
export const syncExportUnsent = (): Promise<UnsentExport> => current().call('sync_export_unsent', {})
/** The values of an enterprise that lost a merge (two devices changed the same field); empty when none. */
export const enterpriseOverwrites = (id: Id): Promise<FieldOverwrite[]> => current().call('enterprise_overwrites', { id })
