// The Tauri transport: the desktop shell exposes one command, `call`, that takes the
// command name and its args. This is the only file that imports @tauri-apps.

import { invoke } from '@tauri-apps/api/core'
import { toBackendError } from './errors'
import type { ArgsOf, CommandName, ResultOf, Transport } from './types'

export function createTauriTransport(): Transport {
  return {
    async call<N extends CommandName>(name: N, args: ArgsOf<N>): Promise<ResultOf<N>> {
      try {
        return await invoke<ResultOf<N>>('call', { name, args: args ?? {} })
      } catch (e) {
        // The shell rejects with the same {code, message, field?} body as the HTTP backend.
        throw toBackendError(e)
      }
    },
  }
}
