import type { DecodeError, FieldProblem } from '../codec/decode.js'
import type { CodeRejection } from '../coupons/judge.js'
import { CODE_REJECTION_MESSAGES } from '../coupons/judge.js'
import type { LedgerError, StoreBusy } from '../ledger/errors.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The session was closed or voided: it takes no more scans, codes or closes. Open a new one.
 * @category checkout
 */
export interface SessionClosed {
  readonly _tag: 'SessionClosed'
  readonly transactionId: string
  readonly state: 'closed' | 'voided'
  readonly message: string
}

/**
 * A code was refused (at `applyCode`, or re-judged at `close`). `reason` is the stable code of
 * {@link CodeRejection}; `message` is for the cashier.
 * @category checkout
 */
export interface CheckoutCodeRejected {
  readonly _tag: 'CodeRejected'
  readonly code: string
  readonly reason: CodeRejection
  readonly message: string
}

/**
 * The same transaction id (or return id) was sent again with other content: nothing was booked.
 * Code `CONFLICTING_REPLAY`. The first request's result stands; use a new id for a new sale.
 * @category checkout
 */
export interface CheckoutConflictingReplay {
  readonly _tag: 'ConflictingReplay'
  readonly code: 'CONFLICTING_REPLAY'
  readonly key: string
  readonly message: string
}

/** A return names a transaction that was never closed here. @category checkout */
export interface UnknownTransaction {
  readonly _tag: 'UnknownTransaction'
  readonly transactionId: string
  readonly message: string
}

/** A session id that was never opened in this store (`resume`). @category checkout */
export interface UnknownSession {
  readonly _tag: 'UnknownSession'
  readonly transactionId: string
  readonly message: string
}

/** A call names a line id that is not in the basket (or not in the original transaction). @category checkout */
export interface UnknownLine {
  readonly _tag: 'UnknownLine'
  readonly lineId: string
  readonly message: string
}

/** `addLine` with an id the session already holds. @category checkout */
export interface DuplicateLine {
  readonly _tag: 'DuplicateLine'
  readonly lineId: string
  readonly message: string
}

/**
 * A return asks for more units of a line than were bought, counting earlier returns of the same
 * transaction. Nothing was refunded.
 * @category checkout
 */
export interface ReturnExceedsPurchase {
  readonly _tag: 'ReturnExceedsPurchase'
  readonly lineId: string
  readonly bought: number
  readonly alreadyReturned: number
  readonly requested: number
  readonly message: string
}

/**
 * A weighed (measured) line is returned whole: its quantity in the return must be the quantity
 * sold, once.
 * @category checkout
 */
export interface MeasuredLineReturnedWhole {
  readonly _tag: 'MeasuredLineReturnedWhole'
  readonly lineId: string
  readonly sold: number
  readonly requested: number
  readonly message: string
}

/** `close` or `price` with no line. @category checkout */
export interface EmptyBasket {
  readonly _tag: 'EmptyBasket'
  readonly transactionId: string
  readonly message: string
}

/** The ledger refused the points posting of a close or a return; nothing was booked. @category checkout */
export interface CheckoutLedgerFailed {
  readonly _tag: 'LedgerFailed'
  readonly error: LedgerError
  readonly message: string
}

/** A checkout coupon could not be signed (key missing from the keyring…); nothing was booked. @category checkout */
export interface CouponIssueFailed {
  readonly _tag: 'CouponIssueFailed'
  readonly template: string
  readonly message: string
}

/** A code pool that does not exist (`addCodes` before `putPool`). @category checkout */
export interface UnknownPool {
  readonly _tag: 'UnknownPool'
  readonly pool: string
  readonly message: string
}

/**
 * A caller's customer document contradicts the loyalty store's record of the card (which decides),
 * or names no card: nothing was booked. `problems` name each field, like a {@link DecodeError}.
 * @category checkout
 */
export interface CustomerMismatch {
  readonly _tag: 'CustomerMismatch'
  readonly problems: readonly FieldProblem[]
  readonly message: string
}

/**
 * The tenders of a close do not cover its total (an empty list means the till settles payment
 * itself and is accepted). Nothing was booked.
 * @category checkout
 */
export interface TendersShort {
  readonly _tag: 'TendersShort'
  readonly total: number
  readonly tendered: number
  readonly message: string
}

/** A return dated before the sale it returns. Nothing was refunded. @category checkout */
export interface ReturnBeforeSale {
  readonly _tag: 'ReturnBeforeSale'
  readonly transactionId: string
  readonly saleAt: string
  readonly returnAt: string
  readonly message: string
}

/**
 * Every expected failure of the checkout. Bad input is a {@link DecodeError} naming the field.
 * @category checkout
 */
export type CheckoutError =
  | DecodeError
  | SessionClosed
  | CheckoutCodeRejected
  | CheckoutConflictingReplay
  | UnknownTransaction
  | UnknownSession
  | UnknownLine
  | DuplicateLine
  | ReturnExceedsPurchase
  | MeasuredLineReturnedWhole
  | EmptyBasket
  | CheckoutLedgerFailed
  | CouponIssueFailed
  | UnknownPool
  | CustomerMismatch
  | TendersShort
  | ReturnBeforeSale
  | StoreBusy

// ── constructors ─────────────────────────────────────────────────────────────────────────────────

/** @category checkout */
export const sessionClosed = (transactionId: string, state: 'closed' | 'voided'): SessionClosed => ({
  _tag: 'SessionClosed',
  transactionId,
  state,
  message: `checkout ${transactionId} is ${state}: open a new session for another sale`,
})

/** A rejection with the cashier message of `judgeCode`, or a more precise one. @category checkout */
export const checkoutCodeRejected = (code: string, reason: CodeRejection, message?: string): CheckoutCodeRejected => ({
  _tag: 'CodeRejected',
  code,
  reason,
  message: message ?? CODE_REJECTION_MESSAGES[reason],
})

/** @category checkout */
export const checkoutConflictingReplay = (key: string, what: 'transaction' | 'return'): CheckoutConflictingReplay => ({
  _tag: 'ConflictingReplay',
  code: 'CONFLICTING_REPLAY',
  key,
  message: `${what} ${key} was already recorded with other content; nothing was booked. Use a new ${what} id for a different ${what}.`,
})

/** @category checkout */
export const unknownTransaction = (transactionId: string): UnknownTransaction => ({
  _tag: 'UnknownTransaction',
  transactionId,
  message: `transaction ${transactionId} was never closed in this store: check the receipt's transaction id`,
})

/** @category checkout */
export const unknownLine = (lineId: string, where: string): UnknownLine => ({
  _tag: 'UnknownLine',
  lineId,
  message: `line ${JSON.stringify(lineId)} is not in ${where}`,
})

/** @category checkout */
export const duplicateLine = (lineId: string): DuplicateLine => ({
  _tag: 'DuplicateLine',
  lineId,
  message: `line ${JSON.stringify(lineId)} is already in the basket: give each line its own id, or setLines to replace them`,
})

/** @category checkout */
export const returnExceedsPurchase = (
  lineId: string,
  bought: number,
  alreadyReturned: number,
  requested: number,
): ReturnExceedsPurchase => ({
  _tag: 'ReturnExceedsPurchase',
  lineId,
  bought,
  alreadyReturned,
  requested,
  message: `line ${lineId}: ${requested} unit(s) asked back, but ${bought} were bought and ${alreadyReturned} already returned; at most ${bought - alreadyReturned} can be returned`,
})

/** @category checkout */
export const measuredLineReturnedWhole = (
  lineId: string,
  sold: number,
  requested: number,
): MeasuredLineReturnedWhole => ({
  _tag: 'MeasuredLineReturnedWhole',
  lineId,
  sold,
  requested,
  message: `line ${lineId} is weighed: it is returned whole (quantity ${sold}), not ${requested}`,
})

/** @category checkout */
export const emptyBasket = (transactionId: string): EmptyBasket => ({
  _tag: 'EmptyBasket',
  transactionId,
  message: `checkout ${transactionId} has no line: scan at least one item`,
})

/** @category checkout */
export const ledgerFailed = (error: LedgerError): CheckoutLedgerFailed => ({
  _tag: 'LedgerFailed',
  error,
  message: `the points ledger refused the posting (${error._tag}: ${error.message}); nothing was booked`,
})

/** @category checkout */
export const couponIssueFailed = (template: string, why: string): CouponIssueFailed => ({
  _tag: 'CouponIssueFailed',
  template,
  message: `cannot issue coupon ${template}: ${why}; nothing was booked`,
})

/** @category checkout */
export const unknownPool = (pool: string): UnknownPool => ({
  _tag: 'UnknownPool',
  pool,
  message: `code pool ${JSON.stringify(pool)} does not exist: create it with putPool first`,
})

/** @category checkout */
export const customerMismatch = (problems: readonly FieldProblem[]): CustomerMismatch => ({
  _tag: 'CustomerMismatch',
  problems,
  message: `customer refused: ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}; nothing was booked`,
})

/** @category checkout */
export const tendersShort = (total: number, tendered: number): TendersShort => ({
  _tag: 'TendersShort',
  total,
  tendered,
  message: `the tenders (${tendered}) do not cover the total (${total}); ${total - tendered} minor units are missing: take the rest of the payment, then close`,
})

/** @category checkout */
export const returnBeforeSale = (transactionId: string, saleAt: string, returnAt: string): ReturnBeforeSale => ({
  _tag: 'ReturnBeforeSale',
  transactionId,
  saleAt,
  returnAt,
  message: `return dated ${returnAt} is before sale ${transactionId} (${saleAt}): check the return's date and the receipt`,
})

/** @category checkout */
export const unknownSession = (transactionId: string): UnknownSession => ({
  _tag: 'UnknownSession',
  transactionId,
  message: `no sale ${transactionId} was opened in this store: open a new session`,
})
