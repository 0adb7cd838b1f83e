// The one sync_status poller of the app, shared by the navigation's mark and the 同步 page:
// every 5 s, every second while the 同步 page is open or a sync runs. When `received`
// grows between two answers, the rest of the app is told the data changed (dataChanged.ts).

import { computed, getCurrentScope, onScopeDispose, ref, shallowRef } from 'vue'
import { describeError, syncStatus as fetchSyncStatus, type SyncStatus } from '../../lib/backend'
import { notifyDataChanged } from '../../lib/dataChanged'
import { pollInterval, receivedGrew } from './syncFormat'

const status = shallowRef<SyncStatus | null>(null)
/** The last poll's failure in Chinese; '' once sync_status answers. */
const pollError = ref('')

let started = false
let fastHolders = 0
let timer: ReturnType<typeof setTimeout> | undefined
let inFlight: Promise<void> | null = null
/** Commands that answer with the status (pairing can take a while); polls wait for them. */
let commandsRunning = 0
/** Each request gets a number when sent; an answer older than the one shown is dropped. */
let issued = 0
let applied = 0
let lastReceived: number | null = null

function accept(n: number, next: SyncStatus) {
  if (n < applied) return
  applied = n
  if (receivedGrew(lastReceived, next.received)) notifyDataChanged()
  lastReceived = next.received
  status.value = next
  pollError.value = ''
}

function schedule() {
  if (timer !== undefined) clearTimeout(timer)
  timer = undefined
  if (!started) return
  timer = setTimeout(() => void poll(), pollInterval(fastHolders > 0, status.value?.state))
}

/** Asks sync_status now (or joins the request under way). */
function poll(): Promise<void> {
  if (inFlight) return inFlight
  if (commandsRunning > 0) {
    schedule()
    return Promise.resolve()
  }
  const n = ++issued
  inFlight = (async () => {
    try {
      accept(n, await fetchSyncStatus())
    } catch (e) {
      if (n >= applied) pollError.value = describeError(e)
    } finally {
      inFlight = null
      schedule()
    }
  })()
  return inFlight
}

/** Runs sync_now, sync_pair or sync_unpair and shows its answer at once. Rejects as the command does. */
async function run(command: () => Promise<SyncStatus>): Promise<SyncStatus> {
  commandsRunning++
  const n = ++issued
  try {
    const next = await command()
    accept(n, next)
    return next
  } finally {
    commandsRunning--
    schedule()
  }
}

function start() {
  if (started) return
  started = true
  void poll()
}

/**
 * The shared sync status. `fast`: poll every second while the calling component lives
 * (the 同步 page). The first use starts the poller; it then runs for the whole session.
 */
export function useSyncStatus(options: { fast?: boolean } = {}) {
  start()
  if (options.fast) {
    fastHolders++
    void poll()
    if (getCurrentScope()) {
      onScopeDispose(() => {
        fastHolders--
        schedule()
      })
    }
  }
  return {
    status: computed(() => status.value),
    pollError: computed(() => pollError.value),
    /** Whether sync_status has answered at least once. */
    loaded: computed(() => status.value !== null),
    refresh: poll,
    run,
  }
}

/** Unit tests: stops the poller and forgets everything. */
export function resetSyncStatus(): void {
  started = false
  fastHolders = 0
  if (timer !== undefined) clearTimeout(timer)
  timer = undefined
  inFlight = null
  commandsRunning = 0
  issued = 0
  applied = 0
  lastReceived = null
  status.value = null
  pollError.value = ''
}
