// The HTTP transport: the test backend (ui-backend) and any browser without Tauri.
// POST /api/call/<name> with the args as JSON; 2xx → result, otherwise {code, message, field?}.

import { BackendError, toBackendError } from './errors'
import type { ArgsOf, CommandName, ResultOf, Transport } from './types'

export interface HttpTransportOptions {
  /** Prefix before /api/call (empty: same origin as the page). */
  baseUrl?: string
  fetch?: typeof fetch
}

export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  const baseUrl = options.baseUrl ?? ''
  // Looked up at call time so tests can stub the global fetch after creation.
  const doFetch = (input: string, init: RequestInit) => (options.fetch ?? fetch)(input, init)

  return {
    async call<N extends CommandName>(name: N, args: ArgsOf<N>): Promise<ResultOf<N>> {
      let response: Response
      try {
        response = await doFetch(`${baseUrl}/api/call/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(args ?? {}),
        })
      } catch (e) {
        throw new BackendError('network', e instanceof Error ? e.message : String(e))
      }

      const text = await response.text()
      let body: unknown
      try {
        body = text === '' ? null : JSON.parse(text)
      } catch {
        if (response.ok) throw new BackendError('bad_response', `not JSON: ${text.slice(0, 200)}`)
        throw new BackendError(
          response.status >= 500 ? 'internal' : 'bad_request',
          `HTTP ${response.status}: ${text.slice(0, 200)}`,
        )
      }

      if (!response.ok) {
        if (body && typeof body === 'object' && 'code' in body) throw toBackendError(body)
        throw new BackendError(
          response.status >= 500 ? 'internal' : 'bad_request',
          `HTTP ${response.status}: ${text.slice(0, 200)}`,
        )
      }
      return body as ResultOf<N>
    },
  }
}
