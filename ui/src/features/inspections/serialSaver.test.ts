import { describe, expect, it, vi } from 'vitest'
import { createSerialSaver } from './serialSaver'

function deferred() {
  let resolve!: () => void
  let reject!: (e: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('createSerialSaver', () => {
  it('sends at once, and reports saving then saved', async () => {
    const states: string[] = []
    const send = vi.fn(async () => {})
    const s = createSerialSaver<string>(send, (k, st) => states.push(`${k}:${st}`))
    await s.save('A')
    expect(send).toHaveBeenCalledOnce()
    expect(states).toEqual(['A:saving', 'A:saved'])
    expect(s.busy('A')).toBe(false)
  })

  it('never sends the same key twice at once; changes during a save cause exactly one more send', async () => {
    const calls: { key: string; value: number }[] = []
    let value = 0
    const gates: ReturnType<typeof deferred>[] = []
    const send = (key: string) => {
      calls.push({ key, value })
      const d = deferred()
      gates.push(d)
      return d.promise
    }
    const s = createSerialSaver<string>(send, () => {})
    value = 1
    const first = s.save('A')
    value = 2
    void s.save('A')
    value = 3
    const third = s.save('A')
    expect(calls).toEqual([{ key: 'A', value: 1 }])
    gates[0]!.resolve()
    await Promise.resolve()
    await Promise.resolve()
    expect(calls).toEqual([
      { key: 'A', value: 1 },
      { key: 'A', value: 3 },
    ])
    gates[1]!.resolve()
    await first
    await third
    expect(calls).toHaveLength(2)
  })

  it('keys are independent', async () => {
    const sent: string[] = []
    const d = deferred()
    const s = createSerialSaver<string>(
      (k) => {
        sent.push(k)
        return k === 'A' ? d.promise : Promise.resolve()
      },
      () => {},
    )
    void s.save('A')
    await s.save('B')
    expect(sent).toEqual(['A', 'B'])
    d.resolve()
  })

  it('reports an error and lets a later save try again', async () => {
    const states: string[] = []
    let fail = true
    const s = createSerialSaver<string>(
      async () => {
        if (fail) throw new Error('disk full')
      },
      (_k, st, e) => states.push(e ? `${st}:${(e as Error).message}` : st),
    )
    await expect(s.save('A')).rejects.toThrow('disk full')
    expect(states).toEqual(['saving', 'error:disk full'])
    fail = false
    await s.save('A')
    expect(states.slice(2)).toEqual(['saving', 'saved'])
  })
})
