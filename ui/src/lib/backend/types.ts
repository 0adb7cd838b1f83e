// The TypeScript side of docs/api.md: every command's arguments and result.
// Keep this file in step with that table; all JSON is camelCase.

/** A record id (UUIDv7 as text). */
export type Id = string
/** A record's revision (a hybrid-logical-clock stamp as text): opaque, send back as received. */
export type Rev = string

export interface AppInfo {
  version: string
  dataDir: string
  enterpriseCount: number
  demoCount: number
}

export type DivisionKind = 'street' | 'town' | 'zone'

export interface Division {
  code: string
  name: string
  kind: DivisionKind
}

export interface Sector {
  code: string
  name: string
}

export interface SearchArgs {
  query?: string
  division?: string
  sector?: string
  limit?: number
  offset?: number
}

export interface EnterpriseSummary {
  id: Id
  name: string
  creditCode: string
  address: string
  divisionCode: string
  divisionName: string
  /** Sector codes (see list_sectors). */
  sectors: string[]
  isDemo: boolean
}

export interface SearchResult {
  total: number
  items: EnterpriseSummary[]
}

export type SupervisionClass = 'A' | 'B' | 'C' | 'D'
export type EnterpriseStatus = 'operating' | 'suspended' | 'closed'

export interface Enterprise {
  id: Id
  name: string
  creditCode: string
  creditCodeConfirmed: boolean
  address: string
  divisionCode: string
  divisionName: string
  sectors: string[]
  /** Optional fields may come back as null when empty. */
  legalRepresentative: string | null
  safetyContact: string | null
  contactPhone: string | null
  supervisionClass: SupervisionClass | null
  status: EnterpriseStatus
  isDemo: boolean
  createdAt: string
  updatedAt: string
  rev: Rev
}

export interface EnterpriseInput {
  name: string
  creditCode: string
  creditCodeConfirmed: boolean
  address: string
  divisionCode: string
  sectors: string[]
  legalRepresentative: string
  safetyContact: string
  contactPhone: string
  supervisionClass: SupervisionClass | null
  status: EnterpriseStatus
}

export type CreditCodeStatus = 'ok' | 'warning' | 'invalid'

/** What is wrong with a code; `kind` is e.g. "length", "character", "checkCharacter". */
export interface CreditCodeProblem {
  kind: string
  [detail: string]: unknown
}

export interface CreditCodeCheck {
  status: CreditCodeStatus
  /** Upper case, trimmed; null when the code is invalid. */
  normalized: string | null
  problem?: CreditCodeProblem
  /** A Chinese sentence for the inspector. */
  message: string
}

export interface Profile {
  name: string
  certNo: string
  /** Optional: may come back as null when empty. */
  unit: string | null
}

/** What remove_demo did: how many demo enterprises were deleted (those nothing refers to). */
export interface RemoveDemoResult {
  removed: number
}

// ---- Checklists, inspectors, inspections (docs/api.md "Inspections, hazards, re-inspection") ----

export interface TemplateSummary {
  id: string
  version: number
  sector: string
  title: string
  scored: boolean
  itemCount: number
}

/** How an item is answered: 符合/不符合/不适用, or (scored checklists, JGJ 59) points deducted up to max. */
export type AnswerKind = { kind: 'compliance' } | { kind: 'score'; max: number }

/** The 重大事故隐患判定标准 an item falls under, when failing it is a major hazard. */
export interface MajorRef {
  standard: string
  clause: string
}

export interface TemplateItem {
  code: string
  requirement: string
  basis: string
  answer: AnswerKind
  major: MajorRef | null
  guarantee?: boolean
}

export interface TemplateSection {
  title: string
  general?: boolean
  weight?: number | null
  items: TemplateItem[]
}

export interface TemplateScoring {
  /** e.g. "JGJ 59-2011 建筑施工安全检查标准" */
  standard: string
  /** Summary score from which the site is 合格 / 优良. */
  pass: number
  good: number
  guaranteeMin: number
}

export interface Template {
  id: string
  sector: string
  version: number
  title: string
  /** Present on scored checklists (construction, JGJ 59). */
  scoring?: TemplateScoring | null
  sections: TemplateSection[]
}

export interface Inspector {
  id: Id
  name: string
  certNo: string
  unit: string | null
  isSelf: boolean
}

export interface InspectorInput {
  name: string
  certNo: string
  unit: string
}

export type InspectionStatus = 'draft' | 'finished'

export interface InspectionSummary {
  id: Id
  enterpriseId: Id
  enterpriseName: string
  templateTitle: string
  startedAt: string
  status: InspectionStatus
  answered: number
  total: number
}

export interface StartInspectionArgs {
  enterpriseId: Id
  templateId: string
  templateVersion: number
  colleagueId: Id
  accompanyingPerson: string
}

export type AnswerResult = 'compliant' | 'nonCompliant' | 'notApplicable'

export interface Answer {
  itemCode: string
  result: AnswerResult
  note: string | null
  photos: string[]
  deducted: number | null
}

export interface PutAnswerArgs {
  inspectionId: Id
  itemCode: string
  result: AnswerResult
  note?: string
  /** sha256 of attachments (add_attachment). */
  photos: string[]
  /** Points deducted (scored checklists, result nonCompliant). */
  deducted?: number
}

export interface Progress {
  answered: number
  total: number
}

export type Grade = 'good' | 'pass' | 'fail'

export interface ScoreSheet {
  /** Out of 100; null when the whole section does not apply. */
  sections: { title: string; score: number | null }[]
  total: number
  grade: Grade
}

export interface PutAnswerResult {
  progress: Progress
  score: ScoreSheet | null
}

export type HazardLevel = 'general' | 'major'
export type HazardStatus = 'open' | 'rectified' | 'verified'

export interface Hazard {
  id: Id
  enterpriseId: Id
  inspectionId: Id
  itemCode: string | null
  description: string
  level: HazardLevel
  /** YYYY-MM-DD */
  deadline: string
  status: HazardStatus
  foundAt: string
}

export interface HazardInput {
  itemCode?: string
  description: string
  level: HazardLevel
  /** YYYY-MM-DD */
  deadline: string
}

export type SignatureRole = 'officer1' | 'officer2' | 'unit'

export interface SignatureInput {
  role: SignatureRole
  sha256?: string
  refused?: boolean
}

export interface Signature {
  role: SignatureRole
  sha256: string | null
  refused: boolean
}

export interface Inspection {
  id: Id
  enterpriseId: Id
  templateId: string
  templateVersion: number
  accompanyingPerson: string
  startedAt: string
  finishedAt: string | null
  status: InspectionStatus
  notes: string | null
}

export interface InspectionView {
  inspection: Inspection
  enterprise: { id: Id; name: string; address: string; creditCode: string; divisionName: string }
  /** [first officer (this machine's inspector), colleague] */
  officers: Inspector[]
  template: Template
  answers: Answer[]
  hazards: Hazard[]
  signatures: Signature[]
  /** The finish page's saved edits (save_finish_draft: a FinishDraft as the UI wrote it, read
   *  back with parseFinishDraft), or null; dropped when the inspection finishes. */
  finishDraft: Record<string, unknown> | null
  progress: Progress
  score: ScoreSheet | null
}

/** One hazard of the finish page as edited (see FinishDraft). */
export interface FinishDraftHazard {
  /** Stable key of the proposal on the page (item-<code> or free-<n>). */
  key: string
  /** The checklist item it comes from; absent for a hazard added by hand. */
  itemCode?: string
  description: string
  level: HazardLevel
  /** YYYY-MM-DD */
  deadline: string
  /** The description was changed by hand (otherwise it follows the item's note). */
  descriptionEdited?: boolean
  /** The deadline was changed by hand (otherwise it follows the level and today). */
  deadlineEdited?: boolean
}

/** What the finish page keeps while the inspector works (save_finish_draft). The backend
 *  stores any JSON object; this is the UI's own shape. Signatures are not kept. */
export interface FinishDraft {
  version: 1
  /** The hazards as shown, in order (proposals from items and hazards added by hand). */
  hazards: FinishDraftHazard[]
  /** Item codes whose proposed hazard the inspector deleted. */
  removed: string[]
  /** The unit's person refused to sign. */
  unitRefused: boolean
}

export interface SaveFinishDraftArgs {
  inspectionId: Id
  draft: FinishDraft
}

export type AttachmentMime = 'image/jpeg' | 'image/png' | 'image/webp'

export interface AttachmentRef {
  sha256: string
  mime: string
  size: number
}

export interface AttachmentData {
  mime: string
  dataBase64: string
}

export interface FinishInspectionArgs {
  inspectionId: Id
  hazards: HazardInput[]
  signatures: SignatureInput[]
}

// ---- Enforcement documents (docs/api.md "Enforcement documents") ----

/** 现场检查记录, 责令限期整改指令书, 整改复查意见书. */
export type DocumentKind = 'inspectionRecord' | 'rectificationOrder' | 'reviewOpinion'
/** Draft → issued (numbered, kept unchanged) → voided (kept on file with its reason). */
export type DocumentStatus = 'draft' | 'issued' | 'voided'

/** The bureau's wording: filled into new drafts (bureau, review body, court) and numbers (prefix). */
export interface DocumentSettings {
  /** 执法机关名称, e.g. 北京市门头沟区应急管理局 */
  bureau: string
  /** 文号前缀, e.g. 门应急 (→ 门应急责改〔2026〕第0012号) */
  prefix: string
  /** 行政复议机关 */
  reviewBody: string
  /** 人民法院 */
  court: string
}

/** A document in lists (no content). Times are RFC 3339. */
export interface DocumentSummary {
  id: Id
  kind: DocumentKind
  /** 门应急责改〔2026〕第0012号; null for drafts. */
  number: string | null
  status: DocumentStatus
  enterpriseId: Id
  enterpriseName: string
  /** The inspection it was made from (现场检查记录, 责令限期整改指令书); null for a 复查意见书. */
  inspectionId: Id | null
  /** The order a 复查意见书 cites. */
  cites: Id | null
  createdAt: string | null
  issuedAt: string | null
  voidReason: string | null
  pdfSha256: string | null
}

export interface DocumentOfficer {
  name: string
  /** 执法证号 */
  certificate: string
}

export type DocumentSignature = { kind: 'drawn'; png: string } | { kind: 'refused' } | { kind: 'blank' }

export interface DocumentUnitSigner {
  name: string
  title?: string
  signature: DocumentSignature
}

/** Shared head: the bureau and, once issued, the number. */
export interface DocumentHead {
  bureau: string
  number: string | null
}

/** 现场检查记录 as it prints. Dates "YYYY-MM-DD", times "YYYY-MM-DDTHH:MM" (Beijing). */
export interface RecordSnapshot {
  head: DocumentHead
  unit: string
  address: string
  legalRepresentative: string
  legalRepresentativeTitle?: string
  phone?: string
  place: string
  startedAt: string
  endedAt: string
  officers: DocumentOfficer[]
  officerSignatures: DocumentSignature[]
  introduction: string
  findings: string
  unitSigner: DocumentUnitSigner
  date: string
  copiesNote: string
}

/** 责令限期整改指令书 as it prints. */
export interface OrderSnapshot {
  head: DocumentHead
  addressee: string
  /** The problems, item 1 first. */
  items: string[]
  /** 1-based item numbers sharing a deadline ("YYYY-MM-DD"). */
  deadlineGroups: { items: number[]; deadline: string }[]
  wording: Record<string, string>
  remedy: { reviewBody: string; court: string }
  officers: DocumentOfficer[]
  officerSignatures: DocumentSignature[]
  unitSigner: DocumentUnitSigner
  date: string
  copiesNote: string
}

/** 整改复查意见书 as it prints. */
export interface ReviewSnapshot {
  head: DocumentHead
  addressee: string
  cited: { date: string; title: string; number: string }
  intro: string
  opinions: { item: string; rectified: boolean; opinion: string }[]
  officers: DocumentOfficer[]
  officerSignatures: DocumentSignature[]
  unitSigner: DocumentUnitSigner
  date: string
  copiesNote: string
}

/** What the document says (crates/docs/src/snapshot.rs), tagged by kind. */
export type DocumentSnapshot =
  | { kind: 'record'; snapshot: RecordSnapshot }
  | { kind: 'order'; snapshot: OrderSnapshot }
  | { kind: 'review'; snapshot: ReviewSnapshot }

export interface DocumentDetail {
  id: Id
  kind: DocumentKind
  /** The kind's title, e.g. 责令限期整改指令书. */
  title: string
  number: string | null
  status: DocumentStatus
  enterpriseId: Id
  inspectionId: Id | null
  issuedAt: string | null
  voidReason: string | null
  pdfSha256: string | null
  /** The verification code (校验码) printed on every page. */
  code: string
  /** Drafts: why it cannot be issued yet (a Chinese sentence); null when it can, and for issued ones. */
  problem: string | null
  snapshot: DocumentSnapshot
}

export interface ListDocumentsArgs {
  status?: DocumentStatus
  kind?: DocumentKind
  enterpriseId?: Id
  inspectionId?: Id
  limit?: number
  offset?: number
}

/** document_pdf: a draft as it would print now (marked 草稿), an issued or voided one as kept. */
export interface DocumentPdf {
  /** The PDF, base64. */
  pdf: string
  pages: number
  size: number
  code: string
}

/** export_document: where the PDF was written, and whether the system's viewer opened it. */
export interface DocumentExport {
  path: string
  opened: boolean
}

/** Numbers left this year for one kind (local: some come from a block made on this device). */
export interface NumberReserve {
  kind: DocumentKind
  year: number
  left: number
  local: boolean
}

// ---- Sync with the district server (docs/api.md "Sync") ----

/** unpaired: no server yet; idle: nothing running; syncing: a sync is under way;
 *  offline: the server could not be reached (it is tried again by itself); error: the last sync failed. */
export type SyncState = 'unpaired' | 'idle' | 'syncing' | 'offline' | 'error'
/** What a running sync is doing: push (records), attachments (photos and PDFs), pull (updates), download (photos). */
export type SyncPhase = 'push' | 'attachments' | 'pull' | 'download'

/** A record the server refused (direction push), or an update from the server this device
 *  could not apply (pull); `reason` is Chinese. */
export interface SyncProblem {
  changeId: string
  direction?: 'push' | 'pull'
  recordType: string
  recordId: string
  reason: string
  at: string
  /** A pulled update kept whole: tried again at the end of each sync. */
  retrying?: boolean
  /** A pushed record the server stored, with a problem it found (the reason). */
  accepted?: boolean
}

export interface SyncStatus {
  paired: boolean
  /** e.g. "http://127.0.0.1:8470" */
  server: string | null
  deviceName: string | null
  /** Whom the bureau enrolled for this pairing code. */
  inspectorName: string | null
  inspectorCertNo: string | null
  state: SyncState
  /** Only while syncing. */
  phase: SyncPhase | null
  /** Only while syncing; total null when not known yet. */
  progress: { done: number; total: number | null } | null
  /** RFC 3339: the last complete sync. */
  lastSyncAt: string | null
  lastAttemptAt: string | null
  /** message is Chinese, shown as it is. */
  lastError: { code: string; message: string } | null
  /** Waiting to be sent. */
  pending: { changes: number; attachments: number }
  /** Changes applied from the server since the app started: when it grows, data changed. */
  received: number
  problems: SyncProblem[]
}

export interface SyncPairArgs {
  /** e.g. "http://127.0.0.1:8470" */
  server: string
  /** The one-time pairing code the bureau gave. */
  code: string
  deviceName: string
}

/** One field of an enterprise edited on two devices: the value in force (kept, the later
 *  change) and the one that lost the merge (overwritten), kept for review. */
export interface FieldOverwrite {
  field: string
  /** The field's Chinese name, e.g. 地址. */
  label: string
  kept: string | null
  overwritten: string | null
  /** RFC 3339; null when the backend cannot tell. */
  overwrittenAt: string | null
  keptAt: string | null
}

/** The body of a failed call (HTTP 4xx/5xx, or the Tauri command's error). */
export interface ErrorBody {
  code: string
  message: string
  field?: string
}

type NoArgs = Record<string, never>

/** Command name → its arguments and result, exactly as in docs/api.md. */
export interface Commands {
  app_info: { args: NoArgs; result: AppInfo }
  list_divisions: { args: NoArgs; result: Division[] }
  list_sectors: { args: NoArgs; result: Sector[] }
  search_enterprises: { args: SearchArgs; result: SearchResult }
  get_enterprise: { args: { id: Id }; result: Enterprise }
  create_enterprise: { args: { input: EnterpriseInput }; result: Enterprise }
  update_enterprise: { args: { id: Id; rev: Rev; input: EnterpriseInput }; result: Enterprise }
  check_credit_code: { args: { code: string }; result: CreditCodeCheck }
  get_profile: { args: NoArgs; result: Profile | null }
  save_profile: { args: { profile: Profile }; result: Profile }
  remove_demo: { args: NoArgs; result: RemoveDemoResult }
  list_templates: { args: { sector?: string }; result: TemplateSummary[] }
  get_template: { args: { id: string; version: number }; result: Template }
  list_inspectors: { args: NoArgs; result: Inspector[] }
  save_inspector: { args: { inspector: InspectorInput }; result: Inspector }
  start_inspection: { args: StartInspectionArgs; result: InspectionView }
  list_inspections: { args: { status?: InspectionStatus; enterpriseId?: Id }; result: InspectionSummary[] }
  get_inspection: { args: { id: Id }; result: InspectionView }
  put_answer: { args: PutAnswerArgs; result: PutAnswerResult }
  set_inspection_notes: { args: { inspectionId: Id; notes: string }; result: Record<string, never> }
  save_finish_draft: { args: SaveFinishDraftArgs; result: Record<string, never> }
  add_attachment: { args: { mime: AttachmentMime; dataBase64: string }; result: AttachmentRef }
  get_attachment: { args: { sha256: string }; result: AttachmentData }
  finish_inspection: { args: FinishInspectionArgs; result: InspectionView }
  get_document_settings: { args: NoArgs; result: DocumentSettings }
  save_document_settings: { args: { settings: DocumentSettings }; result: DocumentSettings }
  prepare_documents: { args: { inspectionId: Id }; result: DocumentSummary[] }
  prepare_review: { args: { orderId: Id; colleagueId: Id }; result: DocumentDetail }
  list_documents: { args: ListDocumentsArgs; result: DocumentSummary[] }
  get_document: { args: { id: Id }; result: DocumentDetail }
  document_pdf: { args: { id: Id }; result: DocumentPdf }
  issue_document: { args: { id: Id }; result: DocumentDetail }
  void_document: { args: { id: Id; reason: string }; result: DocumentDetail }
  export_document: { args: { id: Id }; result: DocumentExport }
  number_reserve: { args: NoArgs; result: NumberReserve[] }
  sync_status: { args: NoArgs; result: SyncStatus }
  sync_pair: { args: SyncPairArgs; result: SyncStatus }
  sync_now: { args: NoArgs; result: SyncStatus }
  sync_unpair: { args: NoArgs; result: SyncStatus }
  enterprise_overwrites: { args: { id: Id }; result: FieldOverwrite[] }
  // The hazard ledger, re-inspection and settings commands (get_settings, save_settings,
  // template_problems, hazard_ledger, hazard_history, review_hazard) are typed in
  // ledgerTypes.ts, which may add them here by module augmentation
  // (`declare module './types' { interface Commands { … } }`), or called with callCommand().
}

export type CommandName = keyof Commands
export type ArgsOf<N extends CommandName> = Commands[N]['args']
export type ResultOf<N extends CommandName> = Commands[N]['result']

/** One way of reaching the backend (Tauri IPC or HTTP). Failures reject with BackendError. */
export interface Transport {
  call<N extends CommandName>(name: N, args: ArgsOf<N>): Promise<ResultOf<N>>
}
