// Chinese labels for enterprise fields and values, shared by detail page and form.

import type { EnterpriseInput, EnterpriseStatus, SupervisionClass } from '../../lib/backend'

export const FIELD_LABELS: Record<keyof EnterpriseInput, string> = {
  name: '单位名称',
  creditCode: '统一社会信用代码',
  creditCodeConfirmed: '信用代码已核对',
  address: '地址',
  divisionCode: '所属镇街',
  sectors: '行业领域',
  legalRepresentative: '法定代表人（负责人）',
  safetyContact: '安全负责人',
  contactPhone: '联系电话',
  supervisionClass: '监管分级',
  status: '经营状态',
}

export const STATUS_LABELS: Record<EnterpriseStatus, string> = {
  operating: '在营',
  suspended: '停产',
  closed: '关闭',
}

export const STATUS_OPTIONS = Object.entries(STATUS_LABELS) as [EnterpriseStatus, string][]

export const SUPERVISION_CLASSES: SupervisionClass[] = ['A', 'B', 'C', 'D']

export function supervisionLabel(value: SupervisionClass | null): string {
  return value ? `${value}级` : '未分级'
}

/** "2026-03-01T08:30:00Z" → "2026年3月1日 16:30" in local time; unparsable text as it is. */
export function formatDateTime(value: string): string {
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${pad(d.getHours())}:${pad(d.getMinutes())}`
}
