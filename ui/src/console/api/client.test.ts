import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  ApiError,
  documentPdfUrl,
  enterprise,
  errorOf,
  hazards,
  login,
  logout,
  me,
  queryString,
  setUnauthorizedHandler,
} from './client'

const ME = { name: '王芳', role: 'admin', mustChangePassword: false, csrf: 'token-1' }

function answer(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

afterEach(() => {
  vi.unstubAllGlobals()
  setUnauthorizedHandler(() => {})
})

describe('errorOf', () => {
  it('shows the server message', () => {
    const e = errorOf(423, { code: 'locked', message: '账号已锁定，请15分钟后再试。' })
    expect(e).toBeInstanceOf(ApiError)
    expect(e.code).toBe('locked')
    expect(e.message).toBe('账号已锁定，请15分钟后再试。')
  })
  it('falls back to Chinese text when the server sent none', () => {
    expect(errorOf(401, { code: 'bad_login', message: '' }).message).toBe('用户名或密码错误。')
    expect(errorOf(403, null).message).toBe('您的账号没有查看此内容的权限。')
    expect(errorOf(502, 'Bad Gateway').message).toMatch(/服务器出错/)
  })
})

describe('queryString', () => {
  it('leaves out unset parameters', () => {
    expect(queryString({ from: '2026-01-01', town: '', overdue: true, offset: 0, q: undefined })).toBe(
      '?from=2026-01-01&overdue=true&offset=0',
    )
    expect(queryString({})).toBe('')
  })
})

describe('requests', () => {
  it('sends the CSRF token of the last Me with every POST, and none with GET', async () => {
    const calls: RequestInit[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        calls.push(init)
        return calls.length === 1 ? answer(200, ME) : calls.length === 2 ? answer(200, { rows: [], total: 0 }) : answer(204)
      }),
    )
    await login({ name: '王芳', password: 'x' })
    await hazards({ level: 'major' })
    await logout()
    expect(calls[0].credentials).toBe('same-origin')
    expect((calls[1].headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined()
    expect((calls[2].headers as Record<string, string>)['X-CSRF-Token']).toBe('token-1')
  })

  it('calls the handler when a data request finds no session', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    vi.stubGlobal('fetch', vi.fn(async () => answer(401, { code: 'unauthorized', message: '请先登录。' })))
    await expect(hazards({})).rejects.toMatchObject({ status: 401, message: '请先登录。' })
    expect(handler).toHaveBeenCalledOnce()
  })

  it('answers null from me() without a session, and a failed login is the form’s to show', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    vi.stubGlobal('fetch', vi.fn(async () => answer(401, { code: 'bad_login', message: '用户名或密码错误。' })))
    expect(await me()).toBeNull()
    await expect(login({ name: 'a', password: 'b' })).rejects.toMatchObject({ code: 'bad_login' })
    expect(handler).not.toHaveBeenCalled()
  })

  it('turns an unreachable server into a Chinese message', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    await expect(hazards({})).rejects.toMatchObject({ code: 'network', status: 0 })
  })
})

describe('documents and enterprises', () => {
  it('gives the same-origin address of a document’s PDF', () => {
    expect(documentPdfUrl('doc-1')).toBe('/api/console/documents/doc-1/pdf')
    expect(documentPdfUrl('a/b c')).toBe('/api/console/documents/a%2Fb%20c/pdf')
  })

  it('asks for one enterprise by its id, and an unknown one is a 404', async () => {
    const urls: string[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        urls.push(url)
        return answer(404, { code: 'not_found', message: '没有这个单位' })
      }),
    )
    await expect(enterprise('e 1')).rejects.toMatchObject({ status: 404, code: 'not_found', message: '没有这个单位' })
    expect(urls).toEqual(['/api/console/enterprises/e%201'])
  })
})
