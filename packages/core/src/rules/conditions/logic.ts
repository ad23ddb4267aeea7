import type { Check, Missing } from '../context.js'
import { fail, OK } from '../context.js'

// all / any / not: the algebra shared by basket and customer conditions.

/** The order of the kinds of missing step: quantity, distinct, measure, amount. */
const kindRank = (kind: Missing['kind']): number =>
  kind === 'quantity' ? 0 : kind === 'distinct' ? 1 : kind === 'measure' ? 2 : 3

/**
 * Orders missing steps, smaller first: across kinds one more item (quantity, distinct) is a smaller
 * ask than a measure, and a measure than an amount; within a kind the smaller value. 0 when equal.
 */
export const compareMissing = (a: Missing, b: Missing): number =>
  kindRank(a.kind) - kindRank(b.kind) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)

/** The smaller of two missing steps (see {@link compareMissing}); the first when they are equal. */
export const smallerMissing = (a: Missing | undefined, b: Missing | undefined): Missing | undefined => {
  if (a === undefined) return b
  if (b === undefined) return a
  return compareMissing(b, a) < 0 ? b : a
}

/**
 * `all`: passes when every part passes. The reason is the first failing part's; a nudge is offered
 * only when exactly one part fails (then meeting it is enough).
 */
export const allOf =
  <A extends unknown[]>(parts: readonly ((...args: A) => Check)[]) =>
  (...args: A): Check => {
    let first: Check | undefined
    let failures = 0
    for (const part of parts) {
      const r = part(...args)
      if (!r.ok) {
        failures++
        if (first === undefined) first = r
      }
    }
    if (first === undefined) return OK
    return failures === 1 ? first : fail(first.reason as NonNullable<Check['reason']>)
  }

/** `any`: passes when one part passes; otherwise the part with the smallest missing step speaks. */
export const anyOf =
  <A extends unknown[]>(parts: readonly ((...args: A) => Check)[]) =>
  (...args: A): Check => {
    let best: Check | undefined
    for (const part of parts) {
      const r = part(...args)
      if (r.ok) return OK
      if (best === undefined || (r.missing !== undefined && smallerMissing(best.missing, r.missing) === r.missing)) {
        best = r
      }
    }
    return best ?? fail({ code: 'CONDITION_NOT_MET', message: 'an empty "any" never passes' })
  }

/** `not`: passes when the part fails. No nudge: we never ask a shopper to remove something. */
export const noneOf =
  <A extends unknown[]>(part: (...args: A) => Check, what: string) =>
  (...args: A): Check =>
    part(...args).ok ? fail({ code: 'CONDITION_NOT_MET', message: `"not" condition on ${what} is met` }) : OK
