import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { decide } from './guard'
import LoginPage from './pages/LoginPage.vue'
import { ensureSession } from './session'

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: LoginPage, meta: { title: '登录', bare: true } },
  {
    path: '/password',
    name: 'password',
    component: () => import('./pages/PasswordPage.vue'),
    meta: { title: '修改密码', bare: true },
  },
  // 总览 carries the charts (ECharts): its own chunk, so the login page needs none of it.
  { path: '/', name: 'overview', component: () => import('./pages/OverviewPage.vue'), meta: { title: '总览' } },
  { path: '/hazards', name: 'hazards', component: () => import('./pages/HazardsPage.vue'), meta: { title: '隐患台账' } },
  {
    path: '/inspections',
    name: 'inspections',
    component: () => import('./pages/InspectionsPage.vue'),
    meta: { title: '检查' },
  },
  {
    path: '/inspections/:id',
    name: 'inspection',
    component: () => import('./pages/InspectionPage.vue'),
    meta: { title: '检查详情' },
  },
  {
    path: '/documents',
    name: 'documents',
    component: () => import('./pages/DocumentsPage.vue'),
    meta: { title: '文书' },
  },
  {
    path: '/documents/:id',
    name: 'document',
    component: () => import('./pages/DocumentPage.vue'),
    meta: { title: '文书详情' },
  },
  {
    path: '/enterprises',
    name: 'enterprises',
    component: () => import('./pages/EnterprisesPage.vue'),
    meta: { title: '单位' },
  },
  {
    path: '/enterprises/:id',
    name: 'enterprise',
    component: () => import('./pages/EnterprisePage.vue'),
    meta: { title: '单位详情' },
  },
  {
    path: '/people',
    name: 'people',
    component: () => import('./pages/PeoplePage.vue'),
    meta: { title: '人员与设备' },
  },
  {
    path: '/checklists',
    name: 'checklists',
    component: () => import('./pages/ChecklistsPage.vue'),
    meta: { title: '检查表' },
  },
  {
    path: '/plan',
    name: 'plan',
    component: () => import('./pages/PlanPage.vue'),
    meta: { title: '分类分级' },
  },
  {
    path: '/year-plan',
    name: 'year-plan',
    component: () => import('./pages/YearPlanPage.vue'),
    meta: { title: '年度计划' },
  },
  {
    path: '/draws',
    name: 'draws',
    component: () => import('./pages/DrawsPage.vue'),
    meta: { title: '双随机抽查' },
  },
  {
    path: '/draws/:id',
    name: 'draw',
    component: () => import('./pages/DrawPage.vue'),
    meta: { title: '抽取结果' },
  },
  {
    path: '/tasks',
    name: 'tasks',
    component: () => import('./pages/TasksPage.vue'),
    meta: { title: '检查任务' },
  },
  {
    path: '/audit',
    name: 'audit',
    component: () => import('./pages/AuditPage.vue'),
    meta: { title: '审计日志', adminOnly: true },
  },
  {
    path: '/forbidden',
    name: 'forbidden',
    component: () => import('./pages/ForbiddenPage.vue'),
    meta: { title: '无权查看' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./pages/NotFoundPage.vue'),
    meta: { title: '页面不存在' },
  },
]

// History mode: the server serves index.html for every path that is not an API.
export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: (to, from, saved) => saved ?? (to.path === from.path ? false : { top: 0 }),
})

router.beforeEach(async (to) => decide(to, await ensureSession()))

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 安检控制台` : '安检 · 区应急管理局控制台'
})
