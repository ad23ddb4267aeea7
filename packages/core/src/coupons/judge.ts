import { type Either, left, right } from 'fp-ts/lib/Either.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * Why a till refuses a coupon code. The order below is the precedence {@link judgeCode} applies
 * when several hold: first whether the code exists, then its validity window, then whose it is,
 * then what was already used, and last what is held by another checkout.
 * @category coupons
 */
export type CodeRejection =
  | 'UNKNOWN'
  | 'BAD_CHECK_CHARACTER'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'NOT_YOURS'
  | 'ALREADY_REDEEMED'
  | 'LIMIT_REACHED'
  | 'RESERVED_ELSEWHERE'

/**
 * What the cashier is told for each {@link CodeRejection}: short, and saying what to do next.
 * @category coupons
 */
export const CODE_REJECTION_MESSAGES: { readonly [R in CodeRejection]: string } = {
  UNKNOWN: 'This code does not exist. Check it was typed correctly.',
  BAD_CHECK_CHARACTER: 'This code has a typo (its check character is wrong). Type it again.',
  NOT_YET_VALID: 'This code is not valid yet.',
  EXPIRED: 'This code has expired.',
  NOT_YOURS: "This code is tied to a customer's card: scan the card it was issued to.",
  ALREADY_REDEEMED: 'This code has already been used.',
  LIMIT_REACHED: 'This customer has used this code as many times as allowed.',
  RESERVED_ELSEWHERE: 'This code is being used in another checkout right now.',
}

/**
 * How a code may be used.
 * - `singleUse`: once, whoever redeems it;
 * - `multiUse`: up to `perCustomerLimit` times per card (a card is required);
 * - `personal`: once, only by the card it was issued to.
 * @category coupons
 */
export type CodeKind =
  | { readonly type: 'singleUse' }
  | { readonly type: 'multiUse'; readonly perCustomerLimit: number }
  | { readonly type: 'personal'; readonly card: string }

/** A redemption of a code that was booked. @category coupons */
export interface CodeRedemption {
  readonly card?: string
  readonly sessionId: string
}

/** A hold on a code by a checkout session, until `expiresAt` (epoch ms). @category coupons */
export interface CodeReservation {
  readonly sessionId: string
  readonly card?: string
  readonly expiresAtMs: number
}

/**
 * What the store knows about one code. Times are epoch milliseconds; the code is valid when
 * `validFromMs ≤ now < validUntilMs` (a missing bound is open).
 * @category coupons
 */
export interface CodeRecord {
  readonly code: string
  readonly pool: string
  readonly kind: CodeKind
  readonly validFromMs?: number
  readonly validUntilMs?: number
  readonly redemptions: readonly CodeRedemption[]
  readonly reservations: readonly CodeReservation[]
}

/** Who wants to use a code: the card scanned (if any) and the checkout session. @category coupons */
export interface CodeRequest {
  readonly card?: string
  readonly sessionId: string
}

/** A refused code: the reason, the code and the cashier-facing message. @category coupons */
export interface CodeRejected {
  readonly _tag: 'CodeRejected'
  readonly reason: CodeRejection
  readonly code: string
  readonly message: string
}

/** An accepted code: how many more uses remain for this request's card after this one. @category coupons */
export interface CodeAccepted {
  readonly code: string
  readonly pool: string
  readonly remainingUses: number
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * A {@link CodeRejected} for a reason, with its cashier-facing message.
 * @category coupons
 */
export const codeRejected = (reason: CodeRejection, code: string): CodeRejected => ({
  _tag: 'CodeRejected',
  reason,
  code,
  message: CODE_REJECTION_MESSAGES[reason],
})

/**
 * Judges whether a request may use a code now: pure, the store supplies the record and the caller
 * `now` (epoch ms: holds expire by it). The validity window is judged at `validAtMs`, the sale's own
 * time (DESIGN §4 "Time"), which defaults to `now`. A reservation held by the same session does not
 * block it (a retried scan), an expired reservation is ignored. Precedence: UNKNOWN, NOT_YET_VALID, EXPIRED, NOT_YOURS,
 * ALREADY_REDEEMED / LIMIT_REACHED, RESERVED_ELSEWHERE.
 * @category coupons
 */
export const judgeCode = (
  record: CodeRecord | undefined,
  request: CodeRequest,
  now: number,
  code: string = record?.code ?? '',
  validAtMs: number = now,
): Either<CodeRejected, CodeAccepted> => {
  if (record === undefined) return left(codeRejected('UNKNOWN', code))
  const reject = (reason: CodeRejection) => left(codeRejected(reason, record.code))
  if (record.validFromMs !== undefined && validAtMs < record.validFromMs) return reject('NOT_YET_VALID')
  if (record.validUntilMs !== undefined && validAtMs >= record.validUntilMs) return reject('EXPIRED')
  const kind = record.kind
  if (kind.type === 'personal' && request.card !== kind.card) return reject('NOT_YOURS')
  if (kind.type === 'multiUse' && request.card === undefined) return reject('NOT_YOURS')
  const otherLiveHolds = record.reservations.filter((r) => r.expiresAtMs > now && r.sessionId !== request.sessionId)
  if (kind.type === 'multiUse') {
    const used = record.redemptions.filter((r) => r.card === request.card).length
    if (used >= kind.perCustomerLimit) return reject('LIMIT_REACHED')
    const held = otherLiveHolds.filter((r) => r.card === request.card).length
    if (used + held >= kind.perCustomerLimit) return reject('RESERVED_ELSEWHERE')
    return right({ code: record.code, pool: record.pool, remainingUses: kind.perCustomerLimit - used - held - 1 })
  }
  if (record.redemptions.length > 0) return reject('ALREADY_REDEEMED')
  if (otherLiveHolds.length > 0) return reject('RESERVED_ELSEWHERE')
  return right({ code: record.code, pool: record.pool, remainingUses: 0 })
}
