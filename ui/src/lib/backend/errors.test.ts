import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  BACKEND_ERROR_CODES,
  BackendError,
  CLIENT_ERROR_CODES,
  ERROR_MESSAGES,
  describeError,
  fieldOf,
  toBackendError,
} from './errors'

const HAN = /[\u4e00-\u9fff]/
const SYNC_CODES = ['not_paired', 'sync_unreachable', 'sync_refused', 'sync_failed']

describe('ERROR_MESSAGES', () => {
  it.each([...BACKEND_ERROR_CODES, ...CLIENT_ERROR_CODES])('has a Chinese message for %s', (code) => {
    const text = ERROR_MESSAGES[code]
    expect(text).toMatch(HAN)
    expect(text.length).toBeGreaterThan(5)
    expect(describeError(new BackendError(code, 'english detail')).startsWith(text)).toBe(true)
    expect(describeError(new BackendError(code, ''))).toBe(text)
  })

  it('covers every code the backend declares (crates/api/src/error.rs CODES)', () => {
    const source = readFileSync(fileURLToPath(new URL('../../../../crates/api/src/error.rs', import.meta.url)), 'utf8')
    const list = /pub const CODES: &\[&str\] = &\[([^\]]*)\]/.exec(source)
    expect(list, 'CODES not found in error.rs').not.toBeNull()
    const declared = [...list![1]!.matchAll(/"([a-z_]+)"/g)].map((m) => m[1])
    expect([...BACKEND_ERROR_CODES].sort()).toEqual(declared.sort())
  })

  it('has text for the sync commands\' codes (docs/api.md "Sync")', () => {
    for (const code of SYNC_CODES) expect(BACKEND_ERROR_CODES).toContain(code)
    expect(ERROR_MESSAGES.sync_unreachable).toContain('连不上服务器')
    expect(ERROR_MESSAGES.not_paired).toContain('配对')
  })

  it('covers the codes of the brief', () => {
    for (const code of [
      'bad_request', 'unknown_command', 'not_found', 'conflict', 'required', 'too_long',
      'invalid_value', 'credit_code_length', 'credit_code_chars', 'credit_code_type',
      'credit_code_division', 'credit_code_check', 'credit_code_duplicate', 'phone_invalid',
      'division_unknown', 'sector_unknown', 'sector_required', 'cert_no_invalid', 'storage',
      'corrupt', 'internal',
    ]) {
      expect(BACKEND_ERROR_CODES).toContain(code)
    }
  })

  it('tells the user to reload on conflict and that a bad check digit can be confirmed', () => {
    expect(ERROR_MESSAGES.conflict).toContain('重新加载')
    expect(ERROR_MESSAGES.credit_code_check).toContain('核对营业执照')
  })
})

describe('describeError', () => {
  it('gives a generic Chinese message plus the backend message for an unknown code', () => {
    const text = describeError(new BackendError('quota_exceeded', 'disk quota exceeded'))
    expect(text).toMatch(HAN)
    expect(text).toContain('quota_exceeded')
    expect(text).toContain('disk quota exceeded')
  })

  it('handles plain errors and strings as internal, keeping the text for support', () => {
    expect(describeError(new Error('boom'))).toBe(`${ERROR_MESSAGES.internal}技术信息：boom`)
    expect(describeError('boom')).toBe(`${ERROR_MESSAGES.internal}技术信息：boom`)
  })

  it('adds the backend reason where it names a limit, and only there', () => {
    expect(describeError(new BackendError('too_long', '单位名称不能超过100个字', 'name'))).toBe(
      `${ERROR_MESSAGES.too_long}（单位名称不能超过100个字）`,
    )
    expect(describeError(new BackendError('required', '请填写名称', 'name'))).toBe(ERROR_MESSAGES.required)
    expect(describeError(new BackendError('storage', 'disk I/O error'))).toContain('disk I/O error')
  })
})

describe('inspection errors, as a field inspector reads them', () => {
  it('says how many items are still open, and which signature is missing', () => {
    expect(describeError(new BackendError('incomplete', '还有3项未检查，请逐项选择“符合”“不符合”或“不适用”'))).toBe(
      '检查表还没有逐项填完，检查不能完成。（还有3项未检查，请逐项选择“符合”“不符合”或“不适用”）',
    )
    expect(describeError(new BackendError('signature_missing', '缺少第一名执法人员的签名'))).toBe(
      '签名不全，检查不能完成。（缺少第一名执法人员的签名）',
    )
  })

  it('says where to go when the profile is missing, and why a second officer is needed', () => {
    expect(describeError(new BackendError('no_profile', '请先在“设置”中填写本人姓名和执法证号'))).toContain('“设置”')
    expect(describeError(new BackendError('same_officer', ''))).toContain('两名不同的执法人员')
  })

  it('keeps the reason a deadline or photo was refused', () => {
    expect(describeError(new BackendError('deadline_invalid', '整改期限不能早于今天'))).toContain('不能早于今天')
    expect(describeError(new BackendError('attachment_invalid', '只能添加 JPEG、PNG 或 WebP 格式的照片'))).toContain('JPEG')
  })
})

describe('toBackendError', () => {
  it('keeps code, message and field of an error body', () => {
    const err = toBackendError({ code: 'required', message: 'name is required', field: 'name' })
    expect(err).toBeInstanceOf(BackendError)
    expect(err.code).toBe('required')
    expect(err.message).toBe('name is required')
    expect(err.field).toBe('name')
    expect(fieldOf(err)).toBe('name')
  })

  it('has no field when the body has none', () => {
    expect(toBackendError({ code: 'storage', message: 'x' }).field).toBeUndefined()
    expect(fieldOf(new Error('x'))).toBeUndefined()
  })
})

describe('document errors', () => {
  it('gives the reason a document cannot be issued, without saying 不能签发 twice', () => {
    expect(describeError(new BackendError('cannot_issue', '不能签发：执法人员不足两名：执法文书须由两名以上执法人员出具'))).toBe(
      '文书不能签发。（执法人员不足两名：执法文书须由两名以上执法人员出具）',
    )
    expect(describeError(new BackendError('cannot_issue', '复查意见书须引用一份已签发且未作废的责令限期整改指令书'))).toBe(
      '文书不能签发。（复查意见书须引用一份已签发且未作废的责令限期整改指令书）',
    )
  })
})

describe('sync errors', () => {
  it('shows the server\'s reason for a refusal, and what failed for support', () => {
    expect(describeError(new BackendError('sync_refused', '配对码不正确或已被使用'))).toBe(
      '服务器拒绝了请求。（配对码不正确或已被使用）',
    )
    expect(describeError(new BackendError('sync_unreachable', '连不上区局服务器：请检查服务器地址和网络'))).toBe(
      ERROR_MESSAGES.sync_unreachable,
    )
    expect(describeError(new BackendError('sync_failed', 'HTTP 502'))).toBe(`${ERROR_MESSAGES.sync_failed}技术信息：HTTP 502`)
    expect(
      describeError(new BackendError('invalid_value', '服务器地址应以 http:// 或 https:// 开头，例如 http://127.0.0.1:8470', 'server')),
    ).toContain('应以 http://')
  })
})
