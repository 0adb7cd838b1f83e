import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHttpTransport } from './http'
import { BackendError } from './errors'
import type { Profile } from './types'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('http transport', () => {
  it('POSTs the args as JSON to /api/call/<name> and returns the result', async () => {
    const fetchMock = vi.fn(async () => json(200, { total: 1, items: [] }))
    const t = createHttpTransport({ fetch: fetchMock })

    const result = await t.call('search_enterprises', { query: '矿', limit: 20, offset: 0 })

    expect(result).toEqual({ total: 1, items: [] })
    expect(fetchMock).toHaveBeenCalledTimes(1)
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('/api/call/search_enterprises')
    expect(init.method).toBe('POST')
    expect(new Headers(init.headers).get('content-type')).toBe('application/json')
    expect(JSON.parse(init.body as string)).toEqual({ query: '矿', limit: 20, offset: 0 })
  })

  it('uses the global fetch and a base URL', async () => {
    const fetchMock = vi.fn(async () => json(200, null))
    vi.stubGlobal('fetch', fetchMock)
    const t = createHttpTransport({ baseUrl: 'http://127.0.0.1:9999' })

    const profile: Profile | null = await t.call('get_profile', {})

    expect(profile).toBeNull()
    expect((fetchMock.mock.calls[0] as unknown as [string])[0]).toBe('http://127.0.0.1:9999/api/call/get_profile')
  })

  it('turns a non-2xx {code, message, field} body into a BackendError', async () => {
    const t = createHttpTransport({
      fetch: async () => json(422, { code: 'phone_invalid', message: 'bad phone', field: 'contactPhone' }),
    })

    const err = await t.call('check_credit_code', { code: 'x' }).catch((e: unknown) => e)

    expect(err).toBeInstanceOf(BackendError)
    expect(err).toMatchObject({ code: 'phone_invalid', message: 'bad phone', field: 'contactPhone' })
  })

  it('maps a non-JSON error body to internal / bad_request by status', async () => {
    const t500 = createHttpTransport({ fetch: async () => new Response('oops', { status: 500 }) })
    await expect(t500.call('app_info', {})).rejects.toMatchObject({ code: 'internal' })

    const t404 = createHttpTransport({ fetch: async () => new Response('nope', { status: 404 }) })
    await expect(t404.call('app_info', {})).rejects.toMatchObject({ code: 'bad_request' })
  })

  it('reports a failed connection as network', async () => {
    const t = createHttpTransport({
      fetch: async () => {
        throw new TypeError('fetch failed')
      },
    })
    await expect(t.call('app_info', {})).rejects.toMatchObject({ code: 'network' })
  })

  it('reports a 2xx body that is not JSON as bad_response', async () => {
    const t = createHttpTransport({ fetch: async () => new Response('<html>', { status: 200 }) })
    await expect(t.call('app_info', {})).rejects.toMatchObject({ code: 'bad_response' })
  })
})
