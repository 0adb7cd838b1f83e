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

// None at the moment: 同步 was the last (features/sync).
export const PLACEHOLDERS: PlaceholderInfo[] = []

export const placeholderRoutes: RouteRecordRaw[] = PLACEHOLDERS.map((p) => ({
  path: p.path,
  name: p.name,
  component: PlaceholderPage,
  props: { info: p },
  meta: { title: p.title },
}))
