// Backend errors and the Chinese text shown for them. The inspector sees the text from
// ERROR_MESSAGES, keyed on the stable `code`; the backend's own `message` is added only
// where it says something the table cannot (a limit, or details for technical support).

/** Every error code the backend sends (crates/api/src/error.rs). */
export const BACKEND_ERROR_CODES = [
  'bad_request',
  'unknown_command',
  'not_found',
  'conflict',
  'refused',
  'required',
  'too_long',
  'invalid_value',
  'credit_code_length',
  'credit_code_chars',
  'credit_code_type',
  'credit_code_division',
  'credit_code_check',
  'credit_code_duplicate',
  'phone_invalid',
  'division_unknown',
  'sector_unknown',
  'sector_required',
  'cert_no_invalid',
  'storage',
  'corrupt',
  'key_missing',
  'key_wrong',
  'key_store',
  'device_wiped',
  'device_revoked',
  'internal',
  'incomplete',
  'signature_missing',
  'no_profile',
  'same_officer',
  'template_unknown',
  'deadline_invalid',
  'attachment_invalid',
  'cannot_issue',
  'cannot_change',
  'not_paired',
  'sync_unreachable',
  'sync_refused',
  'sync_failed',
] as const

export type BackendErrorCode = (typeof BACKEND_ERROR_CODES)[number]

/** Codes made on this side when the backend could not be reached or answered nonsense. */
export const CLIENT_ERROR_CODES = ['network', 'bad_response'] as const
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number]

export const ERROR_MESSAGES: Record<BackendErrorCode | ClientErrorCode, string> = {
  bad_request: '请求内容有误，后台无法处理。请重试；如反复出现，请联系技术支持。',
  unknown_command: '后台不支持此操作，可能是软件版本不一致。请更新软件后再试。',
  not_found: '未找到该记录，可能已被删除。',
  conflict: '记录已被修改（可能在其他窗口或设备上），请重新加载最新数据后再编辑。',
  refused: '操作未执行：当前状态下不允许这样做。',
  required: '此项为必填项，请填写。',
  too_long: '内容过长，请精简后再保存。',
  invalid_value: '填写的内容不符合要求，请检查后重新填写。',
  credit_code_length: '统一社会信用代码应为18位，请核对位数。',
  credit_code_chars: '统一社会信用代码含有不允许的字符：只能是数字和大写字母，且不使用I、O、S、V、Z。',
  credit_code_type: '统一社会信用代码第1–2位（登记管理部门和机构类别）无效，请核对营业执照。',
  credit_code_division: '统一社会信用代码第3–8位（行政区划代码）无效，请核对营业执照。',
  credit_code_check:
    '统一社会信用代码校验位不符。请核对营业执照：如执照上确为此代码，勾选“我已核对营业执照”后可以保存。',
  credit_code_duplicate: '已有单位使用此统一社会信用代码，请先在单位列表中搜索该单位，不要重复录入。',
  phone_invalid: '联系电话格式不正确，请填写11位手机号或带区号的固定电话。',
  division_unknown: '所选镇街不在本区镇街列表中，请重新选择。',
  sector_unknown: '所选行业领域无效，请重新选择。',
  sector_required: '请至少选择一个行业领域。',
  cert_no_invalid: '执法证号格式不正确，请对照执法证件填写。',
  storage: '数据未能保存到本机（存储出错），请稍后重试；如反复出现，请联系技术支持。',
  corrupt: '本机数据文件已损坏，无法读取。请停止录入，并联系技术支持。',
  device_wiped:
    '本机已被区应急管理局停用，并按要求清除了本机数据和密钥。请关闭安检；如需继续执法，请联系区局重新登记并配对。',
  device_revoked: '本机已被区应急管理局停用，不再同步。本机数据保留，可以继续查看。',
  key_missing:
    '本机数据已加密保存，但系统密钥库中找不到它的密钥，无法打开。请用保存数据时的系统账户登录后再打开；数据未作任何改动。如仍无法打开，请联系区应急管理局信息管理员。',
  key_wrong:
    '系统密钥库中的密钥打不开本机数据（密钥不符），数据未作任何改动。请联系区应急管理局信息管理员。',
  key_store:
    '无法使用系统的密钥库（本机数据加密保存，需要它保管的密钥才能打开）。请确认已登录桌面并解锁密钥库后重新打开安检。',
  internal: '后台程序出错，操作未完成。请重试；如反复出现，请联系技术支持。',
  incomplete: '检查表还没有逐项填完，检查不能完成。',
  signature_missing: '签名不全，检查不能完成。',
  no_profile: '本机还没有填写检查人员信息，不能开始检查。请先到“设置”中填写本人的姓名和执法证号。',
  same_officer: '现场检查须由两名不同的执法人员进行：所选同事就是本机检查人员本人，请选择另一名执法人员。',
  template_unknown: '找不到所选的检查表（可能已随软件更新而更换版本），请返回重新选择检查表。',
  deadline_invalid: '整改期限填写有误，请重新选择。',
  attachment_invalid: '照片未能添加。',
  cannot_issue: '文书不能签发。',
  cannot_change: '文书当前的状态不允许这样操作。',
  not_paired: '本机还没有与区局服务器配对，不能同步。请先在“同步”页面填写服务器地址和配对码进行配对。',
  sync_unreachable: '连不上服务器。请检查服务器地址是否填写正确、本机是否已联网，然后重试。',
  sync_refused: '服务器拒绝了请求。',
  sync_failed: '服务器出错或回答有误，同步未完成。请稍后重试；如反复出现，请联系技术支持。',
  network: '无法连接后台服务，请确认本程序正在运行后重试。',
  bad_response: '后台返回了无法识别的数据，操作可能未完成。请刷新后检查。',
}

export class BackendError extends Error {
  readonly code: string
  /** The input field the error is about (camelCase of EnterpriseInput / Profile), if any. */
  readonly field?: string

  constructor(code: string, message: string, field?: string) {
    super(message)
    this.name = 'BackendError'
    this.code = code
    this.field = field
  }
}

function isKnownCode(code: string): code is BackendErrorCode | ClientErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, code)
}

/** Turns whatever a transport rejected with into a BackendError. */
export function toBackendError(value: unknown): BackendError {
  if (value instanceof BackendError) return value
  if (value && typeof value === 'object' && typeof (value as { code?: unknown }).code === 'string') {
    const body = value as { code: string; message?: unknown; field?: unknown }
    const message = typeof body.message === 'string' ? body.message : ''
    const field = typeof body.field === 'string' && body.field !== '' ? body.field : undefined
    return new BackendError(body.code, message, field)
  }
  if (typeof value === 'string') return new BackendError('internal', value)
  if (value instanceof Error) return new BackendError('internal', value.message)
  return new BackendError('internal', String(value))
}

/** Codes whose backend message names the limit, the field or what exactly is missing
 *  ("单位名称不能超过100个字", "还有3项未检查…", "缺少第一名执法人员的签名"). */
const WITH_REASON: ReadonlySet<string> = new Set([
  'too_long',
  'invalid_value',
  'incomplete',
  'signature_missing',
  'deadline_invalid',
  'attachment_invalid',
  'cannot_issue',
  'cannot_change',
  // The server's own Chinese reason (the pairing code is wrong or already used …).
  'sync_refused',
])
/** Codes whose backend message helps technical support, not the inspector. */
const WITH_TECHNICAL_DETAIL: ReadonlySet<string> = new Set([
  'bad_request',
  'unknown_command',
  'refused',
  'storage',
  'corrupt',
  'key_store',
  'internal',
  'bad_response',
  'sync_failed',
])

/** The backend's reason as added after the table's text: issue_document starts some of its
 *  reasons with "不能签发：", which the table's "文书不能签发。" already says. */
function reasonOf(err: BackendError): string {
  if (err.code === 'cannot_issue') return err.message.replace(/^不能签发[：:]\s*/, '') || err.message
  return err.message
}

/** The Chinese sentence to show for an error of any kind. */
export function describeError(error: unknown): string {
  const err = toBackendError(error)
  if (!isKnownCode(err.code)) {
    const detail = err.message ? `后台信息：${err.message}` : ''
    return `操作未完成（错误代码：${err.code}）。${detail}`
  }
  const text = ERROR_MESSAGES[err.code]
  if (!err.message) return text
  if (WITH_REASON.has(err.code)) return `${text}（${reasonOf(err)}）`
  if (WITH_TECHNICAL_DETAIL.has(err.code)) return `${text}技术信息：${err.message}`
  return text
}

/** Whether this error is about one input field and should be shown under it. */
export function fieldOf(error: unknown): string | undefined {
  return error instanceof BackendError ? error.field : undefined
}
