import { resolve } from 'node:path'
import {
  type Account,
  type AccountState,
  accountFromRow,
  accountMerged,
  alreadyExists,
  type Balance,
  balanceOf,
  balanceRowFromRow,
  type Card,
  type CardReplacement,
  type ClubMembership,
  type ConsistencyReport,
  cardAlreadyClaimed,
  cardFromRow,
  cardReplaced,
  checkAccount,
  checkedLoyaltyStore,
  DEFAULT_LEDGER_POLICY,
  type Entry,
  executePosting,
  type Household,
  householdFromRow,
  type LedgerError,
  type LedgerPolicy,
  type LedgerProgram,
  type LedgerTransaction,
  type Lot,
  type LoyaltyStore,
  type LoyaltyTransaction,
  type Member,
  mergeRequest,
  optionalColumn,
  type PostingPlan,
  type PostingRequest,
  type PostingResult,
  type Reservation,
  replaceCardIn,
  type SqlRow,
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
import { migrateSqlite, openDatabase, type SqliteDatabase } from './database.js'
import { SQLITE_MIGRATIONS } from './schema.js'

/**
 * How {@link openSqliteStore} opens its file.
 * @category store-sqlite
 */
export interface SqliteStoreOptions {
  /** The database file (created if missing), or `:memory:` for a throw-away store. */
  readonly file: string
  /** How long a posting waits for another process holding the write lock, in ms. Default 5000. */
  readonly busyTimeoutMs?: number
}

// ── rows ─────────────────────────────────────────────────────────────────────────────────────────

const lotOf = (r: SqlRow): Lot => ({
  lotId: r.lot_id as string,
  accountId: r.account_id as string,
  origin: r.origin as string,
  points: r.points as number,
  remaining: r.remaining as number,
  availableFrom: r.available_from as number,
  ...optionalColumn('expiresAt', r.expires_at as number | null),
  createdAt: r.created_at as number,
})

const reservationOf = (r: SqlRow): Reservation => ({
  reservationId: r.reservation_id as string,
  accountId: r.account_id as string,
  points: r.points as number,
  takes: JSON.parse(r.takes as string),
  expiresAt: r.expires_at as number,
  status: r.status as Reservation['status'],
  createdAt: r.created_at as number,
})

const membershipOf = (r: SqlRow): ClubMembership => ({
  memberId: r.member_id as string,
  clubId: r.club_id as string,
  from: r.from_at as number,
  until: r.until_at as number,
  periodMonths: r.period_months as number,
  autoRenew: r.auto_renew === 1,
})

const accountValues = (a: Account) => ({
  account_id: a.accountId,
  program_id: a.programId,
  member_id: a.memberId ?? null,
  household_id: a.householdId ?? null,
  status: a.status,
  merged_into: a.mergedInto ?? null,
  opened_at: a.openedAt,
})

const cardValues = (c: Card) => ({
  number: c.number,
  account_id: c.accountId,
  member_id: c.memberId ?? null,
  status: c.status,
  replaced_by: c.replacedBy ?? null,
  issued_at: c.issuedAt,
})

/**
 * A result as the store keeps it (a JSON round trip, which also turns a `-0` into `0`), so that the
 * first answer and every replay of it are identical.
 */
const asStored = <A>(result: Either<LedgerError, A>): Either<LedgerError, A> =>
  result._tag === 'Right' ? right(JSON.parse(JSON.stringify(result.right)) as A) : result

// ── the store ────────────────────────────────────────────────────────────────────────────────────

/**
 * Opens the SQLite {@link LoyaltyStore} on a file: WAL, `synchronous=FULL` (a posting that returned
 * survives a power cut), migrations applied on open. Every posting runs {@link executePosting} from
 * the core inside one `BEGIN IMMEDIATE` transaction (idempotency lookup, account state, pure plan,
 * writes), so a crash leaves each posting either fully written or absent. Operations on one file
 * from one process run one at a time; several processes on one file wait for each other's write lock.
 * @category store-sqlite
 */
export const openSqliteStore = (options: SqliteStoreOptions): LoyaltyStore => {
  const db = openDatabase({
    file: options.file,
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  })
  try {
    migrateSqlite(db, SQLITE_MIGRATIONS)
  } catch (e) {
    db.close()
    throw e
  }
  return sqliteStoreOn(db)
}

/**
 * One operation queue per database file and process. A transaction awaits between its statements;
 * if another store object of the same process began its own `BEGIN IMMEDIATE` meanwhile, its busy
 * wait would block the thread and the first could never commit. Store objects on one file in one
 * process therefore take turns; other processes wait on SQLite's lock as usual.
 */
const queues = new Map<string, { tail: Promise<unknown>; users: number }>()
/** In-memory databases are private to their connection: each gets a queue of its own. */
let inMemoryStores = 0

/**
 * What the loyalty store lends a store on the same connection (the checkout store): its operation
 * queue (one transaction at a time on the connection) and its ledger transaction, to run inside a
 * transaction the caller holds.
 * @category store-sqlite
 */
export interface SqliteLedgerShare {
  readonly serial: <A>(op: () => Promise<A> | A) => Promise<A>
  readonly ledgerTransaction: () => LedgerTransaction
}

/**
 * The loyalty store over an open, migrated database; `share` receives what a checkout store on the
 * same connection needs.
 * @category store-sqlite
 */
export const sqliteStoreOn = (db: SqliteDatabase, share?: (lent: SqliteLedgerShare) => void): LoyaltyStore => {
  const q = {
    posting: db.prepare('SELECT request, result FROM postings WHERE key = ?'),
    card: db.prepare('SELECT * FROM cards WHERE number = ?'),
    account: db.prepare('SELECT * FROM accounts WHERE account_id = ?'),
    state: db.prepare(
      `SELECT a.*, b.as_of, b.available, b.pending, b.reserved, b.debt, b.sequence, p.policy
         FROM balances b JOIN accounts a ON a.account_id = b.account_id
         LEFT JOIN ledger_programs p ON p.program_id = a.program_id
        WHERE b.account_id = ?`,
    ),
    openLots: db.prepare('SELECT * FROM lots WHERE account_id = ? AND remaining > 0'),
    openReservations: db.prepare(
      "SELECT * FROM reservations WHERE account_id = ? AND status = 'open' ORDER BY reservation_id",
    ),
    entry: db.prepare('SELECT body FROM entries WHERE entry_id = ?'),
    reversed: db.prepare(
      "SELECT coalesce(sum(abs(points)), 0) AS n FROM entries WHERE of_key = ? AND kind = 'reverse'",
    ),
    policy: db.prepare('SELECT policy FROM ledger_programs WHERE program_id = ?'),
    insertEntry: db.prepare(
      `INSERT INTO entries (entry_id, account_id, sequence, kind, key, of_key, points, body)
       VALUES (@entry_id, @account_id, @sequence, @kind, @key, @of_key, @points, @body)`,
    ),
    upsertLot: db.prepare(
      `INSERT INTO lots (account_id, lot_id, origin, points, remaining, available_from, expires_at, created_at)
       VALUES (@account_id, @lot_id, @origin, @points, @remaining, @available_from, @expires_at, @created_at)
       ON CONFLICT (account_id, lot_id) DO UPDATE SET remaining = excluded.remaining`,
    ),
    upsertReservation: db.prepare(
      `INSERT INTO reservations (account_id, reservation_id, points, takes, expires_at, status, created_at)
       VALUES (@account_id, @reservation_id, @points, @takes, @expires_at, @status, @created_at)
       ON CONFLICT (account_id, reservation_id) DO UPDATE
         SET points = excluded.points, takes = excluded.takes, expires_at = excluded.expires_at, status = excluded.status`,
    ),
    upsertBalance: db.prepare(
      `INSERT INTO balances (account_id, as_of, available, pending, reserved, debt, sequence)
       VALUES (@accountId, @asOf, @available, @pending, @reserved, @debt, @sequence)
       ON CONFLICT (account_id) DO UPDATE SET as_of = excluded.as_of, available = excluded.available,
         pending = excluded.pending, reserved = excluded.reserved, debt = excluded.debt, sequence = excluded.sequence`,
    ),
    upsertAccount: db.prepare(
      `INSERT INTO accounts (account_id, program_id, member_id, household_id, status, merged_into, opened_at)
       VALUES (@account_id, @program_id, @member_id, @household_id, @status, @merged_into, @opened_at)
       ON CONFLICT (account_id) DO UPDATE SET program_id = excluded.program_id, member_id = excluded.member_id,
         household_id = excluded.household_id, status = excluded.status, merged_into = excluded.merged_into`,
    ),
    insertAccount: db.prepare(
      `INSERT INTO accounts (account_id, program_id, member_id, household_id, status, merged_into, opened_at)
       VALUES (@account_id, @program_id, @member_id, @household_id, @status, @merged_into, @opened_at)
       ON CONFLICT (account_id) DO NOTHING`,
    ),
    insertPosting: db.prepare('INSERT INTO postings (key, request, result) VALUES (?, ?, ?)'),
    moveCards: db.prepare('UPDATE cards SET account_id = ? WHERE account_id = ?'),
    moveHouseholds: db.prepare('UPDATE households SET account_id = ? WHERE account_id = ?'),
    upsertCard: db.prepare(
      `INSERT INTO cards (number, account_id, member_id, status, replaced_by, issued_at)
       VALUES (@number, @account_id, @member_id, @status, @replaced_by, @issued_at)
       ON CONFLICT (number) DO UPDATE SET account_id = excluded.account_id, member_id = excluded.member_id,
         status = excluded.status, replaced_by = excluded.replaced_by`,
    ),
    insertCard: db.prepare(
      `INSERT INTO cards (number, account_id, member_id, status, replaced_by, issued_at)
       VALUES (@number, @account_id, @member_id, @status, @replaced_by, @issued_at)
       ON CONFLICT (number) DO NOTHING`,
    ),
    member: db.prepare('SELECT body FROM members WHERE member_id = ?'),
    household: db.prepare('SELECT * FROM households WHERE household_id = ?'),
    householdsOf: db.prepare('SELECT * FROM households WHERE account_id = ? ORDER BY household_id'),
    bumpCounter: db.prepare(
      `INSERT INTO counters (name, value) VALUES (?, 1)
       ON CONFLICT (name) DO UPDATE SET value = value + 1 WHERE value < ? RETURNING value`,
    ),
  }

  const file = db.memory || db.name === '' ? `memory:${++inMemoryStores}` : resolve(db.name)
  const queue = queues.get(file) ?? { tail: Promise.resolve(), users: 0 }
  queue.users++
  queues.set(file, queue)
  let closed = false

  /** Runs `op` after every earlier operation on this file in this process. */
  const serial = <A>(op: () => Promise<A> | A): Promise<A> => {
    const run = queue.tail.then(() => {
      if (closed) throw new Error('sqlite store: used after close()')
      return op()
    })
    queue.tail = run.catch(() => undefined)
    return run
  }

  /** One `BEGIN IMMEDIATE` transaction: committed on a Right, rolled back on a Left or a throw. */
  const inTransaction = <E, A>(body: () => Promise<Either<E, A>> | Either<E, A>) =>
    serial(async () => {
      db.exec('BEGIN IMMEDIATE')
      try {
        const result = await body()
        db.exec(result._tag === 'Right' ? 'COMMIT' : 'ROLLBACK')
        return result
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK')
        throw e
      }
    })

  /** A consistent multi-statement read (a deferred read transaction). */
  const reading = <A>(op: () => A): Promise<A> => serial(() => db.transaction(op).deferred())

  const stateOf = (accountId: string): { state: AccountState; policy: LedgerPolicy } | undefined => {
    const r = q.state.get(accountId) as SqlRow | undefined
    if (r === undefined) return undefined
    return {
      state: {
        account: accountFromRow(r),
        row: balanceRowFromRow(r),
        lots: spendOrder((q.openLots.all(accountId) as SqlRow[]).map(lotOf)),
        reservations: (q.openReservations.all(accountId) as SqlRow[]).map(reservationOf),
      },
      policy: r.policy === null ? DEFAULT_LEDGER_POLICY : (JSON.parse(r.policy as string) as LedgerPolicy),
    }
  }

  const writePlan = (plan: PostingPlan, posting: StoredPosting) => {
    for (const e of plan.entries) {
      q.insertEntry.run({
        entry_id: e.entryId,
        account_id: e.accountId,
        sequence: e.sequence,
        kind: e.kind,
        key: e.key,
        of_key: e.kind === 'reverse' ? (e.ofKey ?? null) : null,
        points: e.points,
        body: JSON.stringify(e),
      })
    }
    for (const l of plan.lots) {
      q.upsertLot.run({
        account_id: l.accountId,
        lot_id: l.lotId,
        origin: l.origin,
        points: l.points,
        remaining: l.remaining,
        available_from: l.availableFrom,
        expires_at: l.expiresAt ?? null,
        created_at: l.createdAt,
      })
    }
    for (const r of plan.reservations) {
      q.upsertReservation.run({
        account_id: r.accountId,
        reservation_id: r.reservationId,
        points: r.points,
        takes: JSON.stringify(r.takes),
        expires_at: r.expiresAt,
        status: r.status,
        created_at: r.createdAt,
      })
    }
    for (const row of plan.rows) q.upsertBalance.run(row)
    for (const a of plan.accounts) q.upsertAccount.run(accountValues(a))
    if (plan.moved !== undefined) {
      q.moveCards.run(plan.moved.to, plan.moved.from)
      q.moveHouseholds.run(plan.moved.to, plan.moved.from)
    }
    q.insertPosting.run(posting.key, posting.request, JSON.stringify(posting.result))
  }

  const transaction = (): LoyaltyTransaction => {
    const policies = new Map<string, LedgerPolicy>()
    return {
      findPosting: async (key) => {
        const r = q.posting.get(key) as SqlRow | undefined
        return r === undefined
          ? undefined
          : { key, request: r.request as string, result: JSON.parse(r.result as string) as PostingResult }
      },
      findCard: async (number) => {
        const r = q.card.get(number) as SqlRow | undefined
        return r === undefined ? undefined : cardFromRow(r)
      },
      findAccount: async (accountId) => {
        const r = q.account.get(accountId) as SqlRow | undefined
        return r === undefined ? undefined : accountFromRow(r)
      },
      loadAccountState: async (accountId) => {
        const loaded = stateOf(accountId)
        if (loaded === undefined) return undefined
        policies.set(loaded.state.account.programId, loaded.policy)
        return loaded.state
      },
      findEntry: async (key) => {
        const r = q.entry.get(key) as SqlRow | undefined
        return r === undefined ? undefined : (JSON.parse(r.body as string) as Entry)
      },
      reversedSoFar: async (ofKey) => (q.reversed.get(ofKey) as { n: number }).n,
      policy: async (programId) => {
        const known = policies.get(programId)
        if (known !== undefined) return known
        const r = q.policy.get(programId) as SqlRow | undefined
        return r === undefined ? DEFAULT_LEDGER_POLICY : (JSON.parse(r.policy as string) as LedgerPolicy)
      },
      write: async (plan, posting) => writePlan(plan, posting),
      saveAccount: async (account) => {
        q.upsertAccount.run(accountValues(account))
      },
      saveCard: async (card) => {
        q.upsertCard.run(cardValues(card))
      },
      findHousehold: async (householdId) => {
        const r = q.household.get(householdId) as SqlRow | undefined
        return r === undefined ? undefined : householdFromRow(r)
      },
      householdsOf: async (accountId) => (q.householdsOf.all(accountId) as SqlRow[]).map(householdFromRow),
      bumpCounter: async (name, cap) => q.bumpCounter.get(name, cap) !== undefined,
    }
  }

  const post = async (request: PostingRequest) =>
    asStored(await inTransaction(() => executePosting(transaction(), request)))

  const accountExists = (accountId: string) => q.account.get(accountId) !== undefined
  const memberExists = (memberId: string) => q.member.get(memberId) !== undefined

  share?.({ serial, ledgerTransaction: transaction })
  return checkedLoyaltyStore({
    transact: (fn) => inTransaction(() => fn(transaction())),

    post,

    balance: (accountId, asOf) =>
      reading((): Either<LedgerError, Balance> => {
        const loaded = stateOf(accountId)
        return loaded === undefined ? left(unknownAccount(accountId)) : right(balanceOf(loaded.state, asOf))
      }),

    entries: (accountId) =>
      reading((): Either<LedgerError, readonly Entry[]> => {
        if (!accountExists(accountId)) return left(unknownAccount(accountId))
        const rows = db
          .prepare('SELECT body FROM entries WHERE account_id = ? ORDER BY sequence')
          .all(accountId) as SqlRow[]
        return right(rows.map((r) => JSON.parse(r.body as string) as Entry))
      }),

    lots: (accountId) =>
      reading((): Either<LedgerError, readonly Lot[]> => {
        const loaded = stateOf(accountId)
        return loaded === undefined ? left(unknownAccount(accountId)) : right(loaded.state.lots)
      }),

    reservations: (accountId) =>
      reading((): Either<LedgerError, readonly Reservation[]> => {
        const loaded = stateOf(accountId)
        return loaded === undefined ? left(unknownAccount(accountId)) : right(loaded.state.reservations)
      }),

    expireDue: async (asOf, sweepKey): Promise<Either<LedgerError, SweepReport>> => {
      const due = await reading(
        () =>
          db
            .prepare(
              `SELECT account_id FROM lots WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?
               UNION
               SELECT account_id FROM reservations WHERE status = 'open' AND expires_at <= ?
               ORDER BY 1`,
            )
            .all(asOf, asOf) as { account_id: string }[],
      )
      let accounts = 0
      let expiredPoints = 0
      let releasedReservations = 0
      for (const { account_id } of due) {
        const result = await post(sweepRequest(sweepKey, account_id, asOf))
        if (result._tag === 'Left') return result
        if (result.right.entries.length > 0) accounts += 1
        for (const e of result.right.entries) {
          if (e.kind === 'expire') expiredPoints += -e.points
          if (e.kind === 'release') releasedReservations += 1
        }
      }
      return right({ asOf, sweepKey, accounts, expiredPoints, releasedReservations })
    },

    check: () =>
      reading((): Either<LedgerError, ConsistencyReport> => {
        const accounts = db
          .prepare(
            `SELECT a.*, b.as_of, b.available, b.pending, b.reserved, b.debt, b.sequence
               FROM accounts a JOIN balances b ON b.account_id = a.account_id ORDER BY a.account_id`,
          )
          .all() as SqlRow[]
        const group = <A extends { accountId: string }>(items: A[]) => {
          const m = new Map<string, A[]>()
          for (const item of items) m.set(item.accountId, [...(m.get(item.accountId) ?? []), item])
          return m
        }
        const lots = group((db.prepare('SELECT * FROM lots WHERE remaining > 0').all() as SqlRow[]).map(lotOf))
        const reservations = group(
          (db.prepare("SELECT * FROM reservations WHERE status = 'open'").all() as SqlRow[]).map(reservationOf),
        )
        const entries = new Map<string, Entry[]>()
        let entryCount = 0
        for (const r of db.prepare('SELECT account_id, body FROM entries ORDER BY account_id, sequence').iterate()) {
          const row = r as SqlRow
          const list = entries.get(row.account_id as string) ?? []
          list.push(JSON.parse(row.body as string) as Entry)
          entries.set(row.account_id as string, list)
          entryCount++
        }
        const problems: { accountId: string; problem: string }[] = []
        for (const r of accounts) {
          const accountId = r.account_id as string
          const state: AccountState = {
            account: accountFromRow(r),
            row: balanceRowFromRow(r),
            lots: lots.get(accountId) ?? [],
            reservations: reservations.get(accountId) ?? [],
          }
          for (const problem of checkAccount(state, entries.get(accountId) ?? [])) problems.push({ accountId, problem })
        }
        return right({ accounts: accounts.length, entries: entryCount, problems })
      }),

    putProgram: (program) =>
      inTransaction((): Either<LedgerError, LedgerProgram> => {
        db.prepare(
          `INSERT INTO ledger_programs (program_id, policy) VALUES (?, ?)
           ON CONFLICT (program_id) DO UPDATE SET policy = excluded.policy`,
        ).run(program.programId, JSON.stringify(program.policy))
        return right(program)
      }),

    openAccount: (input) =>
      inTransaction((): Either<LedgerError, Account> => {
        if (input.memberId !== undefined && !memberExists(input.memberId)) return left(unknownMember(input.memberId))
        const account: Account = {
          accountId: input.accountId,
          programId: input.programId,
          ...optionalColumn('memberId', input.memberId),
          ...optionalColumn('householdId', input.householdId),
          status: 'open',
          openedAt: input.at,
        }
        if (q.insertAccount.run(accountValues(account)).changes === 0) {
          return left(alreadyExists('account', input.accountId))
        }
        db.prepare(
          'INSERT INTO balances (account_id, as_of, available, pending, reserved, debt, sequence) VALUES (?, ?, 0, 0, 0, 0, 0)',
        ).run(account.accountId, input.at)
        return right(account)
      }),

    account: (accountId) =>
      reading((): Either<LedgerError, Account> => {
        const r = q.account.get(accountId) as SqlRow | undefined
        return r === undefined ? left(unknownAccount(accountId)) : right(accountFromRow(r))
      }),

    nextSerial: (sequence) =>
      inTransaction((): Either<LedgerError, number> => {
        const r = db
          .prepare(
            `INSERT INTO serials (sequence, value) VALUES (?, 1)
             ON CONFLICT (sequence) DO UPDATE SET value = value + 1 RETURNING value`,
          )
          .get(sequence) as { value: number }
        return right(r.value)
      }),

    issueCard: (input) =>
      inTransaction((): Either<LedgerError, Card> => {
        const r = q.account.get(input.accountId) as SqlRow | undefined
        if (r === undefined) return left(unknownAccount(input.accountId))
        const account = accountFromRow(r)
        if (account.status === 'merged') return left(accountMerged(account.accountId, account.mergedInto))
        if (input.memberId !== undefined && !memberExists(input.memberId)) return left(unknownMember(input.memberId))
        const card: Card = {
          number: input.number,
          accountId: input.accountId,
          ...optionalColumn('memberId', input.memberId),
          status: 'active',
          issuedAt: input.at,
        }
        if (q.insertCard.run(cardValues(card)).changes === 0) return left(alreadyExists('card', input.number))
        return right(card)
      }),

    card: (number) =>
      reading((): Either<LedgerError, Card> => {
        const r = q.card.get(number) as SqlRow | undefined
        return r === undefined ? left(unknownCard(number)) : right(cardFromRow(r))
      }),

    cardsOf: (accountId) =>
      reading((): Either<LedgerError, readonly Card[]> => {
        if (!accountExists(accountId)) return left(unknownAccount(accountId))
        const rows = db.prepare('SELECT * FROM cards WHERE account_id = ? ORDER BY number').all(accountId) as SqlRow[]
        return right(rows.map(cardFromRow))
      }),

    setCardStatus: (number, status) =>
      inTransaction((): Either<LedgerError, Card> => {
        const r = q.card.get(number) as SqlRow | undefined
        if (r === undefined) return left(unknownCard(number))
        const card = cardFromRow(r)
        if (card.status === 'replaced') return left(cardReplaced(number, card.replacedBy))
        const next: Card = { ...card, status }
        q.upsertCard.run(cardValues(next))
        return right(next)
      }),

    claimCard: (number, memberId) =>
      inTransaction((): Either<LedgerError, Card> => {
        const r = q.card.get(number) as SqlRow | undefined
        if (r === undefined) return left(unknownCard(number))
        const card = cardFromRow(r)
        if (card.status === 'replaced') return left(cardReplaced(number, card.replacedBy))
        if (!memberExists(memberId)) return left(unknownMember(memberId))
        if (card.memberId !== undefined && card.memberId !== memberId)
          return left(cardAlreadyClaimed(number, card.memberId))
        const next: Card = { ...card, memberId }
        q.upsertCard.run(cardValues(next))
        db.prepare(
          'UPDATE accounts SET member_id = ? WHERE account_id = ? AND member_id IS NULL AND household_id IS NULL',
        ).run(memberId, card.accountId)
        return right(next)
      }),

    replaceCard: async (input) =>
      asStored(
        await inTransaction((): Promise<Either<LedgerError, CardReplacement>> => replaceCardIn(transaction(), input)),
      ),

    mergeAccounts: (input): Promise<Either<LedgerError, PostingResult>> => post(mergeRequest(input)),

    saveMember: (member) =>
      inTransaction((): Either<LedgerError, Member> => {
        const inserted = db
          .prepare('INSERT INTO members (member_id, body) VALUES (?, ?) ON CONFLICT (member_id) DO NOTHING')
          .run(member.memberId, JSON.stringify(member))
        return inserted.changes === 0 ? left(alreadyExists('member', member.memberId)) : right(member)
      }),

    member: (memberId) =>
      reading((): Either<LedgerError, Member> => {
        const r = q.member.get(memberId) as SqlRow | undefined
        return r === undefined ? left(unknownMember(memberId)) : right(JSON.parse(r.body as string) as Member)
      }),

    saveHousehold: (household) =>
      inTransaction((): Either<LedgerError, Household> => {
        if (!accountExists(household.accountId)) return left(unknownAccount(household.accountId))
        for (const m of household.memberIds) if (!memberExists(m)) return left(unknownMember(m))
        db.prepare(
          `INSERT INTO households (household_id, account_id, member_ids) VALUES (?, ?, ?)
           ON CONFLICT (household_id) DO UPDATE SET account_id = excluded.account_id, member_ids = excluded.member_ids`,
        ).run(household.householdId, household.accountId, JSON.stringify(household.memberIds))
        return right(household)
      }),

    household: (householdId) =>
      reading((): Either<LedgerError, Household> => {
        const r = db.prepare('SELECT * FROM households WHERE household_id = ?').get(householdId) as SqlRow | undefined
        return r === undefined ? left(unknownHousehold(householdId)) : right(householdFromRow(r))
      }),

    saveMembership: (m) =>
      inTransaction((): Either<LedgerError, ClubMembership> => {
        if (!memberExists(m.memberId)) return left(unknownMember(m.memberId))
        db.prepare(
          `INSERT INTO memberships (member_id, club_id, from_at, until_at, period_months, auto_renew)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (member_id, club_id) DO UPDATE SET from_at = excluded.from_at, until_at = excluded.until_at,
             period_months = excluded.period_months, auto_renew = excluded.auto_renew`,
        ).run(m.memberId, m.clubId, m.from, m.until, m.periodMonths, m.autoRenew ? 1 : 0)
        return right(m)
      }),

    membership: (memberId, clubId) =>
      reading((): Either<LedgerError, ClubMembership | undefined> => {
        const r = db.prepare('SELECT * FROM memberships WHERE member_id = ? AND club_id = ?').get(memberId, clubId) as
          | SqlRow
          | undefined
        return right(r === undefined ? undefined : membershipOf(r))
      }),

    close: async () => {
      if (closed) return
      await serial(() => undefined)
      closed = true
      db.close()
      if (--queue.users === 0 && queues.get(file) === queue) queues.delete(file)
    },
  })
}
