// The console's one way to the server: same-origin fetch of /api/console/…, JSON both ways.
// The session is an HttpOnly cookie the server sets (never read here); every request that
// changes something carries the CSRF token of the last Me the server sent (login, me,
// password). A 401 from a data request means the session ended: the handler set by
// main.ts sends the user to the login page. Errors become ApiError with a Chinese message.
//
// The shapes are the server's, generated from its OpenAPI document into schema.d.ts
// (npm run gen:console-types); nothing here or in the pages restates them.

import type { components, paths } from './schema'

type Schemas = components['schemas']
export type ErrorBody = Schemas['ErrorBody']
export type Me = Schemas['Me']
export type Role = Me['role']
export type LoginRequest = Schemas['LoginRequest']
export type PasswordChange = Schemas['PasswordChange']
export type Named = Schemas['Named']
export type Reference = Schemas['Reference']
export type Figures = Schemas['Figures']
export type Breakdown = Schemas['Breakdown']
export type DocumentCount = Schemas['DocumentCount']
export type Overview = Schemas['Overview']
export type HazardRow = Schemas['HazardRow']
export type HazardPage = Schemas['HazardPage']
export type InspectionRow = Schemas['InspectionRow']
export type InspectionPage = Schemas['InspectionPage']
export type EnterpriseRow = Schemas['EnterpriseRow']
export type EnterprisePage = Schemas['EnterprisePage']
export type EnterpriseDetail = Schemas['EnterpriseDetail']
export type TimelineEntry = Schemas['TimelineEntry']
export type FieldChange = Schemas['FieldChange']
export type Overwrite = Schemas['Overwrite']
export type DocumentRow = Schemas['DocumentRow']
export type DocumentPage = Schemas['DocumentPage']
export type NumberConflictRow = Schemas['NumberConflictRow']
export type AuditRow = Schemas['AuditRow']
export type AuditPage = Schemas['AuditPage']
export type DeviceRow = Schemas['DeviceRow']
export type UnsentReport = Schemas['UnsentReport']
export type EnrolRequest = Schemas['EnrolRequest']
export type Enrolled = Schemas['Enrolled']
export type SupervisionView = Schemas['SupervisionView']
export type SuperviseRequest = Schemas['SuperviseRequest']
export type LiftRequest = Schemas['LiftRequest']
export type ImportReport = Schemas['ImportReport']
export type InspectionDetail = Schemas['InspectionDetail']
export type ChecklistOverview = Schemas['ChecklistOverview']
export type DocumentDetail = Schemas['DocumentDetail']
export type Published = Schemas['Published']
export type MadeTasks = Schemas['MadeTasks']
export type TaskRow = Schemas['TaskRow']
export type TaskPage = Schemas['TaskPage']
export type PlanDone = Schemas['PlanDone']
export type InspectorLoad = Schemas['InspectorLoad']
export type Progress = Schemas['Progress']

type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never
export type OverviewQuery = QueryOf<'/api/console/overview'>
export type HazardQuery = QueryOf<'/api/console/hazards'>
export type InspectionQuery = QueryOf<'/api/console/inspections'>
export type EnterpriseQuery = QueryOf<'/api/console/enterprises'>
export type AuditQuery = QueryOf<'/api/console/audit'>
export type DocumentQuery = QueryOf<'/api/console/documents'>
export type TaskQuery = QueryOf<'/api/console/tasks'>

const BASE = '/api/console'

/** Chinese text for when the server's answer carries none of its own. */
const FALLBACK: Record<string, string> = {
  network: '无法连接区局服务器。请检查网络连接后重试。',
  bad_response: '服务器返回了无法识别的数据。请刷新页面后重试。',
  bad_login: '用户名或密码错误。',
  locked: '登录失败次数过多，账号已暂时锁定，请稍后再试。',
  unauthorized: '登录已过期，请重新登录。',
  forbidden: '您的账号没有查看此内容的权限。',
  not_found: '未找到要查看的内容。',
  bad_request: '请求的条件有误，请检查后重试。',
  server: '服务器出错，操作未完成。请稍后重试；如反复出现，请联系系统管理员。',
}

function fallbackFor(code: string, status: number): string {
  if (FALLBACK[code]) return FALLBACK[code]
  if (status === 401) return FALLBACK.unauthorized
  if (status === 403) return FALLBACK.forbidden
  if (status === 404) return FALLBACK.not_found
  if (status >= 400 && status < 500) return FALLBACK.bad_request
  return FALLBACK.server
}

export class ApiError extends Error {
  readonly code: string
  /** The HTTP status; 0 when the server could not be reached. */
  readonly status: number

  constructor(code: string, message: string, status: number) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
  }
}

/** The error a failed answer stands for, with the server's Chinese message when it sent one. */
export function errorOf(status: number, body: unknown): ApiError {
  const b = body && typeof body === 'object' ? (body as Partial<Record<keyof ErrorBody, unknown>>) : {}
  const code = typeof b.code === 'string' && b.code ? b.code : `http_${status}`
  const message = typeof b.message === 'string' && b.message.trim() ? b.message.trim() : fallbackFor(code, status)
  return new ApiError(code, message, status)
}

/** The text to show for anything a request rejected with. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message
  return FALLBACK.server
}

type Query = Record<string, string | number | boolean | null | undefined>

/** The query string of the set parameters (empty ones left out), in a stable order. */
export function queryString(query: Query | undefined): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    params.append(k, String(v))
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

let csrf = ''
let onUnauthorized: (() => void) | null = null

/** Called when a data request finds the session gone (401). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler
}

interface Options {
  query?: Query
  body?: unknown
  /** Whether a 401 is an answer to show (login, me), not a lost session. */
  own401?: boolean
}

async function request<T>(method: 'GET' | 'POST', path: string, opts: Options = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf
  let res: Response
  try {
    res = await fetch(`${BASE}${path}${queryString(opts.query)}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    })
  } catch {
    throw new ApiError('network', FALLBACK.network, 0)
  }
  if (res.status === 204) return undefined as T
  let body: unknown = null
  const text = await res.text()
  if (text) {
    try {
      body = JSON.parse(text)
    } catch {
      body = null
      if (res.ok) throw new ApiError('bad_response', FALLBACK.bad_response, res.status)
    }
  }
  if (!res.ok) {
    const err = errorOf(res.status, body)
    if (res.status === 401 && !opts.own401) {
      csrf = ''
      onUnauthorized?.()
    }
    throw err
  }
  return body as T
}

function remember(me: Me): Me {
  csrf = me.csrf
  return me
}

/** Signs in; the server sets the session cookie. */
export const login = async (req: LoginRequest): Promise<Me> =>
  remember(await request<Me>('POST', '/login', { body: req, own401: true }))

/** Who is signed in; null when nobody is (401). */
export async function me(): Promise<Me | null> {
  try {
    return remember(await request<Me>('GET', '/me', { own401: true }))
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      csrf = ''
      return null
    }
    throw e
  }
}

export async function logout(): Promise<void> {
  await request<void>('POST', '/logout', { own401: true })
  csrf = ''
}

export const changePassword = async (req: PasswordChange): Promise<Me> =>
  remember(await request<Me>('POST', '/password', { body: req }))

export const reference = (): Promise<Reference> => request('GET', '/reference')
export const overview = (query: OverviewQuery): Promise<Overview> => request('GET', '/overview', { query })
export const hazards = (query: HazardQuery): Promise<HazardPage> => request('GET', '/hazards', { query })
export const inspections = (query: InspectionQuery): Promise<InspectionPage> =>
  request('GET', '/inspections', { query })
export const enterprises = (query: EnterpriseQuery): Promise<EnterprisePage> =>
  request('GET', '/enterprises', { query })
/** One enterprise's file; a 404 (ApiError status 404, code not_found) when there is no such enterprise. */
export const enterprise = (id: string): Promise<EnterpriseDetail> =>
  request('GET', `/enterprises/${encodeURIComponent(id)}`)
/** One inspection; a 404 (ApiError status 404) when there is no such inspection. */
export const inspection = (id: string): Promise<InspectionDetail> =>
  request('GET', `/inspections/${encodeURIComponent(id)}`)
export const documents = (query: DocumentQuery): Promise<DocumentPage> => request('GET', '/documents', { query })
/** One issued document; a 404 (ApiError status 404) when there is no such document. */
export const document = (id: string): Promise<DocumentDetail> => request('GET', `/documents/${encodeURIComponent(id)}`)
/** Numbers two issued documents carry (devices offline at once). */
export const numberConflicts = (): Promise<NumberConflictRow[]> => request('GET', '/number-conflicts')
/** Where a document's PDF (as its device made it) opens, same origin; 404 until it is uploaded. */
export const documentPdfUrl = (id: string): string => `${BASE}/documents/${encodeURIComponent(id)}/pdf`
export const audit = (query: AuditQuery): Promise<AuditPage> => request('GET', '/audit', { query })
export const devices = (): Promise<DeviceRow[]> => request('GET', '/devices')

/** What can be exported. */
export const EXPORTS = {
  hazards: '/hazards/export',
  enterprises: '/enterprises/export',
  overview: '/overview/export',
} as const
export type ExportKind = keyof typeof EXPORTS
export type ExportStatus = Schemas['ExportStatus']

/** Where a draw's 公示 list is exported. */
export const drawExport = (id: string): string => `/draws/${encodeURIComponent(id)}/export`

/** Starts making a file (a list, 总览's tables, a draw's 公示; every row the filters pass) in the background. */
export const startExport = (base: string, format: 'xlsx' | 'csv', query: Query): Promise<ExportStatus> =>
  request('POST', `${base}/${format}`, { query })
/** How far an export has come. */
export const exportStatus = (id: string): Promise<ExportStatus> => request('GET', `/exports/${encodeURIComponent(id)}`)
/** Where a finished export's file downloads from (once; same origin, the session's cookie). */
export const exportFileUrl = (id: string): string => `${BASE}/exports/${encodeURIComponent(id)}/file`
export const checklists = (): Promise<ChecklistOverview> => request('GET', '/checklists')

export type ClassPlan = Schemas['ClassPlan']
export type ClassRow = Schemas['ClassRow']
export type RatesRequest = Schemas['RatesRequest']
export type InspectorRow = Schemas['InspectorRow']
export type RelationRow = Schemas['RelationRow']
export type RelationRequest = Schemas['RelationRequest']
export type DrawRequest = Schemas['DrawRequest']
export type DrawSummary = Schemas['DrawSummary']
export type DrawDetail = Schemas['DrawDetail']

/** 分类分级 for a year: each class's enterprises and the inspections due month by month. */
export const classPlan = (year: number): Promise<ClassPlan> => request('GET', '/plan/classes', { query: { year } })
export const setClassRates = (rates: RatesRequest): Promise<void> => request('POST', '/plan/rates', { body: rates })
/** Sets an enterprise's supervision class ('' = 未分级); admins. */
export const setEnterpriseClass = (id: string, cls: string): Promise<void> =>
  request('POST', `/enterprises/${encodeURIComponent(id)}/class`, { body: { class: cls } })
export const planInspectors = (): Promise<InspectorRow[]> => request('GET', '/plan/inspectors')
export const relations = (): Promise<RelationRow[]> => request('GET', '/plan/relations')
export const addRelation = (req: RelationRequest): Promise<void> => request('POST', '/plan/relations', { body: req })
export const removeRelation = (enterpriseId: string, inspectorId: string): Promise<void> =>
  request('POST', '/plan/relations/remove', { body: { enterpriseId, inspectorId } })
export type YearPlan = Schemas['YearPlan']
export type YearPlanInputs = Schemas['YearPlanInputs']
export type YearPlanVersion = Schemas['YearPlanVersion']
/** Every version of a year's plan, newest first. */
export const yearPlans = (year: number): Promise<YearPlanVersion[]> => request('GET', '/year-plans', { query: { year } })
/** One version; a 404 (ApiError status 404) when there is no such version. */
export const yearPlan = (id: string): Promise<YearPlan> => request('GET', `/year-plans/${encodeURIComponent(id)}`)
/** Saves the year's draft (a new version when there is none). */
export const saveYearPlan = (inputs: YearPlanInputs): Promise<YearPlan> => request('POST', '/year-plans', { body: inputs })
export const publishYearPlan = (id: string): Promise<YearPlan> =>
  request('POST', `/year-plans/${encodeURIComponent(id)}/publish`)
export const draws = (): Promise<DrawSummary[]> => request('GET', '/draws')
/** Gives a draw's result as tasks due in `month` (YYYY-MM), each to its two officers' devices. */
export const drawTasks = (id: string, month: string): Promise<MadeTasks> =>
  request('POST', `/draws/${encodeURIComponent(id)}/tasks`, { body: { month } })
/** Makes a published yearly plan's tasks, from this month on. */
export const planTasks = (id: string): Promise<MadeTasks> =>
  request('POST', `/year-plans/${encodeURIComponent(id)}/tasks`)
export const tasks = (query: TaskQuery): Promise<TaskPage> => request('GET', '/tasks', { query })
export const taskProgress = (year: number): Promise<Progress> =>
  request('GET', '/tasks/progress', { query: { year } })
export const cancelTask = (id: string): Promise<void> => request('POST', `/tasks/${encodeURIComponent(id)}/cancel`)
export const makeDraw = (req: DrawRequest): Promise<DrawDetail> => request('POST', '/draws', { body: req })
/** One draw; a 404 (ApiError status 404) when there is no such draw. */
export const draw = (id: string): Promise<DrawDetail> => request('GET', `/draws/${encodeURIComponent(id)}`)

/** Sends a file's bytes to a POST route that takes a whole file (import, publish). */
async function sendFile<T>(path: string, file: File): Promise<T> {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': csrf }
  let res: Response
  try {
    res = await fetch(`${BASE}${path}${queryString({ name: file.name })}`, {
      method: 'POST',
      headers,
      credentials: 'same-origin',
      body: file,
    })
  } catch {
    throw new ApiError('network', FALLBACK.network, 0)
  }
  let body: unknown = null
  try {
    body = await res.json()
  } catch {
    body = null
  }
  if (res.status === 413) throw new ApiError('too_large', '文件过大。', 413)
  if (!res.ok) throw errorOf(res.status, body)
  if (!body || typeof body !== 'object') throw new ApiError('bad_response', FALLBACK.bad_response, res.status)
  return body as T
}

/** Publishes a checklist version from its file; every device gets it at its next sync. */
export const publishChecklist = (file: File): Promise<Published> => sendFile('/checklists', file)

/** Imports an enterprise list (XLSX or CSV) as the admin command does: the report, with the refused rows. */
export const importEnterprises = (file: File): Promise<ImportReport> => sendFile('/enterprises/import', file)
/** Imports what a revoked device never sent (the file it exported), by the rules of a sync. */
export const importUnsent = (file: File): Promise<UnsentReport> => sendFile('/devices/unsent', file)
/** Puts a 重大隐患 under 挂牌督办 (or changes who supervises it and by when). */
export const supervise = (hazardId: string, req: SuperviseRequest): Promise<SupervisionView> =>
  request('POST', `/hazards/${encodeURIComponent(hazardId)}/supervision`, { body: req })
/** 摘牌: lifts a supervision once the hazard is rectified. */
export const liftSupervision = (hazardId: string, req: LiftRequest): Promise<SupervisionView> =>
  request('POST', `/hazards/${encodeURIComponent(hazardId)}/supervision/lift`, { body: req })
export const revokeDevice = (id: string, wipe: boolean): Promise<void> =>
  request('POST', `/devices/${encodeURIComponent(id)}/revoke`, { body: { wipe } })
export const enrolInspector = (req: EnrolRequest): Promise<Enrolled> => request('POST', '/inspectors', { body: req })
