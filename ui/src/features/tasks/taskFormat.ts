// How 我的任务 names a task's month and state, in Chinese whatever the web view's locale.
import type { TaskState } from '../../lib/backend'

/** "2026-12" → "2026年12月" (anything else is shown as given). */
export function monthLabel(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month)
  return m ? `${m[1]}年${Number(m[2])}月` : month
}

export const stateLabel: Record<TaskState, string> = {
  overdue: '逾期未检查',
  due: '本月应检查',
  upcoming: '以后月份',
  done: '已完成',
  cancelled: '已取消',
}

/** The groups of the page, in the order an inspector works through them. */
export const stateOrder: TaskState[] = ['overdue', 'due', 'upcoming', 'done', 'cancelled']

export const sourceLabel = (source: string): string => (source === 'draw' ? '双随机抽查' : '年度计划')
