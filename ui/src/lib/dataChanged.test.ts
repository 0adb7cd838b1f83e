import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { THROTTLE_MS, notifyDataChanged, onDataChanged, resetDataChanged } from './dataChanged'

beforeEach(() => {
  vi.useFakeTimers()
  resetDataChanged()
})
afterEach(() => {
  resetDataChanged()
  vi.useRealTimers()
})

describe('dataChanged', () => {
  it('calls every listener at once, and no more after it stopped listening', () => {
    const a = vi.fn()
    const b = vi.fn()
    const offA = onDataChanged(a)
    onDataChanged(b)
    notifyDataChanged()
    expect(a).toHaveBeenCalledTimes(1)
    expect(b).toHaveBeenCalledTimes(1)
    offA()
    vi.advanceTimersByTime(THROTTLE_MS)
    notifyDataChanged()
    expect(a).toHaveBeenCalledTimes(1)
    expect(b).toHaveBeenCalledTimes(2)
  })

  it('runs listeners at most once per window, and never drops the last notification', () => {
    const cb = vi.fn()
    onDataChanged(cb)
    notifyDataChanged()
    notifyDataChanged()
    notifyDataChanged()
    expect(cb).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(THROTTLE_MS - 1)
    expect(cb).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    expect(cb).toHaveBeenCalledTimes(2)
  })

  it('keeps calling the others when one listener throws', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    const cb = vi.fn()
    onDataChanged(() => {
      throw new Error('boom')
    })
    onDataChanged(cb)
    notifyDataChanged()
    expect(cb).toHaveBeenCalledTimes(1)
    spy.mockRestore()
  })
})
