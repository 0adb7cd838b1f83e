// The parts of the app that are not built yet. Each page says so plainly and lists
// what the part will do, so nobody mistakes it for a working feature.

import type { RouteRecordRaw } from 'vue-router'
import PlaceholderPage from './PlaceholderPage.vue'

export interface PlaceholderInfo {
  path: string
  name: string
  title: string
  /** One sentence: what the part is for and that it is not here yet. */
  summary: string
  planned: string[]
  /** What to use meanwhile, if anything. */
  meanwhile?: string
}

export const PLACEHOLDERS: PlaceholderInfo[] = [
  {
    path: '/sync',
    name: 'sync',
    title: '同步',
    summary: '数据同步功能正在开发中，本版本的数据只保存在这台电脑上。',
    planned: [
      '有网络时自动把本机数据上传到区局服务器，并取回其他人员的更新',
      '断网、重复上传都不会丢失或重复数据',
      '显示待上传的记录数量',
    ],
  },
]

export const placeholderRoutes: RouteRecordRaw[] = PLACEHOLDERS.map((p) => ({
  path: p.path,
  name: p.name,
  component: PlaceholderPage,
  props: { info: p },
  meta: { title: p.title },
}))
