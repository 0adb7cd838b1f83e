import { describe, expect, it } from 'vitest'
import type { Me } from './api/client'
import { decide, safeRedirect, type Target } from './guard'

const admin: Me = { name: '王芳', role: 'admin', mustChangePassword: false, csrf: 't' }
const leader: Me = { ...admin, name: '李明', role: 'leader' }
const fresh: Me = { ...admin, mustChangePassword: true }

function to(name: string, fullPath: string, extra: Partial<Target> = {}): Target {
  const [path, search = ''] = fullPath.split('?')
  return { name, path, fullPath, query: Object.fromEntries(new URLSearchParams(search)), meta: {}, ...extra }
}

describe('decide', () => {
  it('sends nobody to the login page, remembering where they were going', () => {
    expect(decide(to('hazards', '/hazards?level=major'), null)).toEqual({
      name: 'login',
      query: { redirect: '/hazards?level=major' },
    })
    expect(decide(to('overview', '/'), null)).toEqual({ name: 'login', query: {} })
    expect(decide(to('login', '/login'), null)).toBe(true)
  })

  it('keeps someone on the one-time password on /password', () => {
    expect(decide(to('hazards', '/hazards'), fresh)).toEqual({ name: 'password', query: { redirect: '/hazards' } })
    expect(decide(to('overview', '/'), fresh)).toEqual({ name: 'password', query: {} })
    expect(decide(to('password', '/password'), fresh)).toBe(true)
    expect(decide(to('login', '/login?redirect=/audit'), fresh)).toEqual({
      name: 'password',
      query: { redirect: '/audit' },
    })
  })

  it('leads a signed-in user on from the login page', () => {
    expect(decide(to('login', '/login?redirect=/inspections'), admin)).toBe('/inspections')
    expect(decide(to('login', '/login'), admin)).toBe('/')
  })

  it('lets a signed-in user change the password of their own accord', () => {
    expect(decide(to('password', '/password'), leader)).toBe(true)
  })

  it('shows admin pages to admins only', () => {
    const audit = to('audit', '/audit', { meta: { adminOnly: true } })
    expect(decide(audit, admin)).toBe(true)
    expect(decide(audit, leader)).toEqual({ name: 'forbidden' })
  })
})

describe('safeRedirect', () => {
  it('keeps paths inside the console', () => {
    expect(safeRedirect('/hazards?overdue=true')).toBe('/hazards?overdue=true')
  })
  it('refuses other sites, the sign-in pages and nonsense', () => {
    expect(safeRedirect('//evil.example')).toBe('/')
    expect(safeRedirect('https://evil.example')).toBe('/')
    expect(safeRedirect('/\\evil.example')).toBe('/')
    expect(safeRedirect('/login')).toBe('/')
    expect(safeRedirect('/password?x=1')).toBe('/')
    expect(safeRedirect(undefined)).toBe('/')
  })
})
