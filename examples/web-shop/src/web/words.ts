/**
 * What the page tells a shopper, in their words: money, a refused code, why an accepted code's offer
 * does not apply yet, the tier names. Tessera's reason codes are stable (docs/rules.md), so the page
 * switches on them; the cashier-facing messages of the server are not shown to shoppers.
 */

/** Euros and cents of an amount in minor units, without a float: `1234` → `€12.34`. */
export const euros = (minor: number): string => {
  const sign = minor < 0 ? '−' : ''
  const abs = Math.abs(minor)
  return `${sign}€${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** Why a code was refused, for the shopper (the reasons of `judgeCode` and the checkout). */
export const CODE_REFUSALS: Readonly<Record<string, string>> = {
  UNKNOWN: 'We do not know this code. Check the letters and digits, or it may be from another shop.',
  BAD_CHECK_CHARACTER: 'This code has a typo: one character is wrong. Please type it again.',
  NOT_YET_VALID: 'This code is not valid yet. Try again from the date printed on it.',
  EXPIRED: 'This code has expired.',
  NOT_YOURS:
    'This code belongs to a loyalty card. Sign in with the card it was given to (or with your card, for a code that needs one).',
  ALREADY_REDEEMED: 'This code has already been used. Each code works once.',
  LIMIT_REACHED: 'You have already used this code as many times as it allows.',
  RESERVED_ELSEWHERE: 'This code is in use in another checkout right now. Try again in a few minutes.',
}

/** The shopper's sentence for a refused code. */
export const codeRefusal = (reason: string | undefined): string =>
  CODE_REFUSALS[reason ?? ''] ?? 'This code cannot be used on this order.'

interface Reason {
  readonly code: string
  readonly required?: unknown
  readonly actual?: unknown
}

/** Why an accepted code's offer does not apply yet (the first reason the engine gave), for the shopper. */
export const notYetApplied = (reasons: readonly Reason[]): string => {
  const r = reasons[0]
  if (r === undefined) return 'Your code is valid, but its offer does not apply to this cart.'
  const short = typeof r.required === 'number' && typeof r.actual === 'number' ? r.required - r.actual : undefined
  switch (r.code) {
    case 'MIN_SPEND':
      return short !== undefined
        ? `Your code is valid: spend ${euros(short)} more (from ${euros(r.required as number)}) to use it.`
        : 'Your code is valid: spend a little more to use it.'
    case 'MIN_QUANTITY':
    case 'NOT_ENOUGH_UNITS':
      return 'Your code is valid: add more of the products it is for.'
    case 'MISSING_ITEM':
    case 'NOTHING_DISCOUNTABLE':
      return 'Your code is valid, but none of the products it is for are in your cart.'
    case 'CARD_REQUIRED':
    case 'CUSTOMER_CONDITION':
      return 'Your code is valid, but its offer is for members: sign in with your loyalty card.'
    case 'LOST_IN_GROUP':
    case 'LOST_BEST_DEAL':
    case 'EXCLUDED_BY_EXCLUSIVE':
      return 'Your code is valid, but a better offer already applies to this cart.'
    case 'OUTSIDE_HOURS':
    case 'WRONG_DAY':
      return 'Your code is valid, but its offer does not run at this time.'
    case 'NOT_STARTED':
    case 'ENDED':
      return 'Your code is valid, but its offer is not running now.'
    default:
      return 'Your code is valid, but its offer does not apply to this cart.'
  }
}

/** A tier's name on the page. */
export const tierName = (tier: string | undefined): string =>
  tier === undefined ? 'Member' : `${tier.slice(0, 1).toUpperCase()}${tier.slice(1)}`

/** The program's rewards, as a shopper reads them. */
export const REWARD_NAMES: Readonly<Record<string, string>> = {
  'voucher-5': '€5 voucher',
  'voucher-12': '€12 voucher',
  'coffee-20': '20 % off coffee',
}
