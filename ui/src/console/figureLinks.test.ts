import { describe, expect, it } from 'vitest'
import { figureLink } from './figureLinks'

const period = { from: '2026-01-01', to: '2026-12-03' }

describe('figureLink', () => {
  it('sends hazard figures to the ledger with their condition', () => {
    expect(figureLink('hazards', period, { by: 'all' })).toEqual({ path: '/hazards', query: { ...period } })
    expect(figureLink('hazardsMajor', period, { by: 'all' })).toEqual({
      path: '/hazards',
      query: { ...period, level: 'major' },
    })
    expect(figureLink('hazardsGeneral', period, { by: 'all' })).toEqual({
      path: '/hazards',
      query: { ...period, level: 'general' },
    })
    expect(figureLink('rectified', period, { by: 'all' })).toEqual({
      path: '/hazards',
      query: { ...period, status: 'closed' },
    })
    expect(figureLink('overdue', period, { by: 'all' })).toEqual({
      path: '/hazards',
      query: { ...period, overdue: 'true' },
    })
  })

  it('sends 挂牌督办 figures to the ledger filtered by supervision, documents to 文书', () => {
    expect(figureLink('supervised', period, { by: 'all' })).toEqual({
      path: '/hazards',
      query: { ...period, supervision: 'any' },
    })
    expect(figureLink('supervisedRectified', period, { by: 'town', key: '110109108' })).toEqual({
      path: '/hazards',
      query: { ...period, town: '110109108', supervision: 'any', status: 'closed' },
    })
    expect(figureLink('supervisedOverdue', period, { by: 'all' })).toEqual({
      path: '/hazards',
      query: { ...period, supervision: 'overdue' },
    })
    expect(figureLink('documents', period, { by: 'sector', key: 'mine' })).toEqual({
      path: '/documents',
      query: { ...period, sector: 'mine' },
    })
  })

  it('sends inspection and enterprise figures to the inspections', () => {
    expect(figureLink('inspections', period, { by: 'all' })).toEqual({ path: '/inspections', query: { ...period } })
    expect(figureLink('enterprises', period, { by: 'sector', key: 'mine' })).toEqual({
      path: '/inspections',
      query: { ...period, sector: 'mine' },
    })
  })

  it('adds the town or sector of the row', () => {
    expect(figureLink('overdue', period, { by: 'town', key: '110109001' })).toEqual({
      path: '/hazards',
      query: { ...period, town: '110109001', overdue: 'true' },
    })
  })

  it('narrows a month row to its days within the period', () => {
    expect(figureLink('hazards', period, { by: 'month', key: '2026-12' })).toEqual({
      path: '/hazards',
      query: { from: '2026-12-01', to: '2026-12-03' },
    })
    expect(figureLink('hazards', period, { by: 'month', key: '2025-12' })).toBeNull()
  })

  it('has no link for a row without a key', () => {
    expect(figureLink('hazards', period, { by: 'town', key: '' })).toBeNull()
  })
})
