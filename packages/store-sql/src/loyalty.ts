import {
  type AccountState,
  DEFAULT_LEDGER_POLICY,
  type Entry,
  type LedgerPolicy,
  type Lot,
  type LoyaltySnapshot,
  type LoyaltyTransaction,
  type Member,
  type PostingResult,
  type Reservation,
  spendOrder,
} from '@tessera/core'
import { type SqlClient, type SqlDialect, sql } from './client.js'
import {
  accountColumns,
  accountFromRow,
  balanceColumns,
  balanceRowFromRow,
  bodyOf,
  cardColumns,
  cardFromRow,
  entryColumns,
  householdFromRow,
  lotColumns,
  lotFromRow,
  membershipFromRow,
  reservationColumns,
  reservationFromRow,
  type SqlRow,
} from './rows.js'

// ── statements (the same text in every engine) ───────────────────────────────────────────────────

const ACCOUNT_COLUMNS = 'account_id, program_id, member_id, household_id, status, merged_into, opened_at'
const CARD_COLUMNS = 'number, account_id, member_id, status, replaced_by, issued_at'

/** The statements the SQL stores share, by name. @category store-sql */
export const LOYALTY_SQL = {
  posting: sql('find_posting', 'SELECT request, result FROM postings WHERE key = $1'),
  card: sql('find_card', 'SELECT * FROM cards WHERE number = $1'),
  account: sql('find_account', 'SELECT * FROM accounts WHERE account_id = $1'),
  openLots: sql('open_lots', 'SELECT * FROM lots WHERE account_id = $1 AND remaining > 0'),
  openReservations: sql(
    'open_reservations',
    "SELECT * FROM reservations WHERE account_id = $1 AND status = 'open' ORDER BY reservation_id",
  ),
  entry: sql('find_entry', 'SELECT body FROM entries WHERE entry_id = $1'),
  reversed: sql(
    'reversed_so_far',
    "SELECT CAST(coalesce(sum(abs(points)), 0) AS BIGINT) AS n FROM entries WHERE of_key = $1 AND kind = 'reverse'",
  ),
  policy: sql('policy', 'SELECT policy FROM ledger_programs WHERE program_id = $1'),
  insertEntry: sql(
    'insert_entry',
    'INSERT INTO entries (entry_id, account_id, sequence, kind, key, of_key, points, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
  ),
  upsertLot: sql(
    'upsert_lot',
    `INSERT INTO lots (account_id, lot_id, origin, points, remaining, available_from, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account_id, lot_id) DO UPDATE SET remaining = excluded.remaining`,
  ),
  upsertReservation: sql(
    'upsert_reservation',
    `INSERT INTO reservations (account_id, reservation_id, points, takes, expires_at, status, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (account_id, reservation_id) DO UPDATE
       SET points = excluded.points, takes = excluded.takes, expires_at = excluded.expires_at, status = excluded.status`,
  ),
  upsertBalance: sql(
    'upsert_balance',
    `INSERT INTO balances (account_id, as_of, available, pending, reserved, debt, sequence) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (account_id) DO UPDATE SET as_of = excluded.as_of, available = excluded.available,
       pending = excluded.pending, reserved = excluded.reserved, debt = excluded.debt, sequence = excluded.sequence`,
  ),
  insertBalance: sql(
    'insert_balance',
    'INSERT INTO balances (account_id, as_of, available, pending, reserved, debt, sequence) VALUES ($1, $2, $3, $4, $5, $6, $7)',
  ),
  upsertAccount: sql(
    'upsert_account',
    `INSERT INTO accounts (${ACCOUNT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (account_id) DO UPDATE SET program_id = excluded.program_id, member_id = excluded.member_id,
       household_id = excluded.household_id, status = excluded.status, merged_into = excluded.merged_into`,
  ),
  insertAccount: sql(
    'insert_account',
    `INSERT INTO accounts (${ACCOUNT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (account_id) DO NOTHING`,
  ),
  insertPosting: sql('insert_posting', 'INSERT INTO postings (key, request, result) VALUES ($1, $2, $3)'),
  moveCards: sql('move_cards', 'UPDATE cards SET account_id = $2 WHERE account_id = $1'),
  moveHouseholds: sql('move_households', 'UPDATE households SET account_id = $2 WHERE account_id = $1'),
  upsertCard: sql(
    'upsert_card',
    `INSERT INTO cards (${CARD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (number) DO UPDATE SET account_id = excluded.account_id, member_id = excluded.member_id,
       status = excluded.status, replaced_by = excluded.replaced_by`,
  ),
  insertCard: sql(
    'insert_card',
    `INSERT INTO cards (${CARD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (number) DO NOTHING`,
  ),
  cardsOf: sql('cards_of', 'SELECT * FROM cards WHERE account_id = $1 ORDER BY number'),
  entriesOf: sql('entries_of', 'SELECT body FROM entries WHERE account_id = $1 ORDER BY sequence'),
  member: sql('find_member', 'SELECT body FROM members WHERE member_id = $1'),
  insertMember: sql(
    'insert_member',
    'INSERT INTO members (member_id, body) VALUES ($1, $2) ON CONFLICT (member_id) DO NOTHING',
  ),
  replaceMember: sql('replace_member', 'UPDATE members SET body = $2 WHERE member_id = $1'),
  accountsOfMember: sql('accounts_of_member', 'SELECT * FROM accounts WHERE member_id = $1 ORDER BY account_id'),
  cardsOfMember: sql('cards_of_member', 'SELECT * FROM cards WHERE member_id = $1 ORDER BY number'),
  membershipsOf: sql('memberships_of', 'SELECT * FROM memberships WHERE member_id = $1 ORDER BY club_id'),
  household: sql('find_household', 'SELECT * FROM households WHERE household_id = $1'),
  householdsOf: sql('households_of', 'SELECT * FROM households WHERE account_id = $1 ORDER BY household_id'),
  saveHousehold: sql(
    'save_household',
    `INSERT INTO households (household_id, account_id, member_ids) VALUES ($1, $2, $3)
     ON CONFLICT (household_id) DO UPDATE SET account_id = excluded.account_id, member_ids = excluded.member_ids`,
  ),
  membership: sql('find_membership', 'SELECT * FROM memberships WHERE member_id = $1 AND club_id = $2'),
  saveMembership: sql(
    'save_membership',
    `INSERT INTO memberships (member_id, club_id, from_at, until_at, period_months, auto_renew) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (member_id, club_id) DO UPDATE SET from_at = excluded.from_at, until_at = excluded.until_at,
       period_months = excluded.period_months, auto_renew = excluded.auto_renew`,
  ),
  saveProgram: sql(
    'save_program',
    `INSERT INTO ledger_programs (program_id, policy) VALUES ($1, $2)
     ON CONFLICT (program_id) DO UPDATE SET policy = excluded.policy`,
  ),
  nextSerial: sql(
    'next_serial',
    `INSERT INTO serials (sequence, value) VALUES ($1, 1)
     ON CONFLICT (sequence) DO UPDATE SET value = serials.value + 1 RETURNING value`,
  ),
  bumpCounter: sql(
    'bump_counter',
    `INSERT INTO counters (name, value) VALUES ($1, 1)
     ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 WHERE counters.value < $2 RETURNING value`,
  ),
  due: sql(
    'due_accounts',
    `SELECT account_id FROM lots WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= $1
     UNION SELECT account_id FROM reservations WHERE status = 'open' AND expires_at <= $1 ORDER BY 1`,
  ),
  allStates: sql(
    'all_states',
    `SELECT a.*, b.as_of, b.available, b.pending, b.reserved, b.debt, b.sequence
       FROM accounts a JOIN balances b ON b.account_id = a.account_id ORDER BY a.account_id`,
  ),
  allLots: sql('all_lots', 'SELECT * FROM lots WHERE remaining > 0'),
  allReservations: sql('all_reservations', "SELECT * FROM reservations WHERE status = 'open' ORDER BY reservation_id"),
  allEntries: sql('all_entries', 'SELECT account_id, body FROM entries ORDER BY account_id, sequence'),
}

/** The account-state read, locking the balance row in the dialect's way. */
const stateSql = (dialect: SqlDialect) =>
  sql(
    `state${dialect.forUpdateOfBalance === '' ? '' : '_locked'}`,
    `SELECT a.*, b.as_of, b.available, b.pending, b.reserved, b.debt, b.sequence, p.policy
       FROM balances b JOIN accounts a ON a.account_id = b.account_id
       LEFT JOIN ledger_programs p ON p.program_id = a.program_id
      WHERE b.account_id = $1${dialect.forUpdateOfBalance}`,
  )

/** A program's policy from its (possibly NULL) column. @category store-sql */
export const policyOf = (policy: unknown): LedgerPolicy =>
  policy === null || policy === undefined ? DEFAULT_LEDGER_POLICY : (JSON.parse(policy as string) as LedgerPolicy)

const first = async (rows: Promise<readonly SqlRow[]>) => (await rows)[0]

/**
 * The loyalty transaction over a SQL client that is inside the caller's transaction: every read
 * and write of the core's planners as shared SQL. `locking` reads take row locks in the dialect's
 * way; a store may replace the few methods where its engine has a faster form (PostgreSQL loads an
 * account and writes a plan in one round trip each).
 * @category store-sql
 */
export const sqlLoyaltyTransaction = (client: SqlClient, dialect: SqlDialect, locking = true): LoyaltyTransaction => {
  const q = LOYALTY_SQL
  const policies = new Map<string, LedgerPolicy>()
  const state = stateSql(locking ? dialect : { forUpdate: '', forUpdateOfBalance: '' })
  const lockCard = sql('lock_card', `SELECT * FROM cards WHERE number = $1${locking ? dialect.forUpdate : ''}`)
  return {
    findPosting: async (key) => {
      const r = await first(client.all(q.posting, [key]))
      return r === undefined
        ? undefined
        : { key, request: r.request as string, result: JSON.parse(r.result as string) as PostingResult }
    },
    findCard: async (number) => {
      const r = await first(client.all(q.card, [number]))
      return r === undefined ? undefined : cardFromRow(r)
    },
    lockCard: async (number) => {
      const r = await first(client.all(lockCard, [number]))
      return r === undefined ? undefined : cardFromRow(r)
    },
    findAccount: async (accountId) => {
      const r = await first(client.all(q.account, [accountId]))
      return r === undefined ? undefined : accountFromRow(r)
    },
    loadAccountState: async (accountId): Promise<AccountState | undefined> => {
      const r = await first(client.all(state, [accountId]))
      if (r === undefined) return undefined
      policies.set(r.program_id as string, policyOf(r.policy))
      return {
        account: accountFromRow(r),
        row: balanceRowFromRow(r),
        lots: spendOrder((await client.all(q.openLots, [accountId])).map(lotFromRow)),
        reservations: (await client.all(q.openReservations, [accountId])).map(reservationFromRow),
      }
    },
    findEntry: async (key) => {
      const r = await first(client.all(q.entry, [key]))
      return r === undefined ? undefined : bodyOf<Entry>(r)
    },
    reversedSoFar: async (ofKey) => Number((await first(client.all(q.reversed, [ofKey])))?.n ?? 0),
    policy: async (programId) => {
      const known = policies.get(programId)
      if (known !== undefined) return known
      return policyOf((await first(client.all(q.policy, [programId])))?.policy)
    },
    write: async (plan, posting) => {
      for (const e of plan.entries) await client.run(q.insertEntry, entryColumns(e))
      for (const l of plan.lots) await client.run(q.upsertLot, lotColumns(l))
      for (const r of plan.reservations) await client.run(q.upsertReservation, reservationColumns(r))
      for (const row of plan.rows) await client.run(q.upsertBalance, balanceColumns(row))
      for (const a of plan.accounts) await client.run(q.upsertAccount, accountColumns(a))
      if (plan.moved !== undefined) {
        await client.run(q.moveCards, [plan.moved.from, plan.moved.to])
        await client.run(q.moveHouseholds, [plan.moved.from, plan.moved.to])
      }
      await client.run(q.insertPosting, [posting.key, posting.request, JSON.stringify(posting.result)])
    },
    saveAccount: async (account) => {
      await client.run(q.upsertAccount, accountColumns(account))
    },
    saveCard: async (card) => {
      await client.run(q.upsertCard, cardColumns(card))
    },
    findHousehold: async (householdId) => {
      const r = await first(client.all(q.household, [householdId]))
      return r === undefined ? undefined : householdFromRow(r)
    },
    householdsOf: async (accountId) => (await client.all(q.householdsOf, [accountId])).map(householdFromRow),
    bumpCounter: async (name, cap) => (await client.run(q.bumpCounter, [name, cap])) === 1,
    findMember: async (memberId) => {
      const r = await first(client.all(q.member, [memberId]))
      return r === undefined ? undefined : bodyOf<Member>(r)
    },
    findMembership: async (memberId, clubId) => {
      const r = await first(client.all(q.membership, [memberId, clubId]))
      return r === undefined ? undefined : membershipFromRow(r)
    },
    cardsOf: async (accountId) => (await client.all(q.cardsOf, [accountId])).map(cardFromRow),
    entriesOf: async (accountId) => (await client.all(q.entriesOf, [accountId])).map((r) => bodyOf<Entry>(r)),
    createAccount: async (account, row) => {
      if ((await client.run(q.insertAccount, accountColumns(account))) === 0) return false
      await client.run(q.insertBalance, balanceColumns(row))
      return true
    },
    createCard: async (card) => (await client.run(q.insertCard, cardColumns(card))) === 1,
    createMember: async (member) => (await client.run(q.insertMember, [member.memberId, JSON.stringify(member)])) === 1,
    replaceMember: async (member) => {
      await client.run(q.replaceMember, [member.memberId, JSON.stringify(member)])
    },
    accountsOfMember: async (memberId) => (await client.all(q.accountsOfMember, [memberId])).map(accountFromRow),
    cardsOfMember: async (memberId) => (await client.all(q.cardsOfMember, [memberId])).map(cardFromRow),
    membershipsOf: async (memberId) => (await client.all(q.membershipsOf, [memberId])).map(membershipFromRow),
    saveHousehold: async (h) => {
      await client.run(q.saveHousehold, [h.householdId, h.accountId, JSON.stringify(h.memberIds)])
    },
    saveMembership: async (m) => {
      await client.run(q.saveMembership, [m.memberId, m.clubId, m.from, m.until, m.periodMonths, m.autoRenew])
    },
    saveProgram: async (p) => {
      await client.run(q.saveProgram, [p.programId, JSON.stringify(p.policy)])
    },
    nextSerial: async (sequence) => Number((await first(client.all(q.nextSerial, [sequence])))?.value),
  }
}

/** The accounts with something due at `asOf`, by id (for the core's expiry sweep). @category store-sql */
export const sqlDueAccounts = async (client: SqlClient, asOf: number): Promise<readonly string[]> =>
  (await client.all(LOYALTY_SQL.due, [asOf])).map((r) => r.account_id as string)

/** Every account, open lot, open reservation and entry, for `check()`; run it in one read transaction. @category store-sql */
export const sqlSnapshot = async (client: SqlClient): Promise<LoyaltySnapshot> => {
  const group = <A extends { accountId: string }>(items: readonly A[]) => {
    const m = new Map<string, A[]>()
    for (const item of items) m.set(item.accountId, [...(m.get(item.accountId) ?? []), item])
    return m
  }
  const rows = await client.all(LOYALTY_SQL.allStates)
  const lots = group<Lot>((await client.all(LOYALTY_SQL.allLots)).map(lotFromRow))
  const reservations = group<Reservation>((await client.all(LOYALTY_SQL.allReservations)).map(reservationFromRow))
  const entries = new Map<string, Entry[]>()
  for (const r of await client.all(LOYALTY_SQL.allEntries)) {
    const list = entries.get(r.account_id as string) ?? []
    list.push(bodyOf<Entry>(r))
    entries.set(r.account_id as string, list)
  }
  return {
    accounts: rows.map((r) => ({
      account: accountFromRow(r),
      row: balanceRowFromRow(r),
      lots: lots.get(r.account_id as string) ?? [],
      reservations: reservations.get(r.account_id as string) ?? [],
    })),
    entries,
  }
}
