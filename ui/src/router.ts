import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import NotFoundPage from './components/NotFoundPage.vue'
import EnterpriseDetailPage from './features/enterprises/EnterpriseDetailPage.vue'
import EnterpriseFormPage from './features/enterprises/EnterpriseFormPage.vue'
import EnterpriseListPage from './features/enterprises/EnterpriseListPage.vue'
import { placeholderRoutes } from './features/placeholder/placeholders'
import SettingsPage from './features/settings/SettingsPage.vue'

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/enterprises' },
  { path: '/enterprises', name: 'enterprises', component: EnterpriseListPage, meta: { title: '单位' } },
  { path: '/enterprises/new', name: 'enterprise-new', component: EnterpriseFormPage, meta: { title: '新增单位' } },
  {
    path: '/enterprises/:id',
    name: 'enterprise',
    component: EnterpriseDetailPage,
    props: true,
    meta: { title: '单位详情' },
  },
  {
    path: '/enterprises/:id/edit',
    name: 'enterprise-edit',
    component: EnterpriseFormPage,
    props: true,
    meta: { title: '编辑单位' },
  },
  {
    path: '/enterprises/:id/review',
    name: 'enterprise-review',
    component: () => import('./features/hazards/ReviewPage.vue'),
    props: true,
    meta: { title: '复查' },
  },
  {
    path: '/tasks',
    name: 'tasks',
    component: () => import('./features/tasks/TaskListPage.vue'),
    meta: { title: '我的任务' },
  },
  {
    path: '/inspections',
    name: 'inspections',
    component: () => import('./features/inspections/InspectionListPage.vue'),
    meta: { title: '检查' },
  },
  {
    path: '/inspections/new',
    name: 'inspection-new',
    component: () => import('./features/inspections/NewInspectionPage.vue'),
    meta: { title: '新建检查' },
  },
  {
    path: '/inspections/:id',
    name: 'inspection',
    component: () => import('./features/inspections/InspectionPage.vue'),
    props: true,
    meta: { title: '检查' },
  },
  {
    path: '/inspections/:id/finish',
    name: 'inspection-finish',
    component: () => import('./features/inspections/FinishInspectionPage.vue'),
    props: true,
    meta: { title: '完成检查' },
  },
  {
    path: '/hazards',
    name: 'hazards',
    component: () => import('./features/hazards/HazardLedgerPage.vue'),
    meta: { title: '隐患台账' },
  },
  {
    path: '/hazards/:id',
    name: 'hazard',
    component: () => import('./features/hazards/HazardDetailPage.vue'),
    props: true,
    meta: { title: '隐患详情' },
  },
  {
    path: '/documents',
    name: 'documents',
    component: () => import('./features/documents/DocumentListPage.vue'),
    meta: { title: '文书' },
  },
  {
    path: '/documents/:id',
    name: 'document',
    component: () => import('./features/documents/DocumentDetailPage.vue'),
    props: true,
    meta: { title: '文书' },
  },
  {
    path: '/sync',
    name: 'sync',
    component: () => import('./features/sync/SyncPage.vue'),
    meta: { title: '同步' },
  },
  ...placeholderRoutes,
  { path: '/settings', name: 'settings', component: SettingsPage, meta: { title: '设置' } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: NotFoundPage, meta: { title: '页面不存在' } },
]

// Hash history: a reload works the same under the Tauri shell's custom protocol and
// the HTTP test backend, neither of which needs to know the UI's routes.
export const router = createRouter({
  history: createWebHashHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 安检` : '安检'
})
