import {
  type CheckoutError,
  type CheckoutStore,
  type CheckoutTransaction,
  type CloseReads,
  checkedCheckoutStore,
  executePosting,
  type PostingPlan,
  type StoredPosting,
} from '@tessera/core'
import {
  addressOf,
  asStored,
  batchedUsage,
  CHECKOUT_SQL,
  claimRow,
  closeRecordFromRow,
  planRecords,
  prefetchedLedgerTransaction,
  returnRecordFromRow,
  type SqlClient,
  type SqlRow,
  type SqlStores,
  sql,
  sqlCheckoutStore,
  stagedWrites,
  standingFromRow,
  storedCodeFromRow,
  usageLocks,
} from '@tessera/store-sql'
import { type Either, isLeft, right } from 'fp-ts/lib/Either.js'
import type pg from 'pg'
import {
  openPostgresConnection,
  type PostgresStoreOptions,
  PREFETCH_LOCKED,
  pgClient,
  planWrites,
  postgresLoyaltyStore,
  postgresLoyaltyTransaction,
} from '../store.js'
import { isPrepared, pipeline } from '../transaction.js'

/** The loyalty and checkout stores on one pool ({@link SqlStores}). @category store-postgres */
export type PostgresStores = SqlStores

/** Codes per INSERT statement while a batch is added. */
const CODES_PER_STATEMENT = 10_000

type Client = pg.PoolClient

/** The write's own error when another transaction stored its close or return first: a pipelined COMMIT is then skipped. */
const RACE_LOST = 'checkout: a close or return was saved by another transaction; retrying'
const isUniqueViolation = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && ((e as { code?: unknown }).code === '23505' || `${e}`.includes(RACE_LOST))

// ── SQL ──────────────────────────────────────────────────────────────────────────────────────────

/** The lock of a close's or return's row by its id, and the insert of a claim row (see `claim`). */
const claimOn = (which: string, key: string) => ({
  lock: sql(`lock_${which}`, `SELECT * FROM checkout_${which}s WHERE ${key} = $1 FOR UPDATE`),
  claim: sql(`claim_${which}`, `INSERT INTO checkout_${which}s (${key}) VALUES ($1) ON CONFLICT (${key}) DO NOTHING`),
})
const CLAIM = { close: claimOn('close', 'transaction_id'), return: claimOn('return', 'return_id') }

/** A card's standing (the card $n, its member, purchases and successful referrals) in one query. */
const standingOf = (card: string) => `SELECT row_to_json(c) AS card, m.body AS member,
       (SELECT coalesce(json_agg(p ORDER BY p.at_ms, p.id), '[]') FROM checkout_purchases p
         WHERE p.customer = CASE WHEN c.member_id IS NULL THEN 'card:' || c.number ELSE 'member:' || c.member_id END)
         AS purchases,
       (SELECT count(*) FROM entries e
         WHERE e.account_id = c.account_id AND e.kind = 'earn' AND e.key LIKE 'referral:%:referrer') AS referrals
     FROM cards c LEFT JOIN members m ON m.member_id = c.member_id WHERE c.number = ${card}`

const CUSTOMER_KEYS = 'unnest($1::text[], $2::text[], $3::text[]) AS k(a, c, b)'

/** The lock (sorted) and the creation as zeros of per-customer (or coupon) usage rows keyed by ($1, $2, $3). */
const keyedUsage = (name: string, table: string, first: string) => ({
  lock: sql(
    `lock_${name}`,
    `SELECT u.* FROM ${table} u JOIN ${CUSTOMER_KEYS} ON u.${first} = k.a AND u.customer = k.c AND u.bucket = k.b
     ORDER BY u.${first}, u.customer, u.bucket FOR UPDATE OF u`,
  ),
  create: sql(
    `create_${name}`,
    `INSERT INTO ${table} (${first}, customer, bucket, uses)
     SELECT a, c, b, 0 FROM ${CUSTOMER_KEYS} ORDER BY a, c, b ON CONFLICT DO NOTHING`,
  ),
})

/** A campaign's slots summed. */
const SLOT_SUMS =
  'SELECT sum(x.redemptions) AS r, sum(x.discount_spent) AS d, sum(x.points_spent) AS p FROM checkout_campaign_slots x'

/** Counter slots per campaign: each pooled connection books into its own (see the migration 1901). */
const SLOTS = 64

const SQL = {
  /** Campaign usage, unlocked: each campaign's row plus its slots. */
  campaignUsage: sql(
    'campaign_usage_summed',
    `SELECT campaign_id, sum(redemptions) AS redemptions, sum(discount_spent) AS discount_spent,
       sum(points_spent) AS points_spent
     FROM (SELECT campaign_id, redemptions, discount_spent, points_spent FROM checkout_campaign_usage
           WHERE campaign_id = ANY($1::text[])
           UNION ALL SELECT campaign_id, redemptions, discount_spent, points_spent FROM checkout_campaign_slots
           WHERE campaign_id = ANY($1::text[])) x
     GROUP BY campaign_id`,
  ),
  customerUsage: sql(
    'customer_usage_many',
    `SELECT u.* FROM checkout_customer_usage u JOIN ${CUSTOMER_KEYS}
       ON u.campaign_id = k.a AND u.customer = k.c AND u.bucket = k.b`,
  ),
  lockCodes: sql('lock_codes', 'SELECT * FROM checkout_codes WHERE code = ANY($1::text[]) ORDER BY code FOR UPDATE'),
  campaigns: {
    lock: sql(
      'lock_campaigns',
      `SELECT u.campaign_id, u.redemptions + coalesce(s.r, 0) AS redemptions,
         u.discount_spent + coalesce(s.d, 0) AS discount_spent, u.points_spent + coalesce(s.p, 0) AS points_spent
       FROM checkout_campaign_usage u LEFT JOIN LATERAL (${SLOT_SUMS} WHERE x.campaign_id = u.campaign_id) s ON true
       WHERE u.campaign_id = ANY($1::text[]) ORDER BY u.campaign_id FOR UPDATE OF u`,
    ),
    create: sql(
      'create_campaigns',
      `INSERT INTO checkout_campaign_usage (campaign_id, redemptions, discount_spent, points_spent)
       SELECT id, 0, 0, 0 FROM unnest($1::text[]) AS id ORDER BY id ON CONFLICT (campaign_id) DO NOTHING`,
    ),
  },
  customers: keyedUsage('customers', 'checkout_customer_usage', 'campaign_id'),
  coupons: keyedUsage('coupons', 'checkout_coupon_usage', 'template'),
  addCodes: `INSERT INTO checkout_codes (code, pool_id, kind, valid_from_ms, valid_until_ms)
    SELECT c, $2, $3, $4, $5 FROM unnest($1::text[]) AS c ORDER BY c ON CONFLICT (code) DO NOTHING`,
  /** A card's standing in one statement (see `standingFromRow`). */
  standing: sql('standing_one', standingOf('$1')),
}

/**
 * A close's first statement (see `CloseReads`): the claim of its id ($1), then, only when the id was
 * new, its codes ($3) locked in order and its card's ($2) standing. PREPAREd by name (SQL) once per
 * connection, so that the BEGIN goes with its EXECUTE in one simple query.
 */
const CLAIM_AND_READ = `tessera_claim_and_read (text, text, text[]) AS
WITH claim AS (INSERT INTO checkout_closes (transaction_id) VALUES ($1) ON CONFLICT (transaction_id) DO NOTHING RETURNING 1),
 codes AS (SELECT * FROM checkout_codes WHERE code = ANY($3) AND EXISTS (SELECT 1 FROM claim) ORDER BY code FOR UPDATE)
SELECT (SELECT count(*) FROM claim)::int AS claimed, (SELECT coalesce(json_agg(c ORDER BY c.code), '[]') FROM codes c) AS codes,
  (SELECT row_to_json(s) FROM (${standingOf('$2')}) s) AS standing`

/**
 * Every write of a checkout transaction in ONE statement, each table from a JSON array parameter
 * (an empty array writes nothing; see `StagedRows`), and the posting plan of the transaction's
 * posting ($8…, see `planRecords`). A close or a return fills the claim row its id holds; a row
 * that already holds one is left alone, and the counts returned tell the caller so (a lost race).
 * The position of a return is its rank among the sale's returns: returns of one sale are
 * serialized by the lock on the sale's close row. Campaign counters, the hot rows, come last: a
 * campaign the transaction locked (one with limits) in its row, the others added to slot $16.
 */
const WRITE = sql(
  'checkout_write',
  `WITH ${planWrites(7)},
 codes AS (INSERT INTO checkout_codes SELECT * FROM json_populate_recordset(NULL::checkout_codes, $1)
   ON CONFLICT (code) DO UPDATE SET pool_id = excluded.pool_id, kind = excluded.kind,
     valid_from_ms = excluded.valid_from_ms, valid_until_ms = excluded.valid_until_ms,
     redemptions = excluded.redemptions, reservations = excluded.reservations, revoked = excluded.revoked),
 customers AS (INSERT INTO checkout_customer_usage SELECT * FROM json_populate_recordset(NULL::checkout_customer_usage, $3)
   ON CONFLICT (campaign_id, customer, bucket) DO UPDATE SET uses = excluded.uses),
 coupons AS (INSERT INTO checkout_coupon_usage SELECT * FROM json_populate_recordset(NULL::checkout_coupon_usage, $4)
   ON CONFLICT (template, customer, bucket) DO UPDATE SET uses = excluded.uses),
 closes AS (INSERT INTO checkout_closes SELECT * FROM json_populate_recordset(NULL::checkout_closes, $5)
   ON CONFLICT (transaction_id) DO UPDATE SET request = excluded.request, card = excluded.card,
     snapshot = excluded.snapshot, bookings = excluded.bookings, receipt = excluded.receipt
   WHERE checkout_closes.request IS NULL
   RETURNING 1),
 returns AS (INSERT INTO checkout_returns (return_id, transaction_id, position, request, receipt)
   SELECT x.return_id, x.transaction_id,
          x.nth + (SELECT count(*) FROM checkout_returns r WHERE r.transaction_id = x.transaction_id AND r.request IS NOT NULL),
          x.request, x.receipt
     FROM json_to_recordset($6::json) AS x(return_id text, transaction_id text, nth int, request text, receipt text)
   ON CONFLICT (return_id) DO UPDATE SET transaction_id = excluded.transaction_id, position = excluded.position,
     request = excluded.request, receipt = excluded.receipt
   WHERE checkout_returns.request IS NULL
   RETURNING 1),
 purchases AS (INSERT INTO checkout_purchases SELECT * FROM json_populate_recordset(NULL::checkout_purchases, $7)
   ON CONFLICT (id) DO NOTHING),
 campaigns AS (INSERT INTO checkout_campaign_usage AS u
   SELECT x.campaign_id, greatest(0, x.redemptions), greatest(0, x.discount_spent), greatest(0, x.points_spent)
     FROM json_populate_recordset(NULL::checkout_campaign_usage, $2) AS x ORDER BY x.campaign_id
   ON CONFLICT (campaign_id) DO UPDATE SET
     redemptions = greatest(0, u.redemptions + (SELECT y.redemptions FROM json_populate_recordset(NULL::checkout_campaign_usage, $2) y
       WHERE y.campaign_id = excluded.campaign_id)),
     discount_spent = greatest(0, u.discount_spent + (SELECT y.discount_spent FROM json_populate_recordset(NULL::checkout_campaign_usage, $2) y
       WHERE y.campaign_id = excluded.campaign_id)),
     points_spent = greatest(0, u.points_spent + (SELECT y.points_spent FROM json_populate_recordset(NULL::checkout_campaign_usage, $2) y
       WHERE y.campaign_id = excluded.campaign_id))),
 sessions AS (UPDATE checkout_sessions SET body = jsonb_set(body::jsonb, '{state}', '"closed"')::text
   WHERE transaction_id IN (SELECT json_array_elements_text($20::json)) AND body::jsonb ->> 'state' <> 'closed'),
 slots AS (INSERT INTO checkout_campaign_slots AS u
   SELECT x.campaign_id, $16, x.redemptions, x.discount_spent, x.points_spent
     FROM json_populate_recordset(NULL::checkout_campaign_usage, $17) AS x ORDER BY x.campaign_id
   ON CONFLICT (campaign_id, slot) DO UPDATE SET redemptions = u.redemptions + excluded.redemptions,
     discount_spent = u.discount_spent + excluded.discount_spent, points_spent = u.points_spent + excluded.points_spent)
SELECT (SELECT count(*) FROM closes)::int AS closes, (SELECT count(*) FROM returns)::int AS returns,
  CASE WHEN (SELECT count(*) FROM closes) = $18 AND (SELECT count(*) FROM returns) = $19 THEN 0
    ELSE ((SELECT count(*) FROM closes) || ' ${RACE_LOST}')::int END AS checked`,
)

// ── the store ────────────────────────────────────────────────────────────────────────────────────

/**
 * Opens the Postgres loyalty and checkout stores on one pool (size `maxConnections` to the tills
 * that close at once), applying every migration unless `migrate: false`.
 *
 * `checkout.transact(fn)` runs `fn` in one transaction (read committed with row locks by default,
 * or the `isolation` asked for) and runs the WHOLE `fn` again, with jittered back-off, on a
 * serialization failure (40001), a deadlock (40P01) or a unique violation (23505); when the retries
 * run out it answers `StoreBusy`. Its locks follow the one global order of `CheckoutTransaction`:
 * `findClose` and `findReturn` take the id (insert-if-absent of a claim row, then `SELECT … FOR
 * UPDATE`), so a retried close waits for its twin and replays it; a close's new id comes with its
 * card's standing and its codes locked (`CloseReads`) in the same statement, sent with `BEGIN`;
 * `lockCodes` and the usage reads lock their rows sorted by key, creating missing usage rows as
 * zeros first; a posting reads its key, card and account (locked) in one statement. Writes, the
 * posting's among them, are staged and sent as ONE statement before the next read that could see
 * them or the commit; the last one goes with `COMMIT` in one round trip (pipelined, once it is
 * prepared on the connection), the close's session marked closed in it: a close is three round
 * trips, and a campaign's counter row is held only from that statement to the commit.
 * @category store-postgres
 */
export const openPostgresStores = async (options: PostgresStoreOptions): Promise<PostgresStores> => {
  const connection = await openPostgresConnection(options)
  const { pool, inTransaction, open } = connection

  /** The pooled connections on which the close's first statement is PREPAREd. */
  const prepared = new WeakSet<Client>()

  /** The counter slot of each pooled connection: distinct within this pool (up to {@link SLOTS}). */
  const slots = new WeakMap<Client, number>()
  let nextSlot = 0
  const slotOf = (client: Client) => {
    if (!slots.has(client)) slots.set(client, nextSlot++ % SLOTS)
    return slots.get(client) as number
  }

  /** One checkout transaction on `client`, and the flush of its staged writes (one statement). */
  const transaction = (
    client: Client,
    begin: string | undefined,
  ): { readonly tx: CheckoutTransaction; readonly flush: (commit?: 'COMMIT') => Promise<void> } => {
    // BEGIN is sent with the first statement: with a claim in one simple query (its id a literal).
    let pending = begin
    const started = async () => {
      if (pending === undefined) return
      const statement = pending
      pending = undefined
      await client.query(statement)
    }
    const direct = pgClient(client)
    const c: SqlClient = {
      all: (s, params) => started().then(() => direct.all(s, params)),
      run: (s, params) => started().then(() => direct.run(s, params)),
    }
    /** One simple query (literals only), after the pending BEGIN: the last statement's result. */
    const simple = async (statement: string) => {
      const text = pending === undefined ? statement : `${pending}; ${statement}`
      pending = undefined
      const r = (await client.query(text)) as pg.QueryResult | pg.QueryResult[]
      return Array.isArray(r) ? (r.at(-1) as pg.QueryResult) : r
    }
    const lit = (v: string | undefined) => (v === undefined ? 'NULL' : client.escapeLiteral(v))
    const claimOf = (which: keyof typeof CLAIM, id: string) => async () =>
      pending === undefined
        ? c.run(CLAIM[which].claim, [id])
        : ((await simple(CLAIM[which].claim.text.replace('$1', lit(id)))).rowCount ?? 0)
    const codesKey = (codes: readonly string[]) => [...new Set(codes)].sort().join('\u0000')
    /** What a close's first statement read with its new id (`CloseReads`), until a write. */
    let ahead:
      | { readonly card?: string; readonly codes: string; readonly standing: SqlRow; readonly rows: SqlRow[] }
      | undefined
    const claimAndRead = (id: string, next: CloseReads) => async () => {
      // Once per connection, on its own (before BEGIN: it outlives any rollback), marked once it succeeded.
      if (!prepared.has(client)) await client.query(`PREPARE ${CLAIM_AND_READ}`).then(() => prepared.add(client))
      const codes = `ARRAY[${next.codes.map(lit).join(', ')}]::text[]`
      const row = (await simple(`EXECUTE tessera_claim_and_read(${lit(id)}, ${lit(next.card)}, ${codes})`)).rows[0]
      if (row.claimed === 1) ahead = { ...next, codes: codesKey(next.codes), standing: row.standing, rows: row.codes }
      return row.claimed as number
    }
    const staged = stagedWrites()
    /** The campaigns locked in this transaction: their increments go to their row, the others' to a slot. */
    const locked = new Set<string>()
    let posting: { readonly plan: PostingPlan; readonly stored: StoredPosting } | undefined
    const flush = async (commit?: 'COMMIT') => {
      if (staged.size() > 0 || posting !== undefined) {
        ahead = undefined
        const rows = staged.take((id) => locked.has(id))
        const plan = planRecords(posting?.plan, posting?.stored)
        posting = undefined
        const { codes, campaigns, customers, coupons, closes, returns, purchases, expected, slots, sessions } = rows
        const params = [codes, campaigns, customers, coupons, closes, returns, purchases, ...plan, slotOf(client)]
        params.push(slots, expected.closes, expected.returns, sessions)
        // With the COMMIT in one round trip once the write is prepared on this connection. The write
        // fails (RACE_LOST) when another transaction stored its close or return first.
        const piped = commit !== undefined && pending === undefined && isPrepared(client, WRITE.name)
        await (piped ? pipeline(client, [{ ...WRITE, values: params }, { text: 'COMMIT' }]) : c.all(WRITE, params))
        if (piped) return
      }
      if (commit !== undefined) await simple(commit)
    }
    const locks = usageLocks(c, SQL)
    const flushed =
      <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
      async (...a: A) => {
        await flush()
        return f(...a)
      }
    const tx: CheckoutTransaction = {
      ...staged,
      findClose: async (id, next) => {
        await flush()
        const r = await claimRow(c, CLAIM.close, id, next === undefined ? claimOf('close', id) : claimAndRead(id, next))
        return r === undefined ? undefined : closeRecordFromRow(r)
      },
      findReturn: async (id) => {
        await flush()
        const r = await claimRow(c, CLAIM.return, id, claimOf('return', id))
        return r === undefined ? undefined : returnRecordFromRow(r)
      },
      returnsOf: async (id) => {
        await flush()
        return (await c.all(CHECKOUT_SQL.returnsOf, [id])).map(returnRecordFromRow)
      },
      lockCodes: async (wanted) => {
        if (wanted.length === 0) return []
        if (ahead !== undefined && ahead.codes === codesKey(wanted)) return ahead.rows.map(storedCodeFromRow)
        await flush()
        return (await c.all(SQL.lockCodes, [[...new Set(wanted)]])).map(storedCodeFromRow)
      },
      lockCampaignUsage: async (ids) => {
        await flush()
        for (const id of ids) locked.add(id)
        return locks.lockCampaignUsage(ids)
      },
      lockCustomerUsage: flushed(locks.lockCustomerUsage),
      lockCouponUsage: flushed(locks.lockCouponUsage),
      standing: async (card) => {
        if (ahead !== undefined && ahead.card === card) return standingFromRow(ahead.standing ?? undefined)
        await flush()
        return standingFromRow((await c.all(SQL.standing, [card]))[0])
      },
      post: async (request) => {
        // The ledger reads no checkout table: only a staged posting must be written first.
        if (posting !== undefined) await flush()
        const { card, account } = addressOf(request)
        const row = (await c.all(PREFETCH_LOCKED, [request.key, card, account]))[0] as SqlRow
        const rest = postgresLoyaltyTransaction(client)
        const ledger = prefetchedLedgerTransaction(request, row, rest, async (plan, stored) => {
          if (plan.moved === undefined) posting = { plan, stored }
          else await rest.write(plan, stored)
        })
        return asStored(await executePosting(ledger, request))
      },
    }
    return { tx, flush }
  }

  const read = async <A>(op: (c: SqlClient) => Promise<A>) => {
    open()
    return op(pgClient(pool))
  }
  const write = async <A>(op: (c: SqlClient) => Promise<A>) => {
    const r = await inTransaction(async (client) => right(await op(pgClient(client))), { retryOn: isUniqueViolation })
    if (isLeft(r)) throw new Error(`postgres checkout store: ${r.left.message}`)
    return r.right
  }
  const checkout: CheckoutStore = {
    ...sqlCheckoutStore(read, write, async (c, p, batch) => {
      let n = 0
      const pool = [p.id, JSON.stringify(p.kind), p.validFromMs ?? null, p.validUntilMs ?? null]
      for (let from = 0; from < batch.length; from += CODES_PER_STATEMENT) {
        n += await c.run({ name: '', text: SQL.addCodes }, [batch.slice(from, from + CODES_PER_STATEMENT), ...pool])
      }
      return n
    }),
    standing: (card) => read(async (c) => standingFromRow((await c.all(SQL.standing, [card]))[0])),
    usage: (ids, keys) =>
      read((c) => batchedUsage(c, { campaigns: SQL.campaignUsage, customers: SQL.customerUsage }, ids, keys)),
    transact: async <A>(fn: (tx: CheckoutTransaction) => Promise<Either<CheckoutError, A>>) => {
      const result = await inTransaction(
        async (client, begin, commit) => {
          const { tx, flush } = transaction(client, begin)
          const r = await fn(tx)
          if (isLeft(r)) return r
          await flush(commit)
          return right(asStored(r.right))
        },
        { retryOn: isUniqueViolation, deferBegin: true, deferCommit: true },
      )
      return result as Either<CheckoutError, A>
    },
  }
  return {
    loyalty: postgresLoyaltyStore(connection),
    checkout: checkedCheckoutStore(checkout),
    close: connection.close,
  }
}
