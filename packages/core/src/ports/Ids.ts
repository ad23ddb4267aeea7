import { v7 as uuidv7 } from 'uuid'

/**
 * The id port. The core never makes randomness itself: ids come from here.
 * @category ports
 */
export interface Ids {
  /** A new unique id. */
  readonly next: () => string
}

/**
 * Time-ordered UUID v7 ids, for the edges of an application. Uses the system clock and a random
 * source, so it is not for the pure core.
 * @category ports
 */
export const uuidV7Ids: Ids = { next: () => uuidv7() }
