import {
  type Account,
  type AccountState,
  accountMerged,
  alreadyExists,
  type Balance,
  type BalanceRow,
  balanceOf,
  type Card,
  type CardReplacement,
  type ClubMembership,
  type ConsistencyReport,
  cardAlreadyClaimed,
  cardReplaced,
  checkAccount,
  checkedLoyaltyStore,
  DEFAULT_LEDGER_POLICY,
  type Entry,
  emptyBalanceRow,
  executePosting,
  type Household,
  type LedgerError,
  type LedgerProgram,
  type Lot,
  type LoyaltyStore,
  type LoyaltyTransaction,
  type Member,
  mergeAccountsIn,
  type PostingPlan,
  type Reservation,
  replaceCardIn,
  type StoredPosting,
  type SweepReport,
  spendOrder,
  sweepRequest,
  unknownAccount,
  unknownCard,
  unknownHousehold,
  unknownMember,
} from '@tessera/core'
import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'

/** Everything the memory store holds. */
interface Tables {
  readonly programs: Map<string, LedgerProgram>
  readonly accounts: Map<string, Account>
  readonly rows: Map<string, BalanceRow>
  readonly lots: Map<string, Map<string, Lot>>
  readonly reservations: Map<string, Map<string, Reservation>>
  readonly entries: Map<string, Entry[]>
  readonly entryById: Map<string, Entry>
  readonly reversed: Map<string, number>
  readonly postings: Map<string, StoredPosting>
  readonly cards: Map<string, Card>
  readonly members: Map<string, Member>
  readonly households: Map<string, Household>
  readonly memberships: Map<string, ClubMembership>
  readonly serials: Map<string, number>
  readonly counters: Map<string, number>
}

const emptyTables = (): Tables => ({
  programs: new Map(),
  accounts: new Map(),
  rows: new Map(),
  lots: new Map(),
  reservations: new Map(),
  entries: new Map(),
  entryById: new Map(),
  reversed: new Map(),
  postings: new Map(),
  cards: new Map(),
  members: new Map(),
  households: new Map(),
  memberships: new Map(),
  serials: new Map(),
  counters: new Map(),
})

/**
 * Values enter the store deep-frozen (one pass on write), so they can be handed out as they are: a
 * caller can never change stored state, and reads cost no copy.
 */
const copy = <A>(a: A): A => {
  if (typeof a !== 'object' || a === null || Object.isFrozen(a)) return a
  for (const value of Object.values(a)) copy(value)
  return Object.freeze(a)
}

/** A frozen copy of a caller's value: the store never freezes (or keeps) what it was handed. */
const own = <A>(a: A): A => copy(structuredClone(a))

/**
 * A {@link LoyaltyStore} in memory, for tests and for the checkout in a single process. Operations
 * run one at a time (a promise queue), and each posting stages its writes and applies them only when
 * it succeeds, so it behaves like a serializable transactional store. Runs the same
 * `executePosting` as the SQL stores.
 * @category testing
 */
export const memoryLoyaltyStore = (): LoyaltyStore => {
  const db = emptyTables()
  let queue: Promise<unknown> = Promise.resolve()
  let closed = false

  /** Runs `op` after every earlier operation: the store's one-at-a-time "transaction". */
  const serial = <A>(op: () => Promise<A> | A): Promise<A> => {
    const run = queue.then(() => {
      if (closed) throw new Error('memory store: used after close()')
      return op()
    })
    queue = run.catch(() => undefined)
    return run
  }

  const accountState = (accountId: string): AccountState | undefined => {
    const account = db.accounts.get(accountId)
    const row = db.rows.get(accountId)
    if (account === undefined || row === undefined) return undefined
    return {
      account,
      row,
      lots: spendOrder([...(db.lots.get(accountId)?.values() ?? [])].filter((l) => l.remaining > 0)),
      reservations: [...(db.reservations.get(accountId)?.values() ?? [])].filter((r) => r.status === 'open'),
    }
  }

  const apply = (plan: PostingPlan, posting: StoredPosting): void => {
    for (const entry of plan.entries) {
      const list = db.entries.get(entry.accountId) ?? []
      list.push(entry)
      db.entries.set(entry.accountId, list)
      db.entryById.set(entry.entryId, entry)
      if (entry.kind === 'reverse' && entry.ofKey !== undefined) {
        db.reversed.set(entry.ofKey, (db.reversed.get(entry.ofKey) ?? 0) + Math.abs(entry.points))
      }
    }
    for (const lot of plan.lots) {
      const lots = db.lots.get(lot.accountId) ?? new Map<string, Lot>()
      const existing = lots.get(lot.lotId)
      lots.set(lot.lotId, existing === undefined ? lot : copy({ ...existing, remaining: lot.remaining }))
      db.lots.set(lot.accountId, lots)
    }
    for (const r of plan.reservations) {
      const rs = db.reservations.get(r.accountId) ?? new Map<string, Reservation>()
      rs.set(r.reservationId, r)
      db.reservations.set(r.accountId, rs)
    }
    for (const row of plan.rows) db.rows.set(row.accountId, row)
    for (const account of plan.accounts) db.accounts.set(account.accountId, account)
    if (plan.moved !== undefined) {
      const { from, to } = plan.moved
      for (const card of db.cards.values())
        if (card.accountId === from) db.cards.set(card.number, copy({ ...card, accountId: to }))
      for (const h of db.households.values()) {
        if (h.accountId === from) db.households.set(h.householdId, copy({ ...h, accountId: to }))
      }
    }
    db.postings.set(posting.key, posting)
  }

  /** A transaction: reads see the committed tables plus this transaction's staged writes. */
  const transaction = () => {
    const staged: Array<() => void> = []
    const stagedAccounts = new Map<string, Account>()
    const stagedCards = new Map<string, Card>()
    const stagedCounters = new Map<string, number>()
    const tx: LoyaltyTransaction = {
      findPosting: async (key) => copy(db.postings.get(key)),
      findCard: async (number) => copy(stagedCards.get(number) ?? db.cards.get(number)),
      findAccount: async (accountId) => copy(stagedAccounts.get(accountId) ?? db.accounts.get(accountId)),
      loadAccountState: async (accountId) => accountState(accountId),
      findEntry: async (key) => copy(db.entryById.get(key)),
      reversedSoFar: async (ofKey) => db.reversed.get(ofKey) ?? 0,
      policy: async (programId) => db.programs.get(programId)?.policy ?? DEFAULT_LEDGER_POLICY,
      write: async (plan, posting) => {
        const p = copy(plan)
        const s = copy(posting)
        staged.push(() => apply(p, s))
      },
      saveAccount: async (account) => {
        stagedAccounts.set(account.accountId, copy(account))
        staged.push(() => db.accounts.set(account.accountId, copy(account)))
      },
      saveCard: async (card) => {
        stagedCards.set(card.number, copy(card))
        staged.push(() => db.cards.set(card.number, copy(card)))
      },
      findHousehold: async (householdId) => copy(db.households.get(householdId)),
      householdsOf: async (accountId) => [...db.households.values()].filter((h) => h.accountId === accountId),
      bumpCounter: async (name, cap) => {
        const value = stagedCounters.get(name) ?? db.counters.get(name) ?? 0
        if (value >= cap) return false
        stagedCounters.set(name, value + 1)
        staged.push(() => db.counters.set(name, value + 1))
        return true
      },
    }
    return {
      tx,
      commit: () => {
        for (const write of staged) write()
      },
    }
  }

  /** Runs `body` as one transaction: its writes land only if it returns a Right. */
  const inTransaction = <E, A>(body: (tx: LoyaltyTransaction) => Promise<Either<E, A>>) =>
    serial(async () => {
      const { tx, commit } = transaction()
      const result = await body(tx)
      if (result._tag === 'Right') commit()
      return copy(result)
    })

  const found = <A>(value: A | undefined, missing: () => LedgerError): Either<LedgerError, A> =>
    value === undefined ? left(missing()) : right(copy(value))

  const openAccountRow = (accountId: string) => db.accounts.get(accountId)

  return checkedLoyaltyStore({
    transact: (fn) => inTransaction(fn),

    post: (request) => inTransaction((tx) => executePosting(tx, request)),

    balance: (accountId, asOf) =>
      serial((): Either<LedgerError, Balance> => {
        const state = accountState(accountId)
        return state === undefined ? left(unknownAccount(accountId)) : right(balanceOf(state, asOf))
      }),

    entries: (accountId) =>
      serial(
        (): Either<LedgerError, readonly Entry[]> =>
          db.accounts.has(accountId) ? right([...(db.entries.get(accountId) ?? [])]) : left(unknownAccount(accountId)),
      ),

    lots: (accountId) =>
      serial((): Either<LedgerError, readonly Lot[]> => {
        const state = accountState(accountId)
        return state === undefined ? left(unknownAccount(accountId)) : right(state.lots)
      }),

    reservations: (accountId) =>
      serial((): Either<LedgerError, readonly Reservation[]> => {
        const state = accountState(accountId)
        if (state === undefined) return left(unknownAccount(accountId))
        return right([...state.reservations].sort((a, b) => (a.reservationId < b.reservationId ? -1 : 1)))
      }),

    expireDue: async (asOf, sweepKey) => {
      const due = await serial(() =>
        [...db.accounts.keys()].filter((accountId) => {
          const lots = [...(db.lots.get(accountId)?.values() ?? [])]
          const rs = [...(db.reservations.get(accountId)?.values() ?? [])]
          return (
            lots.some((l) => l.remaining > 0 && l.expiresAt !== undefined && l.expiresAt <= asOf) ||
            rs.some((r) => r.status === 'open' && r.expiresAt <= asOf)
          )
        }),
      )
      let accounts = 0
      let expiredPoints = 0
      let releasedReservations = 0
      for (const accountId of due.sort()) {
        const result = await inTransaction((tx) => executePosting(tx, sweepRequest(sweepKey, accountId, asOf)))
        if (result._tag === 'Left') return result
        if (result.right.entries.length > 0) accounts += 1
        for (const e of result.right.entries) {
          if (e.kind === 'expire') expiredPoints += -e.points
          if (e.kind === 'release') releasedReservations += 1
        }
      }
      return right<LedgerError, SweepReport>({ asOf, sweepKey, accounts, expiredPoints, releasedReservations })
    },

    check: () =>
      serial((): Either<LedgerError, ConsistencyReport> => {
        const problems: { accountId: string; problem: string }[] = []
        let entries = 0
        for (const accountId of [...db.accounts.keys()].sort()) {
          const state = accountState(accountId) as AccountState
          const list = db.entries.get(accountId) ?? []
          entries += list.length
          for (const problem of checkAccount(state, list)) problems.push({ accountId, problem })
        }
        return right({ accounts: db.accounts.size, entries, problems })
      }),

    putProgram: (program) =>
      serial((): Either<LedgerError, LedgerProgram> => {
        const saved = own(program)
        db.programs.set(program.programId, saved)
        return right(saved)
      }),

    openAccount: (input) =>
      serial((): Either<LedgerError, Account> => {
        if (db.accounts.has(input.accountId)) return left(alreadyExists('account', input.accountId))
        if (input.memberId !== undefined && !db.members.has(input.memberId)) return left(unknownMember(input.memberId))
        const account: Account = {
          accountId: input.accountId,
          programId: input.programId,
          ...(input.memberId === undefined ? {} : { memberId: input.memberId }),
          ...(input.householdId === undefined ? {} : { householdId: input.householdId }),
          status: 'open',
          openedAt: input.at,
        }
        db.accounts.set(account.accountId, account)
        db.rows.set(account.accountId, copy(emptyBalanceRow(account.accountId, input.at)))
        return right(copy(account))
      }),

    account: (accountId) => serial(() => found(db.accounts.get(accountId), () => unknownAccount(accountId))),

    nextSerial: (sequence) =>
      serial((): Either<LedgerError, number> => {
        const next = (db.serials.get(sequence) ?? 0) + 1
        db.serials.set(sequence, next)
        return right(next)
      }),

    issueCard: (input) =>
      serial((): Either<LedgerError, Card> => {
        if (db.cards.has(input.number)) return left(alreadyExists('card', input.number))
        const account = openAccountRow(input.accountId)
        if (account === undefined) return left(unknownAccount(input.accountId))
        if (account.status === 'merged') return left(accountMerged(account.accountId, account.mergedInto))
        if (input.memberId !== undefined && !db.members.has(input.memberId)) return left(unknownMember(input.memberId))
        const card: Card = {
          number: input.number,
          accountId: input.accountId,
          ...(input.memberId === undefined ? {} : { memberId: input.memberId }),
          status: 'active',
          issuedAt: input.at,
        }
        db.cards.set(card.number, card)
        return right(copy(card))
      }),

    card: (number) => serial(() => found(db.cards.get(number), () => unknownCard(number))),

    cardsOf: (accountId) =>
      serial((): Either<LedgerError, readonly Card[]> => {
        if (!db.accounts.has(accountId)) return left(unknownAccount(accountId))
        return right(
          copy(
            [...db.cards.values()]
              .filter((c) => c.accountId === accountId)
              .sort((a, b) => (a.number < b.number ? -1 : 1)),
          ),
        )
      }),

    setCardStatus: (number, status) =>
      serial((): Either<LedgerError, Card> => {
        const card = db.cards.get(number)
        if (card === undefined) return left(unknownCard(number))
        if (card.status === 'replaced') return left(cardReplaced(number, card.replacedBy))
        const next: Card = { ...card, status }
        db.cards.set(number, next)
        return right(copy(next))
      }),

    claimCard: (number, memberId) =>
      serial((): Either<LedgerError, Card> => {
        const card = db.cards.get(number)
        if (card === undefined) return left(unknownCard(number))
        if (card.status === 'replaced') return left(cardReplaced(number, card.replacedBy))
        if (!db.members.has(memberId)) return left(unknownMember(memberId))
        if (card.memberId !== undefined && card.memberId !== memberId)
          return left(cardAlreadyClaimed(number, card.memberId))
        const next: Card = { ...card, memberId }
        db.cards.set(number, next)
        const account = db.accounts.get(card.accountId)
        if (account !== undefined && account.memberId === undefined && account.householdId === undefined) {
          db.accounts.set(account.accountId, copy({ ...account, memberId }))
        }
        return right(copy(next))
      }),

    replaceCard: (input) =>
      inTransaction((tx): Promise<Either<LedgerError, CardReplacement>> => replaceCardIn(tx, input)),

    mergeAccounts: (input) => inTransaction((tx) => mergeAccountsIn(tx, input)),

    saveMember: (member) =>
      serial((): Either<LedgerError, Member> => {
        if (db.members.has(member.memberId)) return left(alreadyExists('member', member.memberId))
        const saved = own(member)
        db.members.set(member.memberId, saved)
        return right(saved)
      }),

    member: (memberId) => serial(() => found(db.members.get(memberId), () => unknownMember(memberId))),

    saveHousehold: (household) =>
      serial((): Either<LedgerError, Household> => {
        if (!db.accounts.has(household.accountId)) return left(unknownAccount(household.accountId))
        for (const m of household.memberIds) if (!db.members.has(m)) return left(unknownMember(m))
        const saved = own(household)
        db.households.set(household.householdId, saved)
        return right(saved)
      }),

    household: (householdId) =>
      serial(() => found(db.households.get(householdId), () => unknownHousehold(householdId))),

    saveMembership: (membership) =>
      serial((): Either<LedgerError, ClubMembership> => {
        if (!db.members.has(membership.memberId)) return left(unknownMember(membership.memberId))
        const saved = own(membership)
        db.memberships.set(`${membership.memberId}\u0000${membership.clubId}`, saved)
        return right(saved)
      }),

    membership: (memberId, clubId) =>
      serial(
        (): Either<LedgerError, ClubMembership | undefined> =>
          right(copy(db.memberships.get(`${memberId}\u0000${clubId}`))),
      ),

    close: async () => {
      await serial(() => undefined)
      closed = true
    },
  })
}
