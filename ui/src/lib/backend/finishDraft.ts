// The finish page's draft: the UI's own shape, which the backend keeps as it comes
// (save_finish_draft) and hands back (get_inspection's finishDraft).

import type { HazardLevel } from './generated'

/** One hazard of the finish page as edited (see FinishDraft). */
export interface FinishDraftHazard {
  /** Stable key of the proposal on the page (item-<code> or free-<n>). */
  key: string
  /** The checklist item it comes from; absent for a hazard added by hand. */
  itemCode?: string
  description: string
  level: HazardLevel
  /** YYYY-MM-DD */
  deadline: string
  /** The description was changed by hand (otherwise it follows the item's note). */
  descriptionEdited?: boolean
  /** The deadline was changed by hand (otherwise it follows the level and today). */
  deadlineEdited?: boolean
}

/** What the finish page keeps while the inspector works (save_finish_draft). The backend
 *  stores any JSON object; this is the UI's own shape. Signatures are not kept. */
export interface FinishDraft {
  version: 1
  /** The hazards as shown, in order (proposals from items and hazards added by hand). */
  hazards: FinishDraftHazard[]
  /** Item codes whose proposed hazard the inspector deleted. */
  removed: string[]
  /** The unit's person refused to sign. */
  unitRefused: boolean
}
