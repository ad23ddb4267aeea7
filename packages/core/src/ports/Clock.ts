/**
 * The clock port. The core never reads the system clock: whoever needs "now" receives a Clock.
 * @category ports
 */
export interface Clock {
  /** The current instant, as epoch milliseconds. */
  readonly now: () => number
}

/**
 * The system clock. Reads the clock: for the edges of an application (CLI, server, till), never for
 * the core.
 * @category ports
 */
export const systemClock: Clock = { now: () => Date.now() }
