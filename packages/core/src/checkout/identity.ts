import { type Either, left, right } from 'fp-ts/lib/Either.js'
import type { FieldProblem } from '../codec/decode.js'
import type { Customer } from '../customer/customer.codec.js'
import { type ProfileOptions, profileOf } from '../customer/profile.js'
import type { TierProgram } from '../tiers/tier.js'
import { type CustomerMismatch, customerMismatch } from './errors.js'
import type { CardWarning, Standing } from './model.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * Who a sale is booked to: the customer as the loyalty store knows them (absent: the sale is
 * anonymous), and why a scanned card brought no member benefit.
 * @category checkout
 */
export interface Identity {
  readonly customer?: Customer
  readonly warnings: readonly CardWarning[]
}

/** The customer fields a caller may send, which must then agree with the store. @category checkout */
export const CHECKED_CUSTOMER_FIELDS = [
  'card',
  'memberId',
  'tier',
  'segments',
  'lifecycle',
  'birthday',
  'attributes',
] as const

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/** A card number masked for receipts and logs: all but its last 4 characters as `*`. @category checkout */
export const maskCard = (card: string): string =>
  card.length <= 4 ? '*'.repeat(card.length) : `${'*'.repeat(card.length - 4)}${card.slice(-4)}`

/**
 * The card-status policy, judged on what the loyalty store holds: an active card brings its
 * holder's profile ({@link profileOf}); an unknown, blocked or replaced card brings no member
 * benefit (no card-only campaign, no points, no personal coupon, no per-customer usage) and a
 * warning the cashier can read — the sale itself always goes on, as anonymous. No card: anonymous,
 * no warning.
 * @category checkout
 */
export const identityOf = (
  card: string | undefined,
  standing: Standing | undefined,
  program: TierProgram,
  at: string,
  options: ProfileOptions = {},
): Identity => {
  if (card === undefined) return { warnings: [] }
  const held = standing?.card
  const masked = maskCard(card)
  if (held === undefined) {
    return {
      warnings: [
        {
          code: 'UNKNOWN_CARD',
          card: masked,
          message: `card ${masked} is not a card of this programme: the sale goes on without points; offer the customer a card`,
        },
      ],
    }
  }
  if (held.status === 'blocked') {
    return {
      warnings: [
        {
          code: 'CARD_BLOCKED',
          card: masked,
          message: `card ${masked} is blocked: the sale goes on without points or member offers; the customer may call the loyalty desk`,
        },
      ],
    }
  }
  if (held.status === 'replaced') {
    const by = held.replacedBy === undefined ? undefined : held.replacedBy.slice(-4)
    return {
      warnings: [
        {
          code: 'CARD_REPLACED',
          card: masked,
          ...(by !== undefined ? { replacedBy: by } : {}),
          message: `card ${masked} was replaced${by !== undefined ? ` by the card ending ${by}` : ''}: scan the new card to earn points`,
        },
      ],
    }
  }
  return {
    customer: profileOf(
      {
        card: held,
        ...(standing?.member !== undefined ? { member: standing.member } : {}),
        purchases: standing?.purchases ?? [],
        successfulReferrals: standing?.successfulReferrals ?? 0,
      },
      program,
      at,
      options,
    ),
    warnings: [],
  }
}

/**
 * The card a request identifies: the basket's, or the customer document's when the basket has none.
 * A customer document that names no card at all (a bare `memberId`) is refused: identity comes from
 * a card the loyalty store knows, never from the caller's word.
 * @category checkout
 */
export const cardOfRequest = (
  basketCard: string | undefined,
  customer: Customer | undefined,
): Either<CustomerMismatch, string | undefined> => {
  if (customer === undefined) return right(basketCard)
  if (customer.card !== undefined && basketCard !== undefined && customer.card !== basketCard) {
    return left(
      customerMismatch([
        { path: 'customer.card', reason: `is not the basket's card (basket.card ends ${basketCard.slice(-4)})` },
      ]),
    )
  }
  const card = basketCard ?? customer.card
  if (card === undefined) {
    return left(
      customerMismatch([
        {
          path: 'customer.card',
          reason:
            'a customer is identified by a card the loyalty store knows: put the card on the basket (basket.card), or send no customer',
        },
      ]),
    )
  }
  return right(card)
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * Checks a caller's customer document against the store's: every field of
 * {@link CHECKED_CUSTOMER_FIELDS} it sends must equal the store's (which decides); `stats` and
 * `pointsBalance` are derived by the store and ignored. A card without member benefit (unknown,
 * blocked, replaced) is not a contradiction: the sale is anonymous and the document is ignored.
 * @category checkout
 */
export const checkCustomer = (
  given: Customer | undefined,
  derived: Customer | undefined,
): Either<CustomerMismatch, void> => {
  if (given === undefined || derived === undefined) return right(undefined)
  const problems: FieldProblem[] = []
  for (const field of CHECKED_CUSTOMER_FIELDS) {
    const sent = given[field]
    if (sent === undefined) continue
    const known = derived[field]
    if (known === undefined) {
      problems.push({ path: `customer.${field}`, reason: "the loyalty store holds none for this card; don't send it" })
    } else if (!same(sent, known)) {
      problems.push({
        path: `customer.${field}`,
        reason: 'does not match the loyalty store, which decides: send the profile identify() returned, or none',
      })
    }
  }
  return problems.length === 0 ? right(undefined) : left(customerMismatch(problems))
}
