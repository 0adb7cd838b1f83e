// A sync status for the tests: paired, idle, synced, nothing waiting; `over` changes it.
import type { SyncStatus } from '../../lib/backend'

export function syncStatus(over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    paired: true,
    server: 'http://127.0.0.1:8470',
    deviceName: '执法终端',
    inspectorName: '王磊',
    inspectorCertNo: '11010923001',
    state: 'idle',
    phase: null,
    progress: null,
    lastSyncAt: '2026-03-01T08:30:00Z',
    lastAttemptAt: '2026-03-01T08:30:00Z',
    lastError: null,
    pending: { changes: 0, attachments: 0 },
    received: 0,
    problems: [],
    clockOffMinutes: null,
    revokedAt: null,
    wipedNotice: null,
    ...over,
  }
}
