import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { debounce } from './debounce'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('debounce', () => {
  it('calls once with the last arguments after the pause', () => {
    const fn = vi.fn()
    const d = debounce(fn, 200)
    d('a')
    d('ab')
    vi.advanceTimersByTime(199)
    expect(fn).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(fn).toHaveBeenCalledExactlyOnceWith('ab')
  })

  it('flush runs a pending call at once; cancel drops it', () => {
    const fn = vi.fn()
    const d = debounce(fn, 200)
    d('x')
    d.flush()
    expect(fn).toHaveBeenCalledExactlyOnceWith('x')
    d('y')
    d.cancel()
    vi.advanceTimersByTime(500)
    expect(fn).toHaveBeenCalledTimes(1)
  })
})
