/** Calls `fn` once input has paused for `ms`; `flush` runs a pending call now. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined
  let lastArgs: A | undefined
  const run = () => {
    timer = undefined
    if (lastArgs) fn(...lastArgs)
    lastArgs = undefined
  }
  const debounced = (...args: A) => {
    lastArgs = args
    if (timer !== undefined) clearTimeout(timer)
    timer = setTimeout(run, ms)
  }
  debounced.flush = () => {
    if (timer !== undefined) {
      clearTimeout(timer)
      run()
    }
  }
  debounced.cancel = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    lastArgs = undefined
  }
  return debounced
}
