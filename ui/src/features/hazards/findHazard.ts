// One hazard's ledger row (with its enterprise's name and whether it is overdue).

import { BackendError, getHazard, type LedgerRow } from '../../lib/backend'

/** The hazard's row, or null when it does not exist. */
export async function findHazard(id: string): Promise<LedgerRow | null> {
  try {
    return await getHazard(id)
  } catch (e) {
    if (e instanceof BackendError && e.code === 'not_found') return null
    throw e
  }
}
