// The UI's side of the command table. Every type a command takes or returns is generated
// from the Rust types (generated.ts, by ts-rs from crates/api's table); none is written here.

import type { Commands } from './generated'

export type * from './generated'
export type { FinishDraft, FinishDraftHazard } from './finishDraft'

export type CommandName = keyof Commands
export type ArgsOf<N extends CommandName> = Commands[N]['args']
export type ResultOf<N extends CommandName> = Commands[N]['result']

/** One way of reaching the backend (Tauri IPC or HTTP). Failures reject with BackendError. */
export interface Transport {
  call<N extends CommandName>(name: N, args: ArgsOf<N>): Promise<ResultOf<N>>
}
