import type { Clock } from '@tessera/core'

/**
 * A clock that says what it is told. `advance` moves it; it never reads the system clock.
 * @category testing
 */
export interface FixedClock extends Clock {
  readonly set: (at: string | number) => void
  readonly advance: (ms: number) => void
}

/** A {@link FixedClock} starting at an ISO time or epoch milliseconds. @category testing */
export const fixedClock = (at: string | number): FixedClock => {
  let now = typeof at === 'number' ? at : Date.parse(at)
  if (Number.isNaN(now)) throw new RangeError(`fixedClock: not a time: ${at}`)
  return {
    now: () => now,
    set: (next) => {
      now = typeof next === 'number' ? next : Date.parse(next)
    },
    advance: (ms) => {
      now += ms
    },
  }
}
