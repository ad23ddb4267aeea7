import type { Either } from 'fp-ts/lib/Either.js'
import type { Basket, BasketLine } from '../basket/basket.codec.js'
import type { CodeKind, CodeRecord } from '../coupons/judge.js'
import type { Card } from '../customer/card.js'
import type { Customer } from '../customer/customer.codec.js'
import type { Member } from '../customer/member.js'
import type { LedgerError } from '../ledger/errors.js'
import type { Balance, EpochMs, PostingRequest, PostingResult } from '../ledger/model.js'
import type { UsageSnapshot } from '../rules/evaluate.js'
import type { Discount, Evaluation, Reason } from '../rules/evaluation.codec.js'
import type { CheckoutError } from './errors.js'

// ── pricing ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A code accepted for the basket, with the pool it belongs to (a campaign with `code.pool` is
 * unlocked by any accepted code of that pool).
 * @category checkout
 */
export interface AcceptedCode {
  readonly code: string
  readonly pool: string
}

/**
 * What the checkout asks the engine: the basket (its `codes` are the accepted codes), the customer
 * as the loyalty store knows them (absent for an anonymous sale), the accepted codes with their
 * pools, and the usage of the campaigns with limits as the store has it (the engine stops a used-up
 * limit and cuts a partly covered budget itself, before points are computed).
 * @category checkout
 */
export interface PriceInput {
  readonly basket: Basket
  readonly customer?: Customer
  readonly codes: readonly AcceptedCode[]
  readonly usage: UsageSnapshot
}

/**
 * The evaluator port of the checkout: a pure, synchronous function (the engine's `evaluate` with
 * the usage snapshot). It must be deterministic: a retried close re-runs it.
 * @category checkout
 */
export type Pricer = (input: PriceInput) => Evaluation

// ── who the customer is ──────────────────────────────────────────────────────────────────────────

/**
 * One purchase (or return, negative) of a customer, as the checkout books it: the customer key of
 * `customerKeyOf` (`member:<id>` or `card:<number>`), the transaction or return id, when (ISO with
 * the till's offset) and how much was paid after discounts (minor units; a return is negative), and
 * the points it earned. Tiers, lifecycle stages and stats are derived from these rows, never taken
 * from the caller.
 * @category checkout
 */
export interface PurchaseRecord {
  readonly customer: string
  readonly id: string
  readonly at: string
  readonly amount: number
  readonly points: number
}

/**
 * What the stores know of the holder of a card, read at identify, price and close: the card row
 * (absent: the number is unknown), its member, the customer's purchases (oldest first) and how many
 * referrals they were rewarded for.
 * @category checkout
 */
export interface Standing {
  readonly card?: Card
  readonly member?: Member
  readonly purchases: readonly PurchaseRecord[]
  readonly successfulReferrals: number
}

/**
 * Why a scanned card brought no member benefit: unknown, blocked, or replaced by another card
 * (`replacedBy` gives only its last 4 digits, for the cashier). The sale goes on as anonymous.
 * @category checkout
 */
export interface CardWarning {
  readonly code: 'UNKNOWN_CARD' | 'CARD_BLOCKED' | 'CARD_REPLACED'
  /** The scanned card, masked but for its last 4 digits. */
  readonly card: string
  readonly replacedBy?: string
  /** What to tell the customer, for the cashier. */
  readonly message: string
}

// ── codes ────────────────────────────────────────────────────────────────────────────────────────

/**
 * A stored code pool: how its codes may be used, when, and which campaign they unlock. Codes are
 * added in batches ({@link CheckoutStore.addCodes}). Times are epoch milliseconds.
 * @category checkout
 */
export interface CodePool {
  readonly id: string
  /** Imported and generated pools are single-use or multi-use; personal codes are issued coupons. */
  readonly kind: Extract<CodeKind, { readonly type: 'singleUse' | 'multiUse' }>
  /** The generation pattern (`XMAS-####-####`), used to tell a typo (`BAD_CHECK_CHARACTER`) from an unknown code. */
  readonly pattern?: string
  readonly campaignId?: string
  readonly validFromMs?: EpochMs
  readonly validUntilMs?: EpochMs
}

/**
 * A code as the checkout store keeps it: the {@link CodeRecord} that `judgeCode` judges, plus the
 * revocation of an issued coupon whose purchase was fully returned.
 * @category checkout
 */
export interface StoredCode extends CodeRecord {
  readonly revoked?: { readonly by: string; readonly atMs: EpochMs }
}

// ── usage ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The usage row of one campaign: transactions that used it, discount and points it gave. Locked at
 * close (`FOR UPDATE`); a missing row reads as zeros.
 * @category checkout
 */
export interface CampaignUsageRow {
  readonly campaignId: string
  readonly redemptions: number
  readonly discountSpent: number
  readonly pointsSpent: number
}

/**
 * One counter per campaign, customer and period bucket (`2026-11-26`, `2026-W48`, `2026-11` or
 * `campaign`), for `limits.perCustomer`.
 * @category checkout
 */
export interface CustomerUsage {
  readonly campaignId: string
  readonly customer: string
  readonly bucket: string
  readonly count: number
}

/** Checkout coupons issued per customer, template and period bucket: the frequency cap. @category checkout */
export interface CouponUsage {
  readonly template: string
  readonly customer: string
  readonly bucket: string
  readonly count: number
}

/** The key of a {@link CustomerUsage} row. @category checkout */
export type CustomerUsageKey = Omit<CustomerUsage, 'count'>
/** The key of a {@link CouponUsage} row. @category checkout */
export type CouponUsageKey = Omit<CouponUsage, 'count'>

/** What the store knows of usage, for the campaigns asked about. @category checkout */
export interface UsageRows {
  readonly campaigns: readonly CampaignUsageRow[]
  readonly customers: readonly CustomerUsage[]
}

// ── close ────────────────────────────────────────────────────────────────────────────────────────

/** A payment at close: free `type` (`cash`, `card`, `voucher`…) and an amount in minor units. @category checkout */
export interface Tender {
  readonly type: string
  readonly amount: number
}

/**
 * Everything a close books, as one idempotent request keyed by `basket.id` (the transaction id).
 * A retry with the same content returns the stored receipt; other content is `CONFLICTING_REPLAY`.
 * @category checkout
 */
export interface CloseRequest {
  readonly basket: Basket
  /** Optional: must agree with the card's record in the loyalty store (which decides), else refused. */
  readonly customer?: Customer
  readonly tenders: readonly Tender[]
}

/** A line of the stored snapshot: what each unit cost, was discounted and earned. @category checkout */
export interface SnapshotLine {
  readonly lineId: string
  readonly sku: string
  readonly quantity: number
  readonly unit: NonNullable<BasketLine['unit']>
  readonly amount: number
  readonly discount: number
  readonly net: number
  readonly points: number
}

/**
 * The allocation snapshot of a close: per line, the amount, discount, net and points, exactly as
 * charged; returns are computed from it alone.
 * @category checkout
 */
export interface CloseSnapshot {
  readonly lines: readonly SnapshotLine[]
  readonly discounts: readonly Discount[]
  readonly pointsEarned: number
}

/**
 * What a close booked, so that a full return can give it back: redeemed codes, the usage added per
 * campaign, the per-customer and coupon counters bumped, and the coupon codes issued.
 * @category checkout
 */
export interface CloseBookings {
  readonly codes: readonly string[]
  readonly campaigns: readonly CampaignUsageRow[]
  readonly customers: readonly CustomerUsageKey[]
  readonly coupons: readonly CouponUsageKey[]
  readonly issuedCodes: readonly string[]
  /** The ledger key of the earn, when points were posted. */
  readonly earnKey?: string
  /** The account the earn went to (a return reverses on it even if the card was replaced since). */
  readonly earnAccountId?: string
}

/** A checkout coupon handed over at close: printable text (the code) and barcode payloads. @category checkout */
export interface IssuedCoupon {
  readonly campaignId: string
  readonly template: string
  readonly pool: string
  readonly label: string
  /** The signed text: print it, and scan it back as a code. */
  readonly code: string
  /** Absent: a bearer coupon. */
  readonly card?: string
  readonly validFrom: string
  readonly validUntil: string
  readonly barcode: { readonly code128: string; readonly qrcode: string }
}

/**
 * Why something the evaluation offered was not given at close (`LIMIT_REACHED`,
 * `BUDGET_EXHAUSTED`, `BUDGET_PARTIAL`, `CODE_NOT_USED`, `COUPON_CAP_REACHED`, `COUPON_NEEDS_CARD`).
 * @category checkout
 */
export interface ReceiptNote {
  /** The campaign concerned; for `CODE_NOT_USED`, the campaign of the code's pool (the pool id if none). */
  readonly campaignId: string
  readonly reason: Reason
}

/** Points on the receipt: earned now, pending until `availableFrom`, and the balance after. @category checkout */
export interface ReceiptPoints {
  readonly earned: number
  readonly pendingUntil?: string
  readonly balance?: Balance
}

/**
 * The receipt block a close returns (and a retry returns again, identical).
 * @category checkout
 */
export interface Receipt {
  readonly transactionId: string
  readonly at: string
  readonly currency: string
  readonly card?: string
  readonly lines: readonly {
    readonly id: string
    readonly sku: string
    readonly quantity: number
    readonly unit: string
    /** The price of one unit (per kg for a weighed line), as the till sent it. */
    readonly unitPrice: number
    readonly amount: number
    readonly discount: number
    readonly net: number
  }[]
  readonly discounts: readonly {
    readonly campaignId: string
    readonly label: string
    readonly amount: number
    /** Each line's share of the discount (sums to `amount`), as the evaluation allocated it. */
    readonly allocations?: readonly { readonly lineId: string; readonly amount: number }[]
    readonly reasons?: readonly Reason[]
  }[]
  readonly subtotal: number
  readonly discountTotal: number
  readonly total: number
  /** What the customer saved: the discount total. */
  readonly savings: number
  readonly tenders: readonly Tender[]
  readonly points: ReceiptPoints
  readonly coupons: readonly IssuedCoupon[]
  readonly notes: readonly ReceiptNote[]
  /** The member the sale was booked to, when the card brought member benefits. */
  readonly memberId?: string
  /** Why a scanned card brought no member benefit (the sale closed as anonymous). */
  readonly warnings?: readonly CardWarning[]
}

/** What the store keeps of a close: the request hash, the snapshot, the bookings and the receipt. @category checkout */
export interface CloseRecord {
  readonly transactionId: string
  /** Canonical JSON of the {@link CloseRequest}: equal exactly when a retry is the same close. */
  readonly request: string
  readonly card?: string
  readonly snapshot: CloseSnapshot
  readonly bookings: CloseBookings
  readonly receipt: Receipt
}

// ── returns ──────────────────────────────────────────────────────────────────────────────────────

/** A returned line: how many units (or, for a weighed line, its whole quantity). @category checkout */
export interface ReturnLine {
  readonly lineId: string
  readonly quantity: number
}

/**
 * A return, keyed by `returnId`: retry → same result, same id other content → `CONFLICTING_REPLAY`.
 * `at` is when it happens (ISO with offset), used for the ledger posting.
 * @category checkout
 */
export interface ReturnRequest {
  readonly returnId: string
  readonly transactionId: string
  readonly at: string
  readonly lines: readonly ReturnLine[]
}

/** What one returned line gives back. @category checkout */
export interface ReturnedLine {
  readonly lineId: string
  readonly quantity: number
  /** Units counted from the first unit of the line: this return took units `[fromUnit, fromUnit + units)`. */
  readonly fromUnit: number
  readonly units: number
  readonly amount: number
  readonly discount: number
  readonly refund: number
  readonly points: number
}

/**
 * The result of a return: refund and points clawed back per line, whether it completed a full
 * return (and so gave back usage, codes and budgets, and revoked the coupons), the balance after.
 * @category checkout
 */
export interface ReturnReceipt {
  readonly returnId: string
  readonly transactionId: string
  readonly lines: readonly ReturnedLine[]
  readonly refund: number
  readonly pointsClawedBack: number
  readonly full: boolean
  readonly revokedCoupons: readonly string[]
  readonly balance?: Balance
}

/** What the store keeps of a return. @category checkout */
export interface ReturnRecord {
  readonly returnId: string
  readonly transactionId: string
  readonly request: string
  readonly receipt: ReturnReceipt
}

// ── sessions ─────────────────────────────────────────────────────────────────────────────────────

/**
 * An open sale as data: what a till has scanned so far, the card, the codes held for it, and where
 * it stands. Stored by the checkout store, so any process (a stateless HTTP server, a restarted
 * till) can resume it by its transaction id.
 * @category checkout
 */
export interface SessionData {
  readonly transactionId: string
  readonly storeId: string
  readonly terminalId: string
  readonly channel: Basket['channel']
  readonly currency: Basket['currency']
  readonly pricesIncludeTax: boolean
  readonly at: Basket['at']
  readonly state: 'open' | 'closed' | 'voided'
  readonly lines: readonly BasketLine[]
  readonly card?: string
  readonly codes: readonly AcceptedCode[]
}

// ── the port ─────────────────────────────────────────────────────────────────────────────────────

/**
 * What a close reads after its id, in this order: the standing of `card`, then `codes` locked. A store
 * may read them with the id when the id is new (taking the locks in the same order) and answer
 * `standing` and `lockCodes` from there; it may ignore them.
 * @category checkout
 */
export interface CloseReads {
  readonly card: string | undefined
  readonly codes: readonly string[]
}

/**
 * The reads and writes of ONE checkout transaction. Every `lock…` read takes a row lock (`SELECT …
 * FOR UPDATE`, rows created as zeros when missing) held until commit. Every path locks in one
 * global order, so that two transactions never wait on each other in a cycle: the close record,
 * then codes (sorted), then campaign usage rows (sorted by id), then per-customer usage, then coupon
 * usage, then the account's balance (the posting), then the increments of campaigns without
 * limits (`addCampaignUsage`, last).
 * @category checkout
 */
export interface CheckoutTransaction {
  /**
   * The close stored under this transaction id, locked (returns of one sale serialize on it). A close
   * passes what it reads next (`next`), so that a store may read it in the same round trip.
   */
  readonly findClose: (transactionId: string, next?: CloseReads) => Promise<CloseRecord | undefined>
  readonly findReturn: (returnId: string) => Promise<ReturnRecord | undefined>
  /** Every return of a transaction, in the order they were saved. */
  readonly returnsOf: (transactionId: string) => Promise<readonly ReturnRecord[]>
  /** The codes found among `codes`, locked; unknown codes are simply absent. */
  readonly lockCodes: (codes: readonly string[]) => Promise<readonly StoredCode[]>
  /** Inserts or replaces code rows. */
  readonly saveCodes: (codes: readonly StoredCode[]) => Promise<void>
  /** The usage rows of these campaigns, locked (zeros when missing). */
  readonly lockCampaignUsage: (campaignIds: readonly string[]) => Promise<readonly CampaignUsageRow[]>
  readonly lockCustomerUsage: (keys: readonly CustomerUsageKey[]) => Promise<readonly CustomerUsage[]>
  readonly lockCouponUsage: (keys: readonly CouponUsageKey[]) => Promise<readonly CouponUsage[]>
  /** Replaces per-customer and coupon usage rows with these values (rows locked before). */
  readonly saveUsage: (customers: readonly CustomerUsage[], coupons: readonly CouponUsage[]) => Promise<void>
  /**
   * Adds these amounts to campaigns' usage rows (creating missing rows; a negative amount gives
   * back, never below zero). Called last, after the posting: a campaign without limits is never
   * locked before, so its hot row is held only from here to the commit; a limited one was locked
   * by `lockCampaignUsage` first.
   */
  readonly addCampaignUsage: (deltas: readonly CampaignUsageRow[]) => Promise<void>
  /** What the stores know of a card's holder, read inside this transaction (no lock). */
  readonly standing: (card: string) => Promise<Standing>
  /** Appends purchase rows (a close's, a return's negative one); an id already stored is left as it is. */
  readonly savePurchases: (rows: readonly PurchaseRecord[]) => Promise<void>
  /**
   * Posts to the points ledger INSIDE this transaction (SQL stores: `executePosting` over their
   * ledger transaction; memory: the memory ledger, which the checkout posts last so that nothing
   * after it can fail).
   */
  readonly post: (request: PostingRequest) => Promise<Either<LedgerError, PostingResult>>
  readonly saveClose: (record: CloseRecord) => Promise<void>
  readonly saveReturn: (record: ReturnRecord) => Promise<void>
  /**
   * Marks the session of this transaction id closed, when one is stored and not closed yet (a
   * close's last write: a store may send it with the others, in the close's own round trips).
   */
  readonly closeSession: (transactionId: string) => Promise<void>
}

/**
 * The checkout store port. `transact(fn)` runs `fn` in one transaction: committed when `fn` returns a
 * `Right`, rolled back on a `Left` or a throw. SQL stores retry `fn` on serialization failures (40001)
 * and deadlocks (40P01) and on a unique violation of a close/return id, so `fn` must have no effect
 * outside `tx`; when the retries run out they answer `StoreBusy`. Implementations pass
 * `checkoutStoreConformance` from `@tessera/testing`.
 * @category checkout
 */
export interface CheckoutStore {
  readonly transact: <A>(
    fn: (tx: CheckoutTransaction) => Promise<Either<CheckoutError, A>>,
  ) => Promise<Either<CheckoutError, A>>
  /** Creates or replaces a pool. */
  readonly putPool: (pool: CodePool) => Promise<Either<CheckoutError, CodePool>>
  readonly pools: () => Promise<readonly CodePool[]>
  /**
   * Adds a batch of codes to a pool (call once per batch while streaming a generated or imported
   * pool). Codes already present are left as they are. `UnknownPool` if the pool is not stored.
   */
  readonly addCodes: (
    pool: string,
    batch: readonly string[],
  ) => Promise<Either<CheckoutError, { readonly added: number }>>
  /** One code, unlocked (for display and tests). */
  readonly code: (code: string) => Promise<StoredCode | undefined>
  /** Usage rows without locks, for `price()`: zeros for missing rows. */
  readonly usage: (campaignIds: readonly string[], customers: readonly CustomerUsageKey[]) => Promise<UsageRows>
  readonly couponUsage: (keys: readonly CouponUsageKey[]) => Promise<readonly CouponUsage[]>
  /** What the stores know of a card's holder, unlocked (identify, price). */
  readonly standing: (card: string) => Promise<Standing>
  /** Imports past purchases (a shop's history before Tessera); ids already stored are left as they are. */
  readonly importPurchases: (rows: readonly PurchaseRecord[]) => Promise<void>
  /** A stored close, unlocked (named so that one object may implement this and `LoyaltyStore.close()`). */
  readonly findClose: (transactionId: string) => Promise<CloseRecord | undefined>
  /** The returns of a sale, in the order they were saved, unlocked. */
  readonly findReturns: (transactionId: string) => Promise<readonly ReturnRecord[]>
  /** Inserts or replaces an open sale's data. */
  readonly saveSession: (session: SessionData) => Promise<void>
  readonly findSession: (transactionId: string) => Promise<SessionData | undefined>
}
