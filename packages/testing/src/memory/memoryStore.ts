import {
  type Account,
  type AccountState,
  type BalanceRow,
  type Card,
  type ClubMembership,
  DEFAULT_LEDGER_POLICY,
  type Entry,
  type Household,
  type LedgerProgram,
  type Lot,
  type LoyaltyStore,
  type LoyaltyTransaction,
  loyaltyStoreOver,
  type Member,
  type PostingPlan,
  type Reservation,
  type StoredPosting,
  spendOrder,
} from '@tessera/core'
import { oneAtATime, staged } from './transactions.js'

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

const membershipKey = (memberId: string, clubId: string) => `${memberId}\u0000${clubId}`

/**
 * A {@link LoyaltyStore} in memory, for tests and for the checkout in a single process: the core's
 * `loyaltyStoreOver` on maps. Operations run one at a time (a promise queue), and each transaction
 * stages its writes and applies them only when it succeeds, so it behaves like a serializable
 * transactional store, with the same decisions as the SQL stores.
 * @category testing
 */
export const memoryLoyaltyStore = (): LoyaltyStore => {
  const db = emptyTables()
  let closed = false
  /** Runs `op` after every earlier operation: the store's one-at-a-time "transaction". */
  const serial = oneAtATime('memory store', () => closed)

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

  /**
   * A transaction: reads see the committed tables plus this transaction's staged rows; `commit`
   * applies the staged writes in order.
   */
  const transaction = () => {
    const staged: Array<() => void> = []
    const stage = <K, V>(table: Map<K, V>, mine: Map<K, V>, key: K, value: V) => {
      const frozen = copy(value)
      mine.set(key, frozen)
      staged.push(() => table.set(key, frozen))
    }
    const mine = {
      accounts: new Map<string, Account>(),
      cards: new Map<string, Card>(),
      members: new Map<string, Member>(),
      counters: new Map<string, number>(),
    }
    const has = <K, V>(table: Map<K, V>, own: Map<K, V>, key: K) => own.has(key) || table.has(key)
    const tx: LoyaltyTransaction = {
      findPosting: async (key) => db.postings.get(key),
      findCard: async (number) => mine.cards.get(number) ?? db.cards.get(number),
      lockCard: async (number) => mine.cards.get(number) ?? db.cards.get(number),
      findAccount: async (accountId) => mine.accounts.get(accountId) ?? db.accounts.get(accountId),
      loadAccountState: async (accountId) => accountState(accountId),
      findEntry: async (key) => db.entryById.get(key),
      reversedSoFar: async (ofKey) => db.reversed.get(ofKey) ?? 0,
      policy: async (programId) => db.programs.get(programId)?.policy ?? DEFAULT_LEDGER_POLICY,
      write: async (plan, posting) => {
        const p = copy(plan)
        const s = copy(posting)
        staged.push(() => apply(p, s))
      },
      saveAccount: async (account) => stage(db.accounts, mine.accounts, account.accountId, own(account)),
      saveCard: async (card) => stage(db.cards, mine.cards, card.number, own(card)),
      findHousehold: async (householdId) => db.households.get(householdId),
      householdsOf: async (accountId) => [...db.households.values()].filter((h) => h.accountId === accountId),
      bumpCounter: async (name, cap) => {
        const value = mine.counters.get(name) ?? db.counters.get(name) ?? 0
        if (value >= cap) return false
        stage(db.counters, mine.counters, name, value + 1)
        return true
      },
      findMember: async (memberId) => mine.members.get(memberId) ?? db.members.get(memberId),
      findMembership: async (memberId, clubId) => db.memberships.get(membershipKey(memberId, clubId)),
      cardsOf: async (accountId) =>
        [...db.cards.values()].filter((c) => c.accountId === accountId).sort((a, b) => (a.number < b.number ? -1 : 1)),
      entriesOf: async (accountId) => [...(db.entries.get(accountId) ?? [])],
      createAccount: async (account, row) => {
        if (has(db.accounts, mine.accounts, account.accountId)) return false
        stage(db.accounts, mine.accounts, account.accountId, own(account))
        const frozen = own(row)
        staged.push(() => db.rows.set(row.accountId, frozen))
        return true
      },
      createCard: async (card) => {
        if (has(db.cards, mine.cards, card.number)) return false
        stage(db.cards, mine.cards, card.number, own(card))
        return true
      },
      createMember: async (member) => {
        if (has(db.members, mine.members, member.memberId)) return false
        stage(db.members, mine.members, member.memberId, own(member))
        return true
      },
      replaceMember: async (member) => stage(db.members, mine.members, member.memberId, own(member)),
      accountsOfMember: async (memberId) =>
        [...db.accounts.values()]
          .filter((a) => a.memberId === memberId)
          .sort((a, b) => (a.accountId < b.accountId ? -1 : 1)),
      cardsOfMember: async (memberId) =>
        [...db.cards.values()].filter((c) => c.memberId === memberId).sort((a, b) => (a.number < b.number ? -1 : 1)),
      membershipsOf: async (memberId) =>
        [...db.memberships.values()]
          .filter((m) => m.memberId === memberId)
          .sort((a, b) => (a.clubId < b.clubId ? -1 : 1)),
      saveHousehold: async (h) => {
        const frozen = own(h)
        staged.push(() => db.households.set(h.householdId, frozen))
      },
      saveMembership: async (m) => {
        const frozen = own(m)
        staged.push(() => db.memberships.set(membershipKey(m.memberId, m.clubId), frozen))
      },
      saveProgram: async (p) => {
        const frozen = own(p)
        staged.push(() => db.programs.set(p.programId, frozen))
      },
      nextSerial: async (sequence) => {
        const next = (db.serials.get(sequence) ?? 0) + 1
        staged.push(() => db.serials.set(sequence, next))
        return next
      },
    }
    return {
      tx,
      commit: () => {
        for (const write of staged) write()
      },
    }
  }

  return loyaltyStoreOver({
    // a copy: the result may hold the caller's own objects (a saved member), which stay unfrozen
    transact: (fn) => serial(() => staged(transaction, fn, own)),
    read: (fn) => serial(() => fn(transaction().tx)),
    dueAccounts: (asOf) =>
      serial(() =>
        [...db.accounts.keys()]
          .filter((accountId) => {
            const lots = [...(db.lots.get(accountId)?.values() ?? [])]
            const rs = [...(db.reservations.get(accountId)?.values() ?? [])]
            return (
              lots.some((l) => l.remaining > 0 && l.expiresAt !== undefined && l.expiresAt <= asOf) ||
              rs.some((r) => r.status === 'open' && r.expiresAt <= asOf)
            )
          })
          .sort(),
      ),
    snapshot: () =>
      serial(() => ({
        accounts: [...db.accounts.keys()].sort().map((id) => accountState(id) as AccountState),
        entries: db.entries,
      })),
    close: async () => {
      await serial(() => undefined)
      closed = true
    },
  })
}
