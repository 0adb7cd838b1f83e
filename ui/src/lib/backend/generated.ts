// Generated from the Rust types by ts-rs (crates/api/src/commands.rs): do not edit.
// Refresh with `UPDATE_BINDINGS=1 cargo test -p anjian-api --test typescript`.

// The finish page's draft is the UI's own shape; the backend keeps it as it comes.
import type { FinishDraft } from './finishDraft'

export type AddAttachmentArgs = { mime: AttachmentMime, dataBase64: string, };

export type Answer = { inspectionId: Id, itemCode: string, result: AnswerResult, note: string | null, 
/**
 * SHA-256 of each photo attachment.
 */
photos: Array<string>, 
/**
 * Points deducted, for an item of a scored checklist.
 */
deducted: number | null, };

export type AnswerKind = { "kind": "compliance" } | { "kind": "score", max: number, };

export type AnswerResult = "compliant" | "nonCompliant" | "notApplicable";

export type AppInfo = { version: string, dataDir: string, enterpriseCount: number, demoCount: number, };

export type AttachmentArgs = { sha256: string, };

export type AttachmentData = { mime: string, dataBase64: string, };

/**
 * A photo format, by its MIME type.
 */
export type AttachmentMime = "image/jpeg" | "image/png" | "image/webp";

export type AttachmentRef = { sha256: string, mime: string, size: number, };

/**
 * The order a review cites.
 */
export type CitedDecision = { date: DocumentDate, 
/**
 * 责令限期整改指令书
 */
title: string, number: string, };

export type CreateEnterpriseArgs = { input: EnterpriseInput, };

export type CreditCodeArgs = { code: string, };

export type CreditCodeCheck = { status: CreditCodeStatus, 
/**
 * Upper case, trimmed; null when the code is invalid.
 */
normalized: string | null, problem?: CreditCodeProblem, 
/**
 * A Chinese sentence for the inspector.
 */
message: string, };

export type CreditCodeProblem = { "kind": "length", found: number, } | { "kind": "character", position: number, found: string, } | { "kind": "type", found: string, } | { "kind": "division", found: string, } | { "kind": "checkCharacter", expected: string, found: string, } | { "kind": "organisationCheck", expected: string, found: string, };

export type CreditCodeStatus = "ok" | "warning" | "invalid";

/**
 * 默认整改期限: days to rectify by level, as the bureau sets them in 设置.
 */
export type DeadlineDays = { deadlineDaysGeneral: number, deadlineDaysMajor: number, };

/**
 * Items of an order that share one deadline (第 1、2 项 … 前整改完毕).
 */
export type DeadlineGroup = { 
/**
 * 1-based item numbers.
 */
items: Array<number>, deadline: DocumentDate, };

export type Division = { code: string, name: string, kind: DivisionKind, };

export type DivisionKind = "street" | "town" | "zone";

/**
 * A date as printed: 2026年12月15日.
 */
export type DocumentDate = string;

/**
 * A time of day with its date, local (Beijing): "2026-11-29T09:30".
 */
export type DocumentDateTime = string;

/**
 * A document with what its page shows.
 */
export type DocumentDetail = { id: Id, kind: DocumentKind, 
/**
 * The kind's title, e.g. 责令限期整改指令书.
 */
title: string, number: string | null, status: DocumentStatus, enterpriseId: Id, enterpriseName: string, inspectionId: Id | null, cites: Id | null, createdAt: string | null, issuedAt: string | null, voidReason: string | null, pdfSha256: string | null, 
/**
 * The verification code (校验码) printed on every page.
 */
code: string, 
/**
 * Drafts: why it cannot be issued yet (a Chinese sentence); null when it can, and for issued ones.
 */
problem: string | null, snapshot: DocumentSnapshot, };

/**
 * Where the PDF was written, and whether the system's viewer opened it.
 */
export type DocumentExport = { path: string, opened: boolean, };

/**
 * The three-line head and what every document shares.
 */
export type DocumentHead = { 
/**
 * 北京市门头沟区应急管理局
 */
bureau: string, 
/**
 * 门应急责改〔2026〕第0012号; None while a draft (printed as a draft, not as a document).
 */
number: string | null, };

export type DocumentKind = "inspectionRecord" | "rectificationOrder" | "reviewOpinion";

export type DocumentOfficer = { name: string, 
/**
 * 执法证号
 */
certificate: string, };

export type DocumentPdf = { 
/**
 * The PDF, base64.
 */
pdf: string, pages: number, size: number, code: string, };

/**
 * The bureau's wording every document carries: who issues it, the numbers' prefix,
 * and the bodies named in the remedy clause (复议机关, 人民法院).
 */
export type DocumentSettings = { 
/**
 * 北京市门头沟区应急管理局
 */
bureau: string, 
/**
 * 门应急 (→ 门应急责改〔2026〕第0012号)
 */
prefix: string, 
/**
 * 行政复议机关
 */
reviewBody: string, 
/**
 * 人民法院
 */
court: string, };

/**
 * A signature as it stands on the document.
 */
export type DocumentSignature = { "kind": "drawn", png: string, } | { "kind": "refused" } | { "kind": "blank" };

/**
 * Any of the three.
 */
export type DocumentSnapshot = { "kind": "record", "snapshot": RecordSnapshot } | { "kind": "order", "snapshot": OrderSnapshot } | { "kind": "review", "snapshot": ReviewSnapshot };

export type DocumentStatus = "draft" | "issued" | "voided";

/**
 * A document in lists: no snapshot.
 */
export type DocumentSummary = { id: Id, kind: DocumentKind, number: string | null, status: DocumentStatus, enterpriseId: Id, enterpriseName: string, inspectionId: Id | null, cites: Id | null, createdAt: string | null, issuedAt: string | null, voidReason: string | null, pdfSha256: string | null, };

/**
 * The unit's person who signs (负责人 / 现场负责人).
 */
export type DocumentUnitSigner = { name: string, title: string, signature: DocumentSignature, };

/**
 * The result of a command that only reports success.
 */
export type Done = Record<string, never>;

/**
 * The enterprise with its division's name, as the detail page shows it.
 */
export type Enterprise = { divisionName: string, id: Id, 
/**
 * Part of the clearly marked demo set, not the bureau's own list.
 */
isDemo: boolean, createdAt: string, updatedAt: string, rev: Rev, name: string, creditCode: string, 
/**
 * The inspector confirmed a code whose check character does not match.
 */
creditCodeConfirmed: boolean, address: string, divisionCode: string, sectors: Array<string>, legalRepresentative: string | null, safetyContact: string | null, contactPhone: string | null, supervisionClass: SupervisionClass | null, status: EnterpriseStatus, };

/**
 * What a form or an import supplies; unchecked.
 */
export type EnterpriseInput = { name: string, creditCode: string, creditCodeConfirmed: boolean, address: string, divisionCode: string, sectors: Array<string>, legalRepresentative: string, safetyContact: string, contactPhone: string, supervisionClass: SupervisionClass | null, status: EnterpriseStatus, };

export type EnterpriseStatus = "operating" | "suspended" | "closed";

export type EnterpriseSummary = { id: Id, name: string, creditCode: string, address: string, divisionCode: string, divisionName: string, sectors: Array<string>, isDemo: boolean, };

export type ErrorBody = { code: string, message: string, field?: string, };

/**
 * A value of an enterprise that lost a merge (two devices changed the same field).
 */
export type FieldOverwrite = { field: string, 
/**
 * The field's name as the form shows it.
 */
label: string, kept: string | null, overwritten: string | null, keptAt: string | null, overwrittenAt: string | null, };

export type FinishInspectionArgs = { inspectionId: string, hazards: Array<HazardInput>, signatures: Array<SignatureInput>, };

export type Grade = "good" | "pass" | "fail";

export type Hazard = { id: Id, enterpriseId: Id, 
/**
 * Absent for a hazard written freely, outside an inspection.
 */
inspectionId: Id | null, itemCode: string | null, description: string, level: HazardLevel, 
/**
 * Last day for rectification (inclusive).
 */
deadline: string, status: HazardStatus, foundAt: string, };

export type HazardHistoryEvent = { at: string, status: HazardStatus, note: string | null, 
/**
 * "rectified" or "notRectified" for a re-inspection.
 */
review: "rectified" | "notRectified" | null, photos: Array<string>, };

export type HazardInput = { itemCode?: string, description: string, level: HazardLevel, 
/**
 * YYYY-MM-DD
 */
deadline: string, };

export type HazardLevel = "general" | "major";

/**
 * What the finish page starts from: a hazard for each 不符合 item, the deadline a hazard
 * added by hand gets, and the days a deadline may lie between.
 */
export type HazardProposals = { proposals: Array<ProposedHazard>, 
/**
 * The settings the defaults come from, for the page to say.
 */
days: DeadlineDays, generalDeadline: string, majorDeadline: string, earliestDeadline: string, latestDeadline: string, };

/**
 * open → rectified (the unit reports it done) → verified (re-inspection closed it).
 */
export type HazardStatus = "open" | "rectified" | "verified";

export type Id = string;

/**
 * Arguments naming one record.
 */
export type IdArgs = { id: string, };

/**
 * The enterprise an inspection is of, as its pages show it.
 */
export type InspectedEnterprise = { id: Id, name: string, address: string, creditCode: string, divisionName: string, };

export type Inspection = { id: Id, enterpriseId: Id, templateId: string, templateVersion: number, 
/**
 * Both officers; the first is the one who holds the device.
 */
inspectors: Array<Id>, 
/**
 * The enterprise's accompanying person (陪同人员).
 */
accompanyingPerson: string | null, startedAt: string, finishedAt: string | null, status: InspectionStatus, 
/**
 * Free text of 检查情况.
 */
notes: string, };

export type InspectionArgs = { inspectionId: string, };

export type InspectionStatus = "draft" | "finished";

export type InspectionSummary = { id: Id, enterpriseId: Id, enterpriseName: string, templateTitle: string, startedAt: string, status: InspectionStatus, answered: number, total: number, };

/**
 * An inspection with everything its pages show.
 */
export type InspectionView = { inspection: Inspection, enterprise: InspectedEnterprise, 
/**
 * [first officer (this machine's inspector), colleague]
 */
officers: Array<Inspector>, score: ScoreSheet | null, progress: Progress, answers: Array<Answer>, template: Template, hazards: Array<Hazard>, signatures: Array<Signature>, 
/**
 * The finish page's saved edits as the UI wrote them (save_finish_draft), or null;
 * dropped when the inspection finishes.
 */
finishDraft: Record<string, unknown> | null, };

/**
 * An officer as the forms show one: whether it is this device's own inspector.
 */
export type Inspector = { id: Id, name: string, certNo: string, unit: string, isSelf: boolean, };

export type InspectorInput = { name: string, certNo: string, unit: string, };

export type LedgerCounts = { total: number, open: number, rectified: number, verified: number, overdue: number, major: number, };

/**
 * hazard_ledger arguments; every field narrows, an absent one does not. Dates "YYYY-MM-DD".
 */
export type LedgerFilter = { status?: HazardStatus, overdue?: boolean, level?: HazardLevel, division?: string, sector?: string, enterpriseId?: string, foundFrom?: string, foundTo?: string, text?: string, limit?: number, offset?: number, };

export type LedgerPage = { counts: LedgerCounts, items: Array<LedgerRow>, };

export type LedgerRow = { hazard: Hazard, enterpriseName: string, divisionCode: string, overdue: boolean, 
/**
 * 挂牌督办, when the bureau has put the hazard under it.
 */
supervision: Supervision | null, 
/**
 * 督办逾期 (`core::supervision::is_overdue`): in force, the hazard open, past its day.
 */
supervisionOverdue: boolean, };

export type ListDocumentsArgs = { status?: DocumentStatus, kind?: DocumentKind, enterpriseId?: string, inspectionId?: string, limit?: number, offset?: number, };

export type ListInspectionsArgs = { status?: InspectionStatus, enterpriseId?: string, };

export type MajorRef = { 
/**
 * The determination standard, with its number, e.g. 《工贸企业重大事故隐患判定标准》（应急管理部令第10号）.
 */
standard: string, clause: string, };

/**
 * Arguments of a command that takes none (`{}`; anything else is refused).
 */
export type NoArgs = Record<string, never>;

export type NotesArgs = { inspectionId: string, notes: string, };

/**
 * Numbers a device may still use, per kind, in one year.
 */
export type NumberReserve = { kind: DocumentKind, year: number, left: number, 
/**
 * Whether any of them come from a local block (unique on this device only).
 */
local: boolean, };

/**
 * 责令限期整改指令书
 */
export type OrderSnapshot = { head: DocumentHead, 
/**
 * 被检查单位 (the addressee).
 */
addressee: string, 
/**
 * The problems found, numbered from 1 in this order.
 */
items: Array<string>, deadlineGroups: Array<DeadlineGroup>, wording: OrderWording, remedy: Remedy, officers: Array<DocumentOfficer>, officerSignatures: Array<DocumentSignature>, 
/**
 * 被检查单位负责人
 */
unitSigner: DocumentUnitSigner, date: DocumentDate, copiesNote: string, };

/**
 * The fixed wording of an order, from settings; `{items}`, `{deadline}`, `{review_body}`
 * and `{court}` are filled in when rendered.
 */
export type OrderWording = { 
/**
 * 经查，你单位存在下列问题：
 */
findingsIntro: string, 
/**
 * 对第{items}项问题，于{deadline}前整改完毕……
 */
deadlineClause: string, 
/**
 * 整改期间，你单位应当采取措施，确保安全生产……
 */
safetyClause: string, 
/**
 * 如果不服本指令，可以依法在60日内向{review_body}申请行政复议……
 */
remedyClause: string, };

export type PrepareReviewArgs = { orderId: string, colleagueId: string, };

/**
 * The inspector using this device.
 */
export type Profile = { name: string, certNo: string, unit: string, };

export type Progress = { answered: number, total: number, };

/**
 * A hazard the finish page proposes for a 不符合 item: the item's requirement (with the
 * inspector's note), its level (重大 when the item is a 重大事故隐患 standard's), and the
 * default deadline.
 */
export type ProposedHazard = { itemCode: string, requirement: string, description: string, level: HazardLevel, deadline: string, };

export type PutAnswerArgs = { inspectionId: string, itemCode: string, result: AnswerResult, note?: string, 
/**
 * sha256 of attachments (add_attachment).
 */
photos: Array<string>, 
/**
 * Points deducted (scored checklists, result nonCompliant).
 */
deducted?: number, };

export type PutAnswerResult = { progress: Progress, score: ScoreSheet | null, };

/**
 * 现场检查记录
 */
export type RecordSnapshot = { head: DocumentHead, 
/**
 * 被检查单位
 */
unit: string, address: string, 
/**
 * 法定代表人（负责人）, 职务, 联系电话
 */
legalRepresentative: string, legalRepresentativeTitle: string, phone: string, 
/**
 * 检查场所
 */
place: string, startedAt: DocumentDateTime, endedAt: DocumentDateTime, officers: Array<DocumentOfficer>, officerSignatures: Array<DocumentSignature>, 
/**
 * The officers' statement, with {bureau}, {names} and {certificates} filled in.
 */
introduction: string, 
/**
 * 检查情况: free text, may run onto continuation pages.
 */
findings: string, 
/**
 * 现场负责人
 */
unitSigner: DocumentUnitSigner, date: DocumentDate, 
/**
 * "本文书一式两份……"
 */
copiesNote: string, };

/**
 * 单位已报告整改完成 (recorded by an officer): open → rectified, awaiting 复查.
 */
export type RectifiedReportInput = { hazardId: string, note: string, photos: Array<string>, };

/**
 * Where an objection goes (行政复议 body, court): settings of the bureau.
 */
export type Remedy = { reviewBody: string, court: string, };

/**
 * How many demo enterprises were deleted (those nothing refers to).
 */
export type RemoveDemoResult = { removed: number, };

/**
 * One timestamp. Ordered by (wall, counter, node); the string form sorts the same way.
 * A record's revision: opaque to the UI, sent back as received.
 */
export type Rev = string;

/**
 * 复查: rectified closes the hazard (verified); not rectified keeps its status, with the
 * finding in its history.
 */
export type ReviewInput = { hazardId: string, rectified: boolean, note: string, photos: Array<string>, };

export type ReviewOpinion = { 
/**
 * The item's number in the order (第4项 stays 第4项). Absent in reviews drafted before
 * it was kept (their items are numbered in order), so their content hash is unchanged.
 */
number?: number, 
/**
 * The problem as the order stated it.
 */
item: string, rectified: boolean, 
/**
 * What was found and what follows.
 */
opinion: string, };

/**
 * The hazard's status after a report or a 复查.
 */
export type ReviewResult = { status: HazardStatus, };

/**
 * 整改复查意见书
 */
export type ReviewSnapshot = { head: DocumentHead, 
/**
 * 被复查单位
 */
addressee: string, cited: CitedDecision, 
/**
 * 本机关于{date}作出了{title}的决定（{number}），经对你单位第{items}项问题的整改情况
 * 进行复查，提出如下意见：({items}: the order's items this review answers)
 */
intro: string, opinions: Array<ReviewOpinion>, officers: Array<DocumentOfficer>, officerSignatures: Array<DocumentSignature>, unitSigner: DocumentUnitSigner, date: DocumentDate, copiesNote: string, };

export type SaveDocumentSettingsArgs = { settings: DocumentSettings, };

export type SaveFinishDraftArgs = { inspectionId: string, 
/**
 * The UI's own shape (FinishDraft), kept as it comes.
 */
draft: FinishDraft, };

export type SaveInspectorArgs = { inspector: InspectorInput, };

export type SaveProfileArgs = { profile: InspectorInput, };

export type SaveSettingsArgs = { settings: DeadlineDays, };

export type ScoreSheet = { sections: Array<SectionScore>, total: number, grade: Grade, };

export type SearchArgs = { query?: string, division?: string, sector?: string, limit?: number, offset?: number, };

export type SearchResult = { total: number, items: Array<EnterpriseSummary>, };

export type SectionScore = { title: string, 
/**
 * Out of 100, converted for not-applicable items; `None` when the whole section
 * does not apply.
 */
score: number | null, };

export type Sector = { code: string, name: string, };

export type SectorArgs = { sector?: string, };

/**
 * A drawn signature (an attachment) or, for the unit's person only, a refusal.
 */
export type Signature = { role: SignatureRole, sha256: string | null, refused: boolean, };

/**
 * A signature as the finish page sends it: a drawn one's attachment, or a refusal.
 */
export type SignatureInput = { role: SignatureRole, sha256?: string, refused?: boolean, };

/**
 * Who signs at the end of an inspection.
 */
export type SignatureRole = "officer1" | "officer2" | "unit";

export type StartInspectionArgs = { enterpriseId: string, templateId: string, templateVersion: number, colleagueId: string, accompanyingPerson: string, 
/**
 * The task it does (我的任务): its enterprise and officers must be the task's.
 */
taskId?: string, };

/**
 * One hazard's supervision as every holder shows it.
 */
export type Supervision = { hazardId: Id, 
/**
 * 督办单位或督办人.
 */
supervisor: string, 
/**
 * 督办期限: the day the hazard must be rectified by.
 */
due: string, status: SupervisionStatus, note: string | null, 
/**
 * The bureau account that last set it.
 */
setBy: string, setAt: string, };

/**
 * 分级分类监管: A is the closest supervision.
 */
export type SupervisionClass = "A" | "B" | "C" | "D";

/**
 * 督办中 → 已摘牌; a lifted supervision stays lifted.
 */
export type SupervisionStatus = "active" | "lifted";

export type SyncErrorView = { code: string, message: string, };

export type SyncPairArgs = { server: string, code: string, deviceName: string, };

export type SyncPending = { changes: number, attachments: number, };

/**
 * Where a round is, for the progress shown to the inspector.
 */
export type SyncPhase = "push" | "attachments" | "pull" | "download";

/**
 * A change the server refused (pushed) or this device could not apply (pulled).
 */
export type SyncProblem = { changeId: string, direction: string, recordType: string, recordId: string, reason: string, at: string, 
/**
 * A pulled change kept whole: tried again at the end of each sync.
 */
retrying: boolean, 
/**
 * A pushed change the server stored, with a problem it found (the reason).
 */
accepted: boolean, };

export type SyncProgress = { done: number, 
/**
 * Unknown until the server says how many changes wait.
 */
total: number | null, };

export type SyncState = "unpaired" | "revoked" | "syncing" | "offline" | "error" | "idle";

/**
 * What the 同步 page shows.
 */
export type SyncStatus = { paired: boolean, server: string | null, deviceName: string | null, inspectorName: string | null, inspectorCertNo: string | null, state: SyncState, phase: SyncPhase | null, progress: SyncProgress | null, lastSyncAt: string | null, lastAttemptAt: string | null, lastError: SyncErrorView | null, pending: SyncPending, received: number, problems: Array<SyncProblem>, 
/**
 * How far this device's clock is off the server's, in whole minutes, when it is off by
 * more than the rules allow (the page asks to set it); null when it is fine or unknown.
 */
clockOffMinutes: number | null, 
/**
 * When the bureau's revocation reached this device (it syncs no more).
 */
revokedAt: string | null, 
/**
 * A wipe the bureau asked for, done on this device before: when and why.
 */
wipedNotice: string | null, };

/**
 * A task as 我的任务 lists it.
 */
export type TaskRow = { id: Id, enterpriseId: Id, enterpriseName: string, enterpriseAddress: string, 
/**
 * `YYYY-MM`.
 */
dueMonth: string, state: TaskState, 
/**
 * An inspection may start from it (`State::is_open`).
 */
open: boolean, 
/**
 * The other officer of the pair (this device's inspector is the one).
 */
colleagueId: Id, colleagueName: string, 
/**
 * 年度计划 or 双随机 and its title.
 */
source: string, sourceTitle: string, 
/**
 * The inspection that did it, or the one under way.
 */
inspectionId: Id | null, };

/**
 * Where a task stands on a given day, as 我的任务 and the console group it.
 */
export type TaskState = "upcoming" | "due" | "overdue" | "done" | "cancelled";

export type Template = { id: string, sector: string, version: number, title: string, 
/**
 * Set for a scored standard such as JGJ 59.
 */
scoring: TemplateScoring | null, sections: Array<TemplateSection>, };

export type TemplateArgs = { id: string, version: number, };

export type TemplateItem = { code: string, 
/**
 * The requirement in Chinese, as the inspector reads it.
 */
requirement: string, 
/**
 * Law and article, or standard and clause.
 */
basis: string, answer: AnswerKind, 
/**
 * Set when a failure is a 重大事故隐患 under a determination standard.
 */
major: MajorRef | null, 
/**
 * 保证项目 of a scored section: losing all its points zeroes the section.
 */
guarantee: boolean, };

/**
 * A template file that was refused, and why.
 */
export type TemplateProblem = { file: string, problem: string, };

export type TemplateScoring = { 
/**
 * e.g. JGJ 59-2011.
 */
standard: string, 
/**
 * Summary score from which the site is 合格.
 */
pass: number, 
/**
 * Summary score from which the site is 优良.
 */
good: number, 
/**
 * A section whose 保证项目 keep fewer points than this scores zero.
 */
guaranteeMin: number, };

export type TemplateSection = { title: string, 
/**
 * The general section every sector has (责任制, 培训, 应急预案, 隐患排查制度).
 */
general: boolean, 
/**
 * Weight of this section in a scored template's summary (the weights add to 100).
 */
weight: number | null, items: Array<TemplateItem>, };

export type TemplateSummary = { id: string, version: number, sector: string, title: string, scored: boolean, itemCount: number, };

/**
 * The files of what a revoked device never sent.
 */
export type UnsentExport = { 
/**
 * One file, or several where one would be too large (each imports on its own).
 */
paths: Array<string>, changes: number, attachments: number, };

export type UpdateEnterpriseArgs = { id: string, 
/**
 * The revision the form was read at, sent back as received.
 */
rev: string, input: EnterpriseInput, };

export type VoidArgs = { id: string, reason: string, };

/** Every command: its arguments and its result. */
export interface Commands {
  app_info: { args: NoArgs; result: AppInfo }
  list_divisions: { args: NoArgs; result: Array<Division> }
  list_sectors: { args: NoArgs; result: Array<Sector> }
  search_enterprises: { args: SearchArgs; result: SearchResult }
  get_enterprise: { args: IdArgs; result: Enterprise }
  create_enterprise: { args: CreateEnterpriseArgs; result: Enterprise }
  update_enterprise: { args: UpdateEnterpriseArgs; result: Enterprise }
  check_credit_code: { args: CreditCodeArgs; result: CreditCodeCheck }
  get_profile: { args: NoArgs; result: Profile | null }
  save_profile: { args: SaveProfileArgs; result: Profile }
  remove_demo: { args: NoArgs; result: RemoveDemoResult }
  list_templates: { args: SectorArgs; result: Array<TemplateSummary> }
  get_template: { args: TemplateArgs; result: Template }
  template_problems: { args: NoArgs; result: Array<TemplateProblem> }
  list_inspectors: { args: NoArgs; result: Array<Inspector> }
  save_inspector: { args: SaveInspectorArgs; result: Inspector }
  get_settings: { args: NoArgs; result: DeadlineDays }
  save_settings: { args: SaveSettingsArgs; result: DeadlineDays }
  start_inspection: { args: StartInspectionArgs; result: InspectionView }
  list_tasks: { args: NoArgs; result: Array<TaskRow> }
  list_inspections: { args: ListInspectionsArgs; result: Array<InspectionSummary> }
  get_inspection: { args: IdArgs; result: InspectionView }
  hazard_proposals: { args: IdArgs; result: HazardProposals }
  put_answer: { args: PutAnswerArgs; result: PutAnswerResult }
  set_inspection_notes: { args: NotesArgs; result: Done }
  save_finish_draft: { args: SaveFinishDraftArgs; result: Done }
  add_attachment: { args: AddAttachmentArgs; result: AttachmentRef }
  get_attachment: { args: AttachmentArgs; result: AttachmentData }
  finish_inspection: { args: FinishInspectionArgs; result: InspectionView }
  hazard_ledger: { args: LedgerFilter; result: LedgerPage }
  get_hazard: { args: IdArgs; result: LedgerRow }
  hazard_history: { args: IdArgs; result: Array<HazardHistoryEvent> }
  review_hazard: { args: ReviewInput; result: ReviewResult }
  report_rectified: { args: RectifiedReportInput; result: ReviewResult }
  get_document_settings: { args: NoArgs; result: DocumentSettings }
  save_document_settings: { args: SaveDocumentSettingsArgs; result: DocumentSettings }
  prepare_documents: { args: InspectionArgs; result: Array<DocumentSummary> }
  prepare_review: { args: PrepareReviewArgs; result: DocumentDetail }
  list_documents: { args: ListDocumentsArgs; result: Array<DocumentSummary> }
  get_document: { args: IdArgs; result: DocumentDetail }
  document_pdf: { args: IdArgs; result: DocumentPdf }
  issue_document: { args: IdArgs; result: DocumentDetail }
  void_document: { args: VoidArgs; result: DocumentDetail }
  export_document: { args: IdArgs; result: DocumentExport }
  number_reserve: { args: NoArgs; result: Array<NumberReserve> }
  sync_status: { args: NoArgs; result: SyncStatus }
  sync_pair: { args: SyncPairArgs; result: SyncStatus }
  sync_now: { args: NoArgs; result: SyncStatus }
  sync_unpair: { args: NoArgs; result: SyncStatus }
  sync_export_unsent: { args: NoArgs; result: UnsentExport }
  enterprise_overwrites: { args: IdArgs; result: Array<FieldOverwrite> }
}
