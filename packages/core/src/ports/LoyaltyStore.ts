import type { Either } from 'fp-ts/lib/Either.js'
import type { Card } from '../customer/card.js'
import type { MemberErasure, MemberExport } from '../customer/dataRights.js'
import type { Account, ClubMembership, Household, Member } from '../customer/member.js'
import type { LedgerError } from '../ledger/errors.js'
import type {
  AccountState,
  Balance,
  BalanceRow,
  Entry,
  EpochMs,
  LedgerPolicy,
  LedgerProgram,
  Lot,
  PostingPlan,
  PostingRequest,
  PostingResult,
  Reservation,
} from '../ledger/model.js'

/**
 * An asynchronous result: every store port returns one, because Postgres is asynchronous.
 * @category ports
 */
export type StoreResult<A> = Promise<Either<LedgerError, A>>

/**
 * A posting as the store keeps it for idempotency: the key, the canonical JSON of the request
 * ({@link canonicalJson}) and the first result, returned again on a replay.
 * @category ports
 */
export interface StoredPosting {
  readonly key: string
  readonly request: string
  readonly result: PostingResult
}

/**
 * What one expiry sweep did.
 * @category ports
 */
export interface SweepReport {
  readonly asOf: EpochMs
  readonly sweepKey: string
  /** Accounts that had something due and got an `expire` entry in this run. */
  readonly accounts: number
  readonly expiredPoints: number
  readonly releasedReservations: number
}

/** One inconsistency found by `check()`. @category ports */
export interface ConsistencyProblem {
  readonly accountId: string
  readonly problem: string
}

/**
 * The result of `check()`: every balance row, lot and open reservation recomputed from the entries
 * alone and compared. `problems` is empty when the store is consistent.
 * @category ports
 */
export interface ConsistencyReport {
  readonly accounts: number
  readonly entries: number
  readonly problems: readonly ConsistencyProblem[]
}

/**
 * The points ledger port (DESIGN §5).
 *
 * Every write goes through {@link executePosting} from `@tessera/core`, inside ONE transaction of
 * the store, so memory, SQLite and Postgres share every decision and cannot disagree:
 *
 * 1. idempotency: look the key up; same canonical request → return the stored result; different →
 *    `ConflictingReplay` (code `CONFLICTING_REPLAY`), nothing written;
 * 2. resolve the card (if the request names one) and load the {@link AccountState} locked
 *    (`SELECT … FOR UPDATE`; for a transfer lock both accounts in accountId order);
 * 3. `planPosting` (pure) decides;
 * 4. write the {@link PostingPlan} and the {@link StoredPosting}; commit.
 *
 * A store implements {@link LedgerTransaction} (the few reads and the one write that this needs)
 * and wraps `executePosting(tx, request)` in its transaction, retrying on serialization failure
 * (Postgres 40001) and on a unique violation of the posting key (a concurrent same-key posting: the
 * retry then replays it). A `Left` from `executePosting` means: roll back, write nothing.
 *
 * Times are epoch milliseconds passed by the caller; a store never reads the clock.
 * @category ports
 */
export interface LedgerStore {
  /** Posts one request (see {@link PostingRequest}); a replay with the same key returns the first result. */
  readonly post: (request: PostingRequest) => StoreResult<PostingResult>
  /**
   * The balances as of `asOf` (epoch ms), computed with {@link balanceOf} from the open lots and
   * reservations: pending lots mature, expired lots and lapsed reservations stop counting, lazily,
   * with no write. `UnknownAccount` when there is no such account.
   */
  readonly balance: (accountId: string, asOf: EpochMs) => StoreResult<Balance>
  /** Every entry of the account, by `sequence` ascending. */
  readonly entries: (accountId: string) => StoreResult<readonly Entry[]>
  /** The open lots (`remaining > 0`) of the account, by expiry (soonest first, never-expiring last), then lotId. */
  readonly lots: (accountId: string) => StoreResult<readonly Lot[]>
  /** The open reservations of the account, by reservationId. */
  readonly reservations: (accountId: string) => StoreResult<readonly Reservation[]>
  /**
   * The expiry sweep as of `asOf`: for every account with an open lot whose `expiresAt ≤ asOf` or an
   * open reservation whose `expiresAt ≤ asOf`, posts `sweepRequest(sweepKey, accountId, asOf)` (an
   * `expire`, in its own transaction). Idempotent: a second run with the same key replays (writes
   * nothing); a run with another key finds nothing left due. Use one sweep key per `asOf` (e.g.
   * `expiry/2026-11-26`): the same key with another `asOf` is a different request, so
   * `CONFLICTING_REPLAY`.
   */
  readonly expireDue: (asOf: EpochMs, sweepKey: string) => StoreResult<SweepReport>
  /** Recomputes every account from its entries with {@link checkAccount} and reports differences. */
  readonly check: () => StoreResult<ConsistencyReport>
}

/**
 * Input to {@link AccountStore.openAccount}.
 * @category ports
 */
export interface OpenAccountInput {
  readonly accountId: string
  readonly programId: string
  readonly memberId?: string
  readonly householdId?: string
  readonly at: EpochMs
}

/** Input to {@link AccountStore.issueCard}. @category ports */
export interface IssueCardInput {
  readonly number: string
  /** The account the card points to (it must exist and be open). */
  readonly accountId: string
  /** Absent: an anonymous card. */
  readonly memberId?: string
  readonly at: EpochMs
}

/**
 * Input to {@link AccountStore.replaceCard}: the lost card's account is closed into a new account
 * `newAccountId` (same program and holder) by a `transfer` keyed `key`, the new card `replacement`
 * is issued on it, every other card of the old account follows, and the lost card becomes `replaced`.
 * @category ports
 */
export interface ReplaceCardInput {
  readonly lost: string
  readonly replacement: string
  readonly newAccountId: string
  readonly key: string
  readonly at: EpochMs
}

/** What a card replacement did. @category ports */
export interface CardReplacement {
  readonly card: Card
  readonly transfer: PostingResult
}

/** Input to {@link AccountStore.mergeAccounts}: everything of `from` moves to `into`. @category ports */
export interface MergeAccountsInput {
  readonly from: string
  readonly into: string
  readonly key: string
  readonly at: EpochMs
}

/**
 * Cards, members, accounts, households and club memberships.
 *
 * `replaceCard` and `mergeAccounts` must be atomic with their transfer: stores implement them with
 * {@link replaceCardIn} / {@link mergeAccountsIn} from `@tessera/core` over their
 * {@link LedgerTransaction}, in one transaction. They are keyed postings: a replay with the same
 * key and input returns the first result.
 * @category ports
 */
export interface AccountStore {
  /** Saves (creates or replaces) a program's ledger policy. Accounts of an unsaved program use {@link DEFAULT_LEDGER_POLICY}. */
  readonly putProgram: (program: LedgerProgram) => StoreResult<LedgerProgram>
  /** Opens an account. `AlreadyExists` if the id is taken; `UnknownMember` if `memberId` is not enrolled. */
  readonly openAccount: (input: OpenAccountInput) => StoreResult<Account>
  readonly account: (accountId: string) => StoreResult<Account>
  /**
   * The next serial of a named sequence (1, 2, 3…), for {@link cardNumberFromSerial}: atomic, never
   * handed out twice.
   */
  readonly nextSerial: (sequence: string) => StoreResult<number>
  /** Issues a card. `AlreadyExists` if the number is taken, `UnknownAccount`/`AccountMerged` for a bad account. */
  readonly issueCard: (input: IssueCardInput) => StoreResult<Card>
  /** The card, or `UnknownCard`. */
  readonly card: (number: string) => StoreResult<Card>
  /** Every card pointing to the account, by number. */
  readonly cardsOf: (accountId: string) => StoreResult<readonly Card[]>
  /** Blocks (`blocked`) or unblocks (`active`) a card. A replaced card stays replaced (`CardReplaced`). */
  readonly setCardStatus: (number: string, status: 'active' | 'blocked') => StoreResult<Card>
  /**
   * Links an anonymous card to a member; the card keeps its account and balance, and the account
   * gets the member as owner if it had none. `CardAlreadyClaimed` if another member holds it.
   */
  readonly claimCard: (number: string, memberId: string) => StoreResult<Card>
  /** Replaces a lost card; see {@link ReplaceCardInput}. */
  readonly replaceCard: (input: ReplaceCardInput) => StoreResult<CardReplacement>
  /** Merges two accounts with a `transfer`; the source becomes `merged` and its cards follow. */
  readonly mergeAccounts: (input: MergeAccountsInput) => StoreResult<PostingResult>
  /** Enrols a member. `AlreadyExists` if the id is taken. */
  readonly saveMember: (member: Member) => StoreResult<Member>
  readonly member: (memberId: string) => StoreResult<Member>
  /** Creates or replaces a household (its account must exist). */
  readonly saveHousehold: (household: Household) => StoreResult<Household>
  readonly household: (householdId: string) => StoreResult<Household>
  /** Creates or replaces a club membership (member + club). */
  readonly saveMembership: (membership: ClubMembership) => StoreResult<ClubMembership>
  /** The membership of a member in a club, or `undefined` (never a membership: not an error). */
  readonly membership: (memberId: string, clubId: string) => StoreResult<ClubMembership | undefined>
  /**
   * Everything held about a member, from one consistent read: their record, club memberships,
   * cards, and each account they use (owned, or behind one of their cards) with its balance at
   * `asOf`, entries, lots and reservations, and the households those accounts belong to.
   * `UnknownMember` if not enrolled. See {@link exportMemberIn}.
   */
  readonly exportMember: (memberId: string, asOf: EpochMs) => StoreResult<MemberExport>
  /**
   * Erases a member's personal data in one transaction: the record keeps only its id, program and
   * dates (`erasedAt`), and every card linked to them is blocked. The ledger is not touched, so the
   * accounts keep their amounts and `check()` stays clean. Erasing again changes nothing
   * (`alreadyErased`). See {@link eraseMemberIn}.
   */
  readonly eraseMember: (memberId: string, at: EpochMs) => StoreResult<MemberErasure>
}

/**
 * The loyalty store: the ledger, the cards and members, and `close()`. Implemented by the memory
 * store (`@tessera/testing`), `@tessera/store-sqlite` and `@tessera/store-postgres`, and checked by
 * `loyaltyStoreConformance` from `@tessera/testing`.
 * @category ports
 */
export interface LoyaltyStore extends LedgerStore, AccountStore {
  /**
   * Runs `fn` in ONE store transaction: committed when it returns a `Right`, rolled back on a `Left`
   * or a throw. SQL stores may run `fn` again after a lost race (40001/40P01), so `fn` must have no
   * effect outside `tx`. Core operations that book several rows at once (a referral's two postings
   * and its cap counter) run through it.
   */
  readonly transact: <E, A>(
    fn: (tx: LoyaltyTransaction) => Promise<Either<E, A>>,
  ) => Promise<Either<E | LedgerError, A>>
  /** Releases connections and files. The store is unusable afterwards. */
  readonly close: () => Promise<void>
}

/**
 * The reads and writes of ONE store transaction, which {@link executePosting},
 * {@link replaceCardIn} and {@link mergeAccountsIn} drive. Implement it once per store; every
 * method runs inside the same open transaction.
 * @category ports
 */
export interface LedgerTransaction {
  /** The posting stored under this key, if any. */
  readonly findPosting: (key: string) => Promise<StoredPosting | undefined>
  readonly findCard: (number: string) => Promise<Card | undefined>
  readonly findAccount: (accountId: string) => Promise<Account | undefined>
  /**
   * The account, its balance row, open lots and open reservations, LOCKED for the rest of the
   * transaction (`FOR UPDATE` on the account / balance row). `undefined` when no such account.
   */
  readonly loadAccountState: (accountId: string) => Promise<AccountState | undefined>
  /** The entry whose `entryId` equals the key (the main entry of that posting), on any account. */
  readonly findEntry: (key: string) => Promise<Entry | undefined>
  /** Sum of `|points|` of the `reverse` entries whose `ofKey` is this key. */
  readonly reversedSoFar: (ofKey: string) => Promise<number>
  /** The program's policy, or {@link DEFAULT_LEDGER_POLICY}. */
  readonly policy: (programId: string) => Promise<LedgerPolicy>
  /**
   * Writes a plan: append `entries`; upsert `lots`, `reservations`, `accounts`; replace `rows`;
   * when `moved` is set, point every card and household of `moved.from` to `moved.to`; insert
   * `posting` (unique key).
   */
  readonly write: (plan: PostingPlan, posting: StoredPosting) => Promise<void>
  /** Inserts or replaces an account row (used by card replacement before its transfer). */
  readonly saveAccount: (account: Account) => Promise<void>
  /** Inserts or replaces a card row. */
  readonly saveCard: (card: Card) => Promise<void>
}

/**
 * A {@link LedgerTransaction} with the rest of the loyalty rows: households and named counters.
 * Every method runs inside the same open transaction. Locks follow one global order in every path
 * (the checkout's, see `CheckoutTransaction`, ends with the same two): named counters first, then
 * balance rows by account id (a transfer locks both accounts sorted; a referral posts its two sides
 * sorted).
 * @category ports
 */
export interface LoyaltyTransaction extends LedgerTransaction {
  readonly findHousehold: (householdId: string) => Promise<Household | undefined>
  /** Every household whose shared account is this one (whatever the account row says). */
  readonly householdsOf: (accountId: string) => Promise<readonly Household[]>
  /**
   * Raises the named counter by one if it is below `cap` (a missing counter is 0) and says whether
   * it did: a conditional update on one row, so concurrent transactions never raise it past `cap`.
   */
  readonly bumpCounter: (name: string, cap: number) => Promise<boolean>
  readonly findMember: (memberId: string) => Promise<Member | undefined>
  readonly findMembership: (memberId: string, clubId: string) => Promise<ClubMembership | undefined>
  /** The card, locked for the rest of the transaction (`FOR UPDATE`): it is about to be rewritten. */
  readonly lockCard: (number: string) => Promise<Card | undefined>
  /** Every card of the account, by number. */
  readonly cardsOf: (accountId: string) => Promise<readonly Card[]>
  /** Every entry of the account, by sequence. */
  readonly entriesOf: (accountId: string) => Promise<readonly Entry[]>
  /** Inserts the account and its balance row unless the id is taken; says whether it did. */
  readonly createAccount: (account: Account, row: BalanceRow) => Promise<boolean>
  /** Inserts the card unless the number is taken; says whether it did. */
  readonly createCard: (card: Card) => Promise<boolean>
  /** Inserts the member unless the id is taken; says whether it did. */
  readonly createMember: (member: Member) => Promise<boolean>
  /** Rewrites an enrolled member's record (an erasure pseudonymises it). */
  readonly replaceMember: (member: Member) => Promise<void>
  /** Every account the member owns (`memberId`), by id. */
  readonly accountsOfMember: (memberId: string) => Promise<readonly Account[]>
  /** Every card linked to the member, by number. */
  readonly cardsOfMember: (memberId: string) => Promise<readonly Card[]>
  /** Every club membership of the member, by club. */
  readonly membershipsOf: (memberId: string) => Promise<readonly ClubMembership[]>
  /** Inserts or replaces. */
  readonly saveHousehold: (household: Household) => Promise<void>
  readonly saveMembership: (membership: ClubMembership) => Promise<void>
  readonly saveProgram: (program: LedgerProgram) => Promise<void>
  /** The next value of a named sequence (1, 2, 3…), atomically. */
  readonly nextSerial: (sequence: string) => Promise<number>
}
