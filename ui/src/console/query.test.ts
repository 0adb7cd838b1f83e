import { describe, expect, it } from 'vitest'
import { anyText, changed, isDay, oneOf, pageBounds, pageCount, readFilters, readPage, toQuery } from './query'

const spec = { from: isDay, to: isDay, level: oneOf('general', 'major'), q: anyText }

describe('readFilters', () => {
  it('keeps the values that pass their check', () => {
    expect(readFilters(spec, { from: '2026-01-01', level: 'major', q: '灭火器', other: 'x' })).toEqual({
      from: '2026-01-01',
      level: 'major',
      q: '灭火器',
    })
  })
  it('drops values that do not', () => {
    expect(readFilters(spec, { from: '2026-02-30', level: 'huge', q: '' })).toEqual({})
  })
  it('takes the first of repeated values', () => {
    expect(readFilters(spec, { level: ['general', 'major'] })).toEqual({ level: 'general' })
  })
  it('drops the end of a backwards period', () => {
    expect(readFilters(spec, { from: '2026-03-01', to: '2026-02-01' })).toEqual({ from: '2026-03-01' })
  })
})

describe('pages', () => {
  it('reads the page number, 1 when absent or wrong', () => {
    expect(readPage({ page: '3' })).toBe(3)
    expect(readPage({})).toBe(1)
    expect(readPage({ page: '0' })).toBe(1)
    expect(readPage({ page: '-2' })).toBe(1)
    expect(readPage({ page: 'x' })).toBe(1)
  })
  it('turns a page into offset and limit', () => {
    expect(pageBounds(1, 50)).toEqual({ offset: 0, limit: 50 })
    expect(pageBounds(3, 50)).toEqual({ offset: 100, limit: 50 })
  })
  it('counts pages', () => {
    expect(pageCount(0, 50)).toBe(1)
    expect(pageCount(50, 50)).toBe(1)
    expect(pageCount(51, 50)).toBe(2)
  })
})

describe('toQuery / changed', () => {
  it('leaves out empty filters and page 1', () => {
    expect(toQuery({ from: '2026-01-01', q: '' }, 1)).toEqual({ from: '2026-01-01' })
    expect(toQuery({ q: '矿' }, 2)).toEqual({ q: '矿', page: '2' })
  })
  it('starts again at page 1 when a filter changes', () => {
    expect(changed({ level: 'major' }, { level: '', q: '矿' })).toEqual({ q: '矿' })
  })
})
