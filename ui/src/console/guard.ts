// Where a navigation may go, given who is signed in. One pure function, so the rules can
// be tested without a router:
//   - nobody signed in: only /login (the rest go there, remembering where they were going);
//   - signed in on the one-time password: only /password until it is changed;
//   - signed in: /login leads on to where the user was going (or 总览);
//   - pages for 管理员 only: the others see 无权查看.

import type { LocationQuery, RouteLocationRaw, RouteMeta } from 'vue-router'
import type { Me } from './api/client'

export interface Target {
  name?: string | symbol | null
  path: string
  fullPath: string
  query: LocationQuery
  meta: RouteMeta
}

/** A path inside the console to go on to after signing in; else 总览. */
export function safeRedirect(value: unknown): string {
  const v = Array.isArray(value) ? value[0] : value
  if (typeof v !== 'string' || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return '/'
  if (/^\/(login|password)(\/|\?|#|$)/.test(v)) return '/'
  return v
}

/** The query that remembers where the user was going (nothing for 总览). */
const remember = (fullPath: string) => (safeRedirect(fullPath) === '/' ? {} : { redirect: fullPath })

export function decide(to: Target, me: Me | null): true | RouteLocationRaw {
  if (to.name === 'login') {
    if (!me) return true
    if (me.mustChangePassword) return { name: 'password', query: remember(safeRedirect(to.query.redirect)) }
    return safeRedirect(to.query.redirect)
  }
  if (!me) {
    const going = to.name === 'password' ? safeRedirect(to.query.redirect) : to.fullPath
    return { name: 'login', query: remember(going) }
  }
  if (me.mustChangePassword && to.name !== 'password') return { name: 'password', query: remember(to.fullPath) }
  if (to.meta.adminOnly && me.role !== 'admin') return { name: 'forbidden' }
  return true
}
