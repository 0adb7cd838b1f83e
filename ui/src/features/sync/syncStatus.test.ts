import { syncStatus } from './statusFixture'
import { effectScope } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setTransport, type SyncStatus, type Transport } from '../../lib/backend'
import { onDataChanged, resetDataChanged } from '../../lib/dataChanged'
import { resetSyncStatus, useSyncStatus } from './syncStatus'

const status = syncStatus

/** A backend whose sync_status answers with `current`, counting the calls. */
function fakeBackend(initial: SyncStatus) {
  const backend = { current: initial, calls: 0 }
  setTransport({
    call: async (name: string) => {
      if (name !== 'sync_status') throw new Error(`unexpected ${name}`)
      backend.calls++
      return backend.current
    },
  } as unknown as Transport)
  return backend
}

beforeEach(() => {
  vi.useFakeTimers()
  resetSyncStatus()
  resetDataChanged()
})
afterEach(() => {
  resetSyncStatus()
  resetDataChanged()
  setTransport(undefined)
  vi.useRealTimers()
})

describe('useSyncStatus', () => {
  it('is one poller for the app: every 5 s, every second while a page asks for it', async () => {
    const backend = fakeBackend(status())
    const nav = useSyncStatus()
    useSyncStatus() // a second user does not start a second poller
    await vi.advanceTimersByTimeAsync(0)
    expect(backend.calls).toBe(1)
    expect(nav.status.value?.state).toBe('idle')

    await vi.advanceTimersByTimeAsync(5_000)
    expect(backend.calls).toBe(2)

    const page = effectScope()
    page.run(() => useSyncStatus({ fast: true }))
    await vi.advanceTimersByTimeAsync(0)
    expect(backend.calls).toBe(3) // at once when the page opens
    await vi.advanceTimersByTimeAsync(3_000)
    expect(backend.calls).toBe(6)

    page.stop()
    await vi.advanceTimersByTimeAsync(4_999)
    expect(backend.calls).toBe(6)
    await vi.advanceTimersByTimeAsync(1)
    expect(backend.calls).toBe(7)
  })

  it('polls every second while a sync runs, wherever the inspector is', async () => {
    const backend = fakeBackend(status({ state: 'syncing', phase: 'pull' }))
    useSyncStatus()
    await vi.advanceTimersByTimeAsync(2_000)
    expect(backend.calls).toBe(3)
    backend.current = status()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(backend.calls).toBe(4)
    await vi.advanceTimersByTimeAsync(4_000)
    expect(backend.calls).toBe(4)
  })

  it('tells the app when received grows, not on the first answer', async () => {
    const backend = fakeBackend(status({ received: 10 }))
    const changed = vi.fn()
    onDataChanged(changed)
    useSyncStatus()
    await vi.advanceTimersByTimeAsync(0)
    expect(changed).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(changed).not.toHaveBeenCalled()
    backend.current = status({ received: 25 })
    await vi.advanceTimersByTimeAsync(5_000)
    expect(changed).toHaveBeenCalledTimes(1)
  })

  it('shows a command\'s answer at once, and drops an older poll answer arriving after it', async () => {
    let answerPoll: (s: SyncStatus) => void = () => {}
    setTransport({
      call: (name: string) =>
        name === 'sync_status' ? new Promise<SyncStatus>((resolve) => (answerPoll = resolve)) : Promise.reject(new Error(name)),
    } as unknown as Transport)
    const { status: shown, run } = useSyncStatus()
    await vi.advanceTimersByTimeAsync(0)

    await run(async () => status({ state: 'syncing', phase: 'push' }))
    expect(shown.value?.state).toBe('syncing')
    answerPoll(status({ state: 'idle' }))
    await vi.advanceTimersByTimeAsync(0)
    expect(shown.value?.state).toBe('syncing')
  })

  it('keeps the failure in Chinese when sync_status cannot be read, and goes on polling', async () => {
    let calls = 0
    setTransport({
      call: async () => {
        calls++
        throw { code: 'unknown_command', message: 'sync_status' }
      },
    } as unknown as Transport)
    const { pollError, status: shown } = useSyncStatus()
    await vi.advanceTimersByTimeAsync(0)
    expect(pollError.value).toContain('软件版本')
    expect(shown.value).toBeNull()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(calls).toBe(2)
  })
})
