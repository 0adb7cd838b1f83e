// Saves of one thing (one checklist item, the notes) must reach the backend in order, and
// the last change must win. `save(key)` sends the thing's current state; if a save of the
// same key is on its way, it sends once more when that one is back, with the state then.
// Many quick changes therefore cost at most two calls, and never overtake one another.

export type SaveState = 'saving' | 'saved' | 'error'

export interface SerialSaver<K> {
  /** Resolves when the state at the time of the call (or later) is saved. */
  save(key: K): Promise<void>
  busy(key: K): boolean
}

export function createSerialSaver<K>(
  send: (key: K) => Promise<void>,
  onState: (key: K, state: SaveState, error?: unknown) => void,
): SerialSaver<K> {
  const running = new Map<K, Promise<void>>()
  const again = new Set<K>()

  async function loop(key: K): Promise<void> {
    try {
      do {
        again.delete(key)
        onState(key, 'saving')
        await send(key)
      } while (again.has(key))
      onState(key, 'saved')
    } catch (e) {
      again.delete(key)
      onState(key, 'error', e)
      throw e
    } finally {
      running.delete(key)
    }
  }

  return {
    save(key: K): Promise<void> {
      const inFlight = running.get(key)
      if (inFlight) {
        again.add(key)
        return inFlight
      }
      const p = loop(key)
      running.set(key, p)
      return p
    },
    busy: (key: K) => running.has(key),
  }
}
