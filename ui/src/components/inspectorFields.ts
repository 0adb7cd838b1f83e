// The fields of an officer's form, shared by the profile and the colleagues list.
import type { InspectorInput } from '../lib/backend'

export const INSPECTOR_LABELS: Record<keyof InspectorInput, string> = { name: '姓名', certNo: '执法证号', unit: '所属单位' }
export const INSPECTOR_KEYS = Object.keys(INSPECTOR_LABELS) as (keyof InspectorInput)[]

/** Whether an error's field is one of the form's (else it is shown for the whole form). */
export function isInspectorField(field: string | undefined): field is keyof InspectorInput {
  return field !== undefined && field in INSPECTOR_LABELS
}
