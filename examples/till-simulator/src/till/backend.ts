import type { Either } from 'fp-ts/lib/Either.js'
import type { ReceiptData, TierProgress } from '../receipt/receipt.js'

/**
 * What the till screen drives: a small interface over the checkout so the UI does not care whether
 * it talks to the checkout session on SQLite ({@link openCheckoutBackend}) or to something else. Every call answers with data or a `TillError` value, never a throw.
 */

/** Why the till refused an action, in words for the cashier. @category till */
export interface TillError {
  readonly _tag: 'TillError'
  readonly message: string
}

/** Makes a {@link TillError}. @category till */
export const tillError = (message: string): TillError => ({ _tag: 'TillError', message })

/** A line on the screen with what the engine made of it. @category till */
export interface TillLine {
  readonly id: string
  readonly sku: string
  readonly name: string
  readonly quantity: number
  readonly unit: 'each' | 'kg'
  readonly unitPrice: number
  readonly amount: number
  readonly discount: number
  readonly net: number
  readonly discounts: readonly { readonly label: string; readonly amount: number }[]
}

/** The identified customer. @category till */
export interface TillCustomer {
  readonly card: string
  readonly name?: string
  readonly tier?: string
  readonly lifecycle?: string
  readonly pointsBalance: number
  readonly tierProgress?: TierProgress
}

/** Everything the till screen shows for the open transaction (the result of `price()`). @category till */
export interface TillView {
  readonly transactionId: string
  readonly currency: string
  readonly lines: readonly TillLine[]
  readonly subtotal: number
  readonly discountTotal: number
  readonly total: number
  readonly nudges: readonly string[]
  readonly codes: readonly string[]
  readonly gifts: readonly string[]
  readonly pointsPreview: number
  readonly couponsPreview: readonly string[]
  readonly customer?: TillCustomer
}

/** What a scan did. @category till */
export type ScanOutcome =
  | { readonly kind: 'item'; readonly line: TillLine }
  | { readonly kind: 'customer'; readonly customer: TillCustomer }
  | { readonly kind: 'code'; readonly code: string }

/** How the customer pays; `amount` is what was handed over in cash (cents). @category till */
export interface TillTender {
  readonly kind: 'cash' | 'card'
  readonly amount?: number
}

/** Units to return: a line id of the receipt and a quantity (default: all of it). @category till */
export interface TillReturnLine {
  readonly lineId: string
  readonly quantity?: number
}

/** A product found by a search: what to scan for it. @category till */
export interface FoundProduct {
  readonly barcode: string
  readonly name: string
  readonly brand: string
  readonly unitPrice: number
  readonly unit: 'each' | 'kg'
}

/** A reward of the catalogue as the identified member sees it. @category till */
export interface TillReward {
  readonly id: string
  readonly cost: number
  readonly affordable: boolean
  readonly missingPoints: number
  readonly description: string
}

/** The till's backend. @category till */
export interface TillBackend {
  /** Products whose name, brand or category contains every word of the query (at most `limit`). */
  readonly search: (query: string, limit?: number) => readonly FoundProduct[]
  /** What exists in this store to scan: sample barcodes, a weighed label, member cards. */
  readonly samples: () => readonly string[]
  /** The reward catalogue for the identified member, or buys one: a voucher pays part of this sale. */
  readonly rewards: () => Promise<Either<TillError, readonly TillReward[]>>
  readonly redeem: (
    rewardId: string,
  ) => Promise<Either<TillError, { readonly reward: TillReward; readonly amount: number }>>
  /** A product EAN-13 (variable-measure labels included), a loyalty card, or a printed coupon's code. */
  readonly scan: (barcode: string) => Promise<Either<TillError, ScanOutcome>>
  /** Sets the quantity of a line (default: the last one). */
  readonly setQuantity: (quantity: number, lineId?: string) => Promise<Either<TillError, TillLine>>
  readonly applyCode: (code: string) => Promise<Either<TillError, string>>
  /** Prices the open transaction. */
  readonly view: () => Promise<TillView>
  readonly pay: (tender: TillTender) => Promise<Either<TillError, ReceiptData>>
  readonly voidLine: (lineId: string) => Promise<Either<TillError, TillView>>
  readonly voidTransaction: () => Promise<Either<TillError, TillView>>
  readonly returnReceipt: (
    receiptId: string,
    lines?: readonly TillReturnLine[],
  ) => Promise<Either<TillError, ReceiptData>>
  /** The receipt again, the last one by default. */
  readonly reprint: (receiptId?: string) => Promise<Either<TillError, ReceiptData>>
}
