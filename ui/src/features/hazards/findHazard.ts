// The backend has no get_hazard: one hazard is found in the ledger, narrowed to its
// enterprise when that is known (the ledger's links say it), else page by page.

import { hazardLedger, type LedgerRow } from '../../lib/backend'

const PAGE = 500
/** A hazard not found in this many rows (without its enterprise) is reported missing. */
const MAX_SCAN = 100_000

export async function findHazard(id: string, enterpriseId?: string): Promise<LedgerRow | null> {
  const scopes = enterpriseId ? [{ enterpriseId }, {}] : [{}]
  for (const scope of scopes) {
    for (let offset = 0; offset < MAX_SCAN; offset += PAGE) {
      const page = await hazardLedger({ ...scope, limit: PAGE, offset })
      const row = page.items.find((r) => r.hazard.id === id)
      if (row) return row
      if (page.items.length < PAGE) break
    }
  }
  return null
}
