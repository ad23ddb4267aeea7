import type { Ids } from '@tessera/core'

/**
 * Deterministic ids `prefix-000001`, `prefix-000002`…: the same test gives the same ids every run.
 * @category testing
 */
export const sequentialIds = (prefix = 'id'): Ids => {
  let n = 0
  return { next: () => `${prefix}-${String(++n).padStart(6, '0')}` }
}
