import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import {
  claimCardIn,
  issueCardIn,
  openAccountIn,
  saveHouseholdIn,
  saveMemberIn,
  saveMembershipIn,
  setCardStatusIn,
} from '../customer/accounts.js'
import { eraseMemberIn, exportMemberIn } from '../customer/dataRights.js'
import { balanceOf } from '../ledger/balance.js'
import { checkAccount } from '../ledger/check.js'
import { type LedgerError, unknownAccount, unknownCard, unknownHousehold, unknownMember } from '../ledger/errors.js'
import { executePosting, mergeRequest, replaceCardIn, sweepRequest } from '../ledger/execute.js'
import type { AccountState, Entry, EpochMs, PostingRequest, PostingResult } from '../ledger/model.js'
import { checkedLoyaltyStore } from './checked.js'
import type { ConsistencyProblem, LoyaltyStore, LoyaltyTransaction, StoreResult } from './LoyaltyStore.js'

/**
 * Every account as stored (balance row, open lots and reservations) and every entry, from ONE
 * consistent read: what `check()` recomputes.
 * @category ports
 */
export interface LoyaltySnapshot {
  readonly accounts: readonly AccountState[]
  readonly entries: ReadonlyMap<string, readonly Entry[]>
}

/**
 * What a store must provide for {@link loyaltyStoreOver} to make a whole {@link LoyaltyStore} of it:
 * its transaction runner and the few whole-store reads. Every decision is core's; a backend holds
 * only its SQL (or its maps) and its transaction handling.
 * @category ports
 */
export interface LoyaltyBackend {
  /**
   * One write transaction: commit on a `Right`, roll back on a `Left` or a throw; may run `fn` again
   * after a lost race, and answers `StoreBusy` when the retries run out.
   */
  readonly transact: <E, A>(
    fn: (tx: LoyaltyTransaction) => Promise<Either<E, A>>,
  ) => Promise<Either<E | LedgerError, A>>
  /** One consistent read, without locks (`loadAccountState` does not lock here). */
  readonly read: <A>(fn: (tx: LoyaltyTransaction) => Promise<A>) => Promise<A>
  /** The accounts with an open lot or an open reservation due at `asOf` (`expiresAt ≤ asOf`), by id. */
  readonly dueAccounts: (asOf: EpochMs) => Promise<readonly string[]>
  readonly snapshot: () => Promise<LoyaltySnapshot>
  /** A faster way to post than `transact(executePosting)`, when the store has one (it must agree). */
  readonly post?: (request: PostingRequest) => StoreResult<PostingResult>
  readonly close: () => Promise<void>
}

const found = <A>(value: A | undefined, missing: () => LedgerError): Either<LedgerError, A> =>
  value === undefined ? left(missing()) : right(value)

const byReservationId = (a: { reservationId: string }, b: { reservationId: string }) =>
  a.reservationId < b.reservationId ? -1 : a.reservationId > b.reservationId ? 1 : 0

/**
 * The {@link LoyaltyStore} over a backend: arguments checked ({@link checkedLoyaltyStore}), every
 * card, account, member and posting decision taken by the core planners inside one backend
 * transaction, and the expiry sweep and consistency check orchestrated here. The memory, SQLite
 * and PostgreSQL stores are this function over their backends.
 * @category ports
 */
export const loyaltyStoreOver = (backend: LoyaltyBackend): LoyaltyStore => {
  const { transact, read } = backend
  const post = backend.post ?? ((request: PostingRequest) => transact((tx) => executePosting(tx, request)))
  const withAccount = <A>(accountId: string, f: (tx: LoyaltyTransaction, state: AccountState) => A) =>
    read(async (tx) => {
      const state = await tx.loadAccountState(accountId)
      return state === undefined ? left<LedgerError, A>(unknownAccount(accountId)) : right<LedgerError, A>(f(tx, state))
    })
  const ifAccount = <A>(accountId: string, f: (tx: LoyaltyTransaction) => Promise<A>) =>
    read(
      async (tx): Promise<Either<LedgerError, A>> =>
        (await tx.findAccount(accountId)) === undefined ? left(unknownAccount(accountId)) : right(await f(tx)),
    )

  return checkedLoyaltyStore({
    transact,
    post,
    balance: (accountId, asOf) => withAccount(accountId, (_, state) => balanceOf(state, asOf)),
    entries: (accountId) => ifAccount(accountId, (tx) => tx.entriesOf(accountId)),
    lots: (accountId) => withAccount(accountId, (_, state) => state.lots),
    reservations: (accountId) => withAccount(accountId, (_, state) => [...state.reservations].sort(byReservationId)),

    expireDue: async (asOf, sweepKey) => {
      let accounts = 0
      let expiredPoints = 0
      let releasedReservations = 0
      for (const accountId of await backend.dueAccounts(asOf)) {
        const result = await post(sweepRequest(sweepKey, accountId, asOf))
        if (result._tag === 'Left') return result
        if (result.right.entries.length > 0) accounts += 1
        for (const e of result.right.entries) {
          if (e.kind === 'expire') expiredPoints += -e.points
          if (e.kind === 'release') releasedReservations += 1
        }
      }
      return right({ asOf, sweepKey, accounts, expiredPoints, releasedReservations })
    },

    check: async () => {
      const { accounts, entries } = await backend.snapshot()
      const problems: ConsistencyProblem[] = []
      let entryCount = 0
      for (const state of accounts) {
        const accountId = state.account.accountId
        const list = entries.get(accountId) ?? []
        entryCount += list.length
        for (const problem of checkAccount(state, list)) problems.push({ accountId, problem })
      }
      return right({ accounts: accounts.length, entries: entryCount, problems })
    },

    putProgram: (program) =>
      transact(async (tx) => {
        await tx.saveProgram(program)
        return right(program)
      }),
    openAccount: (input) => transact((tx) => openAccountIn(tx, input)),
    account: (accountId) => read(async (tx) => found(await tx.findAccount(accountId), () => unknownAccount(accountId))),
    nextSerial: (sequence) => transact(async (tx) => right(await tx.nextSerial(sequence))),
    issueCard: (input) => transact((tx) => issueCardIn(tx, input)),
    card: (number) => read(async (tx) => found(await tx.findCard(number), () => unknownCard(number))),
    cardsOf: (accountId) => ifAccount(accountId, (tx) => tx.cardsOf(accountId)),
    setCardStatus: (number, status) => transact((tx) => setCardStatusIn(tx, number, status)),
    claimCard: (number, memberId) => transact((tx) => claimCardIn(tx, number, memberId)),
    replaceCard: (input) => transact((tx) => replaceCardIn(tx, input)),
    mergeAccounts: (input) => post(mergeRequest(input)),
    saveMember: (member) => transact((tx) => saveMemberIn(tx, member)),
    member: (memberId) => read(async (tx) => found(await tx.findMember(memberId), () => unknownMember(memberId))),
    saveHousehold: (household) => transact((tx) => saveHouseholdIn(tx, household)),
    household: (householdId) =>
      read(async (tx) => found(await tx.findHousehold(householdId), () => unknownHousehold(householdId))),
    saveMembership: (membership) => transact((tx) => saveMembershipIn(tx, membership)),
    membership: (memberId, clubId) => read(async (tx) => right(await tx.findMembership(memberId, clubId))),
    exportMember: (memberId, asOf) => read((tx) => exportMemberIn(tx, memberId, asOf)),
    eraseMember: (memberId, at) => transact((tx) => eraseMemberIn(tx, memberId, at)),
    close: backend.close,
  })
}
