// The one interface between the UI and the backend. Components import from here only.

import { createHttpTransport } from './http'
import { createTauriTransport } from './tauri'
import type {
  AppInfo,
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
export { BackendError, describeError, fieldOf, ERROR_MESSAGES, BACKEND_ERROR_CODES } from './errors'

/** Inside the Tauri shell use IPC; anywhere else (tests, a plain browser) use HTTP. */
export function selectTransport(): Transport {
  const inTauri = typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window
  return inTauri ? createTauriTransport() : createHttpTransport()
}

let transport: Transport | undefined

function current(): Transport {
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
