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
}

export type CommandName = keyof Commands
export type ArgsOf<N extends CommandName> = Commands[N]['args']
export type ResultOf<N extends CommandName> = Commands[N]['result']

/** One way of reaching the backend (Tauri IPC or HTTP). Failures reject with BackendError. */
export interface Transport {
  call<N extends CommandName>(name: N, args: ArgsOf<N>): Promise<ResultOf<N>>
}
