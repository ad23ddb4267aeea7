import type { Card } from '../customer/card.js'
import type { Account } from '../customer/member.js'

// ── time ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * An instant as epoch milliseconds. The ledger keeps times as numbers so that two requests for the
 * same instant written with different offsets are the same content.
 * @category ledger
 */
export type EpochMs = number

// ── lots, reservations, balances ─────────────────────────────────────────────────────────────────

/**
 * A lot: points earned together, with the same terms. Pending until `availableFrom`, spendable from
 * then until `expiresAt` (exclusive; absent = never expires). `remaining` falls as the lot is
 * redeemed, reserved, clawed back, expired or transferred; a lot with `remaining` 0 is closed.
 * @category ledger
 */
export interface Lot {
  readonly lotId: string
  readonly accountId: string
  /** The lot id of the earn this lot descends from (itself for an earn; the source lot for a transfer). */
  readonly origin: string
  /** Points when the lot was created. */
  readonly points: number
  readonly remaining: number
  readonly availableFrom: EpochMs
  readonly expiresAt?: EpochMs
  readonly createdAt: EpochMs
}

/** Where a reservation stands. @category ledger */
export type ReservationStatus = 'open' | 'committed' | 'released'

/**
 * Points a reservation took from one lot, with the lot's terms, so that a release can put them back
 * even if the lot has closed meanwhile.
 * @category ledger
 */
export interface LotTake {
  readonly lotId: string
  readonly origin: string
  readonly points: number
  readonly availableFrom: EpochMs
  readonly expiresAt?: EpochMs
}

/**
 * A hold on available points (two-phase redemption). Reserving takes the points out of their lots
 * at once (soonest expiry first); `commit` turns the hold into a redemption, `release` (or the TTL
 * passing) puts them back into the lots they came from. Its id is the reserve posting's key.
 * @category ledger
 */
export interface Reservation {
  readonly reservationId: string
  readonly accountId: string
  readonly points: number
  readonly takes: readonly LotTake[]
  /** The hold lapses at this instant: a commit at or after it is refused, the sweep releases it. */
  readonly expiresAt: EpochMs
  readonly status: ReservationStatus
  readonly createdAt: EpochMs
}

/**
 * The three balances of an account as of an instant.
 * - `available`: spendable now (matured, unexpired lots), minus any debt; negative only when the
 *   program's policy let a clawback or an adjustment go below zero.
 * - `pending`: earned but not yet spendable (inside the return window).
 * - `reserved`: held by open reservations.
 * @category ledger
 */
export interface Balance {
  readonly accountId: string
  readonly asOf: EpochMs
  readonly available: number
  readonly pending: number
  readonly reserved: number
}

/**
 * The balance row a store keeps for O(1) reads, written in the same transaction as the entries.
 * Its balances are as of `asOf`, the time of the last posting; a read as of a later instant is
 * recomputed from the open lots ({@link balanceOf}), which is how pending points mature: lazily,
 * with no write. `sequence` is the last entry's sequence number on the account.
 * @category ledger
 */
export interface BalanceRow extends Balance {
  /** Points owed (a clawback past zero); repaid first by later earns. */
  readonly debt: number
  readonly sequence: number
}

/**
 * Everything a posting on one account needs: the account, its balance row, its open lots
 * (`remaining > 0`) and its open reservations. A store loads it locked, inside the transaction.
 * @category ledger
 */
export interface AccountState {
  readonly account: Account
  readonly row: BalanceRow
  readonly lots: readonly Lot[]
  readonly reservations: readonly Reservation[]
}

// ── policy ───────────────────────────────────────────────────────────────────────────────────────

/**
 * A program's negative-balance policy.
 * - `allowNegative`: `false` (never below zero) or `{ floor: -N }`: a negative `adjust` may take
 *   `available` down to `floor`.
 * - `returnMayGoNegative`: a return (reverse of an earn) whose points were already spent may take the
 *   balance below zero without a floor (the debt is repaid by later earns). When false, such a
 *   clawback obeys `allowNegative` and is refused with `InsufficientPoints` past it.
 * Redeem, reserve and transfer never go below zero.
 * @category ledger
 */
export interface LedgerPolicy {
  readonly allowNegative: false | { readonly floor: number }
  readonly returnMayGoNegative: boolean
}

/** The default policy: never negative, except that a return may claw back into debt. @category ledger */
export const DEFAULT_LEDGER_POLICY: LedgerPolicy = { allowNegative: false, returnMayGoNegative: true }

/** A program's ledger settings, kept in the store. @category ledger */
export interface LedgerProgram {
  readonly programId: string
  readonly policy: LedgerPolicy
}

// ── requests ─────────────────────────────────────────────────────────────────────────────────────

/** Which account a posting addresses: through a scanned card, or directly. @category ledger */
export type AccountRef = { readonly card: string } | { readonly accountId: string }

/** Fields every posting request has. @category ledger */
export interface PostingBase {
  /** The caller-made idempotency key, unique in the store (e.g. `T-0042-03-000187/earn`). */
  readonly key: string
  /** When the posting happens (epoch ms): the basket's time for a checkout, never the store's clock. */
  readonly at: EpochMs
  /** A free note kept on the entry. */
  readonly reason?: string
}

/**
 * Earn points: creates a lot. If the account owes points (debt from an earlier clawback), the earn
 * repays the debt first and the lot holds the rest.
 * @category ledger
 */
export interface EarnRequest extends PostingBase {
  readonly kind: 'earn'
  readonly account: AccountRef
  readonly points: number
  /** Pending until this instant (default: `at`, spendable at once). */
  readonly availableFrom?: EpochMs
  /** The lot expires at this instant (default: never). */
  readonly expiresAt?: EpochMs
}

/** Redeem available points: consumes lots, soonest expiry first. @category ledger */
export interface RedeemRequest extends PostingBase {
  readonly kind: 'redeem'
  readonly account: AccountRef
  readonly points: number
}

/** Hold available points until `expiresAt`, then commit or release. @category ledger */
export interface ReserveRequest extends PostingBase {
  readonly kind: 'reserve'
  readonly account: AccountRef
  readonly points: number
  readonly expiresAt: EpochMs
}

/** Turn a reservation into a redemption. `reservationId` is the reserve posting's key. @category ledger */
export interface CommitRequest extends PostingBase {
  readonly kind: 'commit'
  readonly account: AccountRef
  readonly reservationId: string
}

/** Give a reservation's points back to their lots. @category ledger */
export interface ReleaseRequest extends PostingBase {
  readonly kind: 'release'
  readonly account: AccountRef
  readonly reservationId: string
}

/**
 * Reverse an earlier `earn`, `redeem` or `commit`, fully or partly (`points`, default: all that is
 * left to reverse). An earn is clawed back from its own lot first, then other pending lots, then
 * available ones, then into debt as the policy allows; a redemption gives its points back.
 * @category ledger
 */
export interface ReverseRequest extends PostingBase {
  readonly kind: 'reverse'
  readonly account: AccountRef
  /** The key of the posting to reverse. */
  readonly ofKey: string
  readonly points?: number
}

/** Expire the lots of one account that are due at `at`, and release its lapsed reservations. @category ledger */
export interface ExpireRequest extends PostingBase {
  readonly kind: 'expire'
  readonly account: { readonly accountId: string }
}

/**
 * A signed correction with a mandatory reason. Positive: a new lot (available at `at`, expiring at
 * `expiresAt` if given). Negative: consumes available lots soonest expiry first, then pending, then
 * goes into debt down to the policy's floor.
 * @category ledger
 */
export interface AdjustRequest extends PostingBase {
  readonly kind: 'adjust'
  readonly account: AccountRef
  readonly points: number
  readonly reason: string
  readonly expiresAt?: EpochMs
}

/**
 * Move everything from one account to another (card replacement, merge): open reservations of the
 * source are released, every lot moves with its terms (pending stays pending, expiry is kept), and
 * so does any debt. The source account is then `merged` into the destination.
 * @category ledger
 */
export interface TransferRequest extends PostingBase {
  readonly kind: 'transfer'
  readonly from: { readonly accountId: string }
  readonly to: { readonly accountId: string }
}

/** Every posting request. @category ledger */
export type PostingRequest =
  | EarnRequest
  | RedeemRequest
  | ReserveRequest
  | CommitRequest
  | ReleaseRequest
  | ReverseRequest
  | ExpireRequest
  | AdjustRequest
  | TransferRequest

/** The kinds of entries. @category ledger */
export type EntryKind = PostingRequest['kind']

/** Every entry kind, in the order DESIGN §5 lists them. @category ledger */
export const ENTRY_KINDS: readonly EntryKind[] = [
  'earn',
  'redeem',
  'reserve',
  'release',
  'commit',
  'reverse',
  'expire',
  'adjust',
  'transfer',
]

// ── entries ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A change to one lot, recorded on the entry with the lot's terms, so that the entries alone are
 * enough to rebuild every lot (that is what `check()` does).
 * @category ledger
 */
export interface LotChange {
  readonly lotId: string
  readonly origin: string
  /** Signed change of `remaining`. For a lot this entry creates, the lot's `points` is `created`. */
  readonly delta: number
  readonly created?: number
  readonly availableFrom: EpochMs
  readonly expiresAt?: EpochMs
}

/** A change to one reservation, recorded on the entry. @category ledger */
export interface ReservationChange {
  readonly reservationId: string
  readonly status: ReservationStatus
  readonly points: number
  readonly takes: readonly LotTake[]
  readonly expiresAt: EpochMs
}

/**
 * One immutable ledger entry on one account. A posting writes one entry per account it touches
 * (two for a transfer), plus a `release` entry per lapsed reservation it had to release first.
 * `points` is the signed change of the account's total (available + pending + reserved − debt).
 * @category ledger
 */
export interface Entry {
  /** Unique: the posting key, suffixed for the extra entries of one posting. */
  readonly entryId: string
  readonly accountId: string
  /** 1, 2, 3… per account, in the order entries were written. */
  readonly sequence: number
  readonly kind: EntryKind
  /** The idempotency key of the posting that wrote it. */
  readonly key: string
  readonly at: EpochMs
  readonly points: number
  readonly lotChanges: readonly LotChange[]
  readonly reservation?: ReservationChange
  /** Signed change of the account's debt. */
  readonly debtChange: number
  readonly reason?: string
  /** For a reverse: the key of the reversed posting. */
  readonly ofKey?: string
  /** For a transfer: the other account. */
  readonly counterparty?: string
}

// ── plans and results ────────────────────────────────────────────────────────────────────────────

/**
 * What a posting returns, and what a replay with the same key returns again.
 * @category ledger
 */
export interface PostingResult {
  readonly key: string
  readonly kind: EntryKind
  readonly accountId: string
  readonly entries: readonly Entry[]
  /** The addressed account's balance just after the posting, as of `at`. */
  readonly balance: Balance
  /** For a transfer: the destination's balance. */
  readonly counterpartyBalance?: Balance
  /** For reserve, commit and release: the reservation concerned. */
  readonly reservationId?: string
}

/**
 * The decision of a posting, as data: what a store writes, in one transaction.
 * - `entries`: append (never update).
 * - `lots`, `reservations`, `accounts`: upsert these full rows (a lot with `remaining` 0 and a
 *   reservation not `open` may be kept or deleted from the "open" tables; the entries keep history).
 *   Lot rows are never deleted; on conflict only `remaining` changes (the other fields are
 *   immutable), so a lot re-opened by a release keeps its original `points` and `createdAt`.
 * - `rows`: insert or replace the balance rows.
 * - `moved`: after a transfer, point every card and household of `from` to `to`.
 * - `result`: store with the key and the request's canonical JSON for replays.
 * @category ledger
 */
export interface PostingPlan {
  readonly entries: readonly Entry[]
  readonly lots: readonly Lot[]
  readonly reservations: readonly Reservation[]
  readonly rows: readonly BalanceRow[]
  readonly accounts: readonly Account[]
  readonly moved?: { readonly from: string; readonly to: string }
  readonly result: PostingResult
}

/**
 * What a posting may need besides the request, loaded by the store inside the transaction.
 * - `account`: the addressed account (the source for a transfer), locked.
 * - `counterparty`: a transfer's destination, locked (lock both in accountId order).
 * - `card`: the card when the request addressed one.
 * - `reversal`: for a reverse, the reversed posting's entry (by key, on any account) and how many
 *   points earlier reversals of it already took back.
 * @category ledger
 */
export interface PostingContext {
  readonly account: AccountState
  readonly counterparty?: AccountState
  readonly card?: Card
  readonly reversal?: { readonly original: Entry; readonly alreadyReversed: number }
}
