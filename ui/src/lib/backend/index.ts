// The one interface between the UI and the backend. Components import from here only.

import { createHttpTransport } from './http'
import { createTauriTransport } from './tauri'
import type {
  AppInfo,
  AttachmentData,
  AttachmentMime,
  AttachmentRef,
  FinishInspectionArgs,
  InspectionStatus,
  InspectionSummary,
  InspectionView,
  Inspector,
  InspectorInput,
  PutAnswerArgs,
  PutAnswerResult,
  FinishDraft,
  StartInspectionArgs,
  Template,
  TemplateSummary,
  CreditCodeCheck,
  Division,
  Enterprise,
  EnterpriseInput,
  Id,
  Profile,
  RemoveDemoResult,
  Rev,
  SearchArgs,
  SearchResult,
  Sector,
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
export const saveProfile = (profile: Profile): Promise<Profile> => current().call('save_profile', { profile })
/** Deletes the demo enterprises that no inspection, hazard or document refers to. */
export const removeDemo = (): Promise<RemoveDemoResult> => current().call('remove_demo', {})

/** Calls a command that is not (yet) in the Commands table; the caller states the result type. */
export function callCommand<T>(name: string, args: object = {}): Promise<T> {
  const loose = current() as unknown as { call(name: string, args: object): Promise<T> }
  return loose.call(name, args)
}

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

/** The deadline settings (整改期限天数) as the inspection workflow needs them. Named apart from
 *  the ledger's getSettings so the two modules never clash. */
export interface InspectionDeadlineDays {
  deadlineDaysGeneral: number
  deadlineDaysMajor: number
}
export const getInspectionSettings = (): Promise<InspectionDeadlineDays> =>
  callCommand<InspectionDeadlineDays>('get_settings', {})
