import type { Basket, Customer, FieldProblem, MeasureUnit, Unit } from '@tessera/core'

/**
 * The POSLog dialects the reader knows: NCR ACS TLog (RetailTransaction 2.1, `acs:` extensions),
 * Wincor Nixdorf TP.net (2.2, `WN:` extensions, voids linked by `ItemLink`), NCR Retalix R10 (POSLog
 * v6 with `r10Ex` extensions) and plain ARTS POSLog v6.
 * @category poslog
 */
export type Dialect = 'ncr-acs' | 'wincor' | 'retalix' | 'arts'

/** Every dialect, in the order they are detected. @category poslog */
export const DIALECTS: readonly Dialect[] = ['ncr-acs', 'wincor', 'retalix', 'arts']

/**
 * How to read a POSLog document.
 * @category poslog
 */
export interface ReadOptions {
  /** Force a dialect instead of detecting it from each transaction's namespaces. */
  readonly dialect?: Dialect
  /**
   * The store's IANA time zone (`America/New_York`), for timestamps written without an offset (NCR
   * ACS writes local times). Without it such a transaction is refused: a local time is ambiguous.
   */
  readonly timeZone?: string
  /** The currency when a transaction names none (no `CurrencyCode`, no `Currency` attribute). */
  readonly currency?: string
  /** The unit of a weighed line whose quantity carries no unit of measure (default `kg`). */
  readonly weightUnit?: MeasureUnit
  /** The country whose GS1 variable-measure rules read `2x` EAN-13s (`DE`, `SE`, `GB`…). */
  readonly gs1Country?: string
  /** Whether prices include tax when the log does not say (default `true`). */
  readonly pricesIncludeTax?: boolean
  /** Extra namespace URIs to treat as Wincor TP.net extensions. */
  readonly wincorNamespaces?: readonly string[]
}

/**
 * Why a transaction (or the document) could not be read. `path` is the XML path of the element at
 * fault (`POSLog/Transaction[3]/RetailTransaction/LineItem[2]/Sale/ExtendedAmount`), `line` its line
 * in the file; `problems` lists the basket fields the core's codec refused, when that is the reason.
 * @category errors
 */
export interface PosLogError {
  readonly _tag: 'PosLogError'
  readonly reason:
    | 'MALFORMED_XML'
    | 'TRUNCATED'
    | 'WRONG_NAMESPACE'
    | 'NOT_POSLOG'
    | 'MISSING_FIELD'
    | 'BAD_AMOUNT'
    | 'BAD_QUANTITY'
    | 'BAD_TIMESTAMP'
    | 'UNKNOWN_CURRENCY'
    | 'UNMATCHED_VOID'
    | 'INVALID_BASKET'
  /** The transaction id when its header could be read, else `#N` (its position in the file). */
  readonly transactionId?: string
  readonly path: string
  readonly line?: number
  readonly message: string
  readonly problems?: readonly FieldProblem[]
}

/** Why a transaction was skipped on purpose (it is not a sale to book). @category poslog */
export type SkipReason =
  | 'CONTROL_TRANSACTION'
  | 'NOT_A_RETAIL_TRANSACTION'
  | 'TRAINING_MODE'
  | 'VOIDED'
  | 'CANCELLED'
  | 'SUSPENDED'
  | 'NO_ITEMS'

/** A payment of the transaction, in minor units (a refund tender is in `refunds`). @category poslog */
export interface PosLogTender {
  readonly type: string
  readonly amount: number
}

/**
 * A returned line: its own line id, the item, how much was refunded for it, and, when the log
 * links it, the original sale's transaction id and line id (what Tessera's return flow needs).
 * @category poslog
 */
export interface PosLogReturnLine {
  readonly lineId: string
  readonly sku: string
  readonly quantity: number
  readonly unit: Unit
  readonly amount: number
  readonly original?: { readonly transactionId: string; readonly lineId?: string }
}

/** The returns of a transaction: its id keys Tessera's return (retry-safe), with its time. @category poslog */
export interface PosLogReturn {
  readonly returnId: string
  readonly at: string
  readonly lines: readonly PosLogReturnLine[]
}

/**
 * A line that is money but not merchandise: a negative item (a bottle-deposit refund) or a deposit.
 * Kept out of the basket: Tessera's baskets have no negative lines, and returns go through the
 * return flow.
 * @category poslog
 */
export interface NonMerchandiseLine {
  readonly lineId: string
  readonly sku?: string
  readonly description?: string
  readonly amount: number
}

/**
 * A discount found in the log (`RetailPriceModifier`): the promotion, its total and its share on
 * each line, in minor units, positive for money off. Tessera's own discounts read back this way.
 * @category poslog
 */
export interface PosLogDiscount {
  readonly campaignId: string
  readonly label: string
  readonly amount: number
  readonly allocations: readonly { readonly lineId: string; readonly amount: number }[]
}

/**
 * A `LoyaltyReward` line of the till, kept as information (Tessera books its own): money off
 * (`amount`, positive for money off, monetary rewards only), a count (`count`: NCR CustomOffer
 * "amounts" are counts), points, or an issued coupon code. NCR rewards written twice (detailed and
 * summarized) appear once.
 * @category poslog
 */
export interface TillReward {
  readonly lineId: string
  readonly promotionId?: string
  readonly type?: string
  readonly amount?: number
  readonly count?: number
  readonly points?: number
  readonly couponCode?: string
  /** A catalogue reward bought with points (Tessera's `tessera:Redemption` line): its id, its cost, the ledger key used. */
  readonly rewardId?: string
  readonly pointsRedeemed?: number
  readonly ledgerKey?: string
}

/** Points as the log's `LoyaltyAccount` states them. @category poslog */
export interface PosLogPoints {
  readonly earned?: number
  readonly redeemed?: number
  readonly balance?: number
}

/** What every import record has: the transaction id, its position in the file (from 1), its dialect. @category poslog */
export interface RecordBase {
  readonly transactionId: string
  readonly index: number
  readonly dialect?: Dialect
}

/**
 * What the reader found in a retail transaction besides the basket, for the back office and checks.
 * @category poslog
 */
export interface TransactionDetails {
  readonly tenders: readonly PosLogTender[]
  readonly refunds: readonly PosLogTender[]
  /** Cash rounding (a `…Rounding` tender), signed; not a discount, not a payment. */
  readonly rounding: number
  readonly discounts: readonly PosLogDiscount[]
  readonly tillRewards: readonly TillReward[]
  readonly nonMerchandise: readonly NonMerchandiseLine[]
  /** Transaction totals by `TotalType` as written (`TransactionGrandAmount`, `acs:GrossPositive`; `''` untyped), money only. */
  readonly totals: Readonly<Record<string, number>>
  /** The tax of the transaction, counted once (summary rows when the log has them, else item rows). */
  readonly taxTotal: number
  /** Item descriptions, trimmed, by line id. */
  readonly descriptions: Readonly<Record<string, string>>
  readonly points?: PosLogPoints
  /** Where the transaction came from, as the log says it (what a POSLog answer repeats). */
  readonly header: PosLogHeader
}

/** A transaction's store, workstation, sequence number and business day (`YYYY-MM-DD`). @category poslog */
export interface PosLogHeader {
  readonly storeId: string
  readonly workstationId: string
  readonly sequenceNumber: string
  readonly businessDayDate: string
}

/**
 * One transaction of the file, in order (the JSONL line of `tessera poslog import`): a `sale` with
 * its basket (the wire contract's, decoded by the core's codec) and, for an exchange, returned
 * lines; a `return`; a `skipped` transaction with its reason; or a `refused` one with the error.
 * @category poslog
 */
export type ImportRecord =
  | (RecordBase & {
      readonly kind: 'sale'
      readonly basket: Basket
      readonly customer?: Customer
      readonly return?: PosLogReturn
    } & TransactionDetails)
  | (RecordBase & {
      readonly kind: 'return'
      readonly return: PosLogReturn
      readonly customer?: Customer
    } & TransactionDetails)
  | (RecordBase & { readonly kind: 'skipped'; readonly reason: SkipReason; readonly detail?: string })
  | (RecordBase & { readonly kind: 'refused'; readonly reason: PosLogError['reason']; readonly error: PosLogError })
