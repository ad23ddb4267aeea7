import {
  type CampaignUsageRow,
  type CheckoutError,
  type CheckoutStore,
  type CheckoutTransaction,
  type CloseRecord,
  type CouponUsage,
  type CouponUsageKey,
  type CustomerUsage,
  type CustomerUsageKey,
  checkedCheckoutStore,
  executePosting,
  type PurchaseRecord,
  type ReturnRecord,
  type StoredCode,
} from '@tessera/core'
import {
  asRecords,
  asStored,
  CODE_COLUMNS,
  campaignUsageOr,
  closeRecordFromRow,
  codeColumns,
  PURCHASE_COLUMNS,
  purchaseColumns,
  returnRecordFromRow,
  type SqlClient,
  type SqlRow,
  type SqlStores,
  sqlCheckoutStore,
  sqlStanding,
  storedCodeFromRow,
} from '@tessera/store-sql'
import { type Either, isLeft, right } from 'fp-ts/lib/Either.js'
import type pg from 'pg'
import {
  openPostgresConnection,
  type PostgresStoreOptions,
  pgClient,
  postgresLoyaltyStore,
  postgresLoyaltyTransaction,
} from '../store.js'

/** The loyalty and checkout stores on one pool ({@link SqlStores}). @category store-postgres */
export type PostgresStores = SqlStores

/** Codes per INSERT statement while a batch is added. */
const CODES_PER_STATEMENT = 10_000

type Client = pg.PoolClient

/** An error that makes `withTransaction` run the whole transaction again (a lost race). */
const raceLost = (what: string) => Object.assign(new Error(`checkout: ${what}; retrying`), { code: '40001' })

const isUniqueViolation = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505'

/** Keeps the last of several rows with the same key: one upsert statement may not touch a row twice. */
const lastBy = <A>(rows: readonly A[], key: (a: A) => string): A[] => [
  ...new Map(rows.map((r) => [key(r), r])).values(),
]

const customerKeyOf = (k: CustomerUsageKey) => `${k.campaignId}\u0000${k.customer}\u0000${k.bucket}`
const couponKeyOf = (k: CouponUsageKey) => `${k.template}\u0000${k.customer}\u0000${k.bucket}`

// ── SQL ──────────────────────────────────────────────────────────────────────────────────────────

const CLAIM = {
  close: {
    lock: 'SELECT * FROM checkout_closes WHERE transaction_id = $1 FOR UPDATE',
    claim: 'INSERT INTO checkout_closes (transaction_id) VALUES ($1) ON CONFLICT (transaction_id) DO NOTHING',
  },
  return: {
    lock: 'SELECT * FROM checkout_returns WHERE return_id = $1 FOR UPDATE',
    claim: 'INSERT INTO checkout_returns (return_id) VALUES ($1) ON CONFLICT (return_id) DO NOTHING',
  },
}

const CUSTOMER_KEYS = 'unnest($1::text[], $2::text[], $3::text[]) AS k(a, c, b)'

const SQL = {
  lockCodes: 'SELECT * FROM checkout_codes WHERE code = ANY($1::text[]) ORDER BY code FOR UPDATE',
  lockCampaigns:
    'SELECT * FROM checkout_campaign_usage WHERE campaign_id = ANY($1::text[]) ORDER BY campaign_id FOR UPDATE',
  createCampaigns: `INSERT INTO checkout_campaign_usage (campaign_id, redemptions, discount_spent, points_spent)
    SELECT id, 0, 0, 0 FROM unnest($1::text[]) AS id ORDER BY id ON CONFLICT (campaign_id) DO NOTHING`,
  lockCustomers: `SELECT u.* FROM checkout_customer_usage u JOIN ${CUSTOMER_KEYS}
      ON u.campaign_id = k.a AND u.customer = k.c AND u.bucket = k.b
    ORDER BY u.campaign_id, u.customer, u.bucket FOR UPDATE OF u`,
  createCustomers: `INSERT INTO checkout_customer_usage (campaign_id, customer, bucket, uses)
    SELECT a, c, b, 0 FROM ${CUSTOMER_KEYS} ORDER BY a, c, b ON CONFLICT DO NOTHING`,
  lockCoupons: `SELECT u.* FROM checkout_coupon_usage u JOIN ${CUSTOMER_KEYS}
      ON u.template = k.a AND u.customer = k.c AND u.bucket = k.b
    ORDER BY u.template, u.customer, u.bucket FOR UPDATE OF u`,
  createCoupons: `INSERT INTO checkout_coupon_usage (template, customer, bucket, uses)
    SELECT a, c, b, 0 FROM ${CUSTOMER_KEYS} ORDER BY a, c, b ON CONFLICT DO NOTHING`,
  returnsOf: 'SELECT * FROM checkout_returns WHERE transaction_id = $1 AND request IS NOT NULL ORDER BY position',
  addCodes: `INSERT INTO checkout_codes (code, pool_id, kind, valid_from_ms, valid_until_ms)
    SELECT c, $2, $3, $4, $5 FROM unnest($1::text[]) AS c ORDER BY c ON CONFLICT (code) DO NOTHING`,
}

/**
 * Every write of a checkout transaction in ONE statement, each table from a JSON array parameter
 * (an empty array writes nothing). A close or a return fills the claim row its id holds; a row that
 * already holds one is left alone, and the counts returned tell the caller so (a lost race). The
 * position of a return is its rank among the sale's returns: returns of one sale are serialized by
 * the lock on the sale's close row.
 */
const WRITE = `WITH
 codes AS (INSERT INTO checkout_codes SELECT * FROM json_populate_recordset(NULL::checkout_codes, $1)
   ON CONFLICT (code) DO UPDATE SET pool_id = excluded.pool_id, kind = excluded.kind,
     valid_from_ms = excluded.valid_from_ms, valid_until_ms = excluded.valid_until_ms,
     redemptions = excluded.redemptions, reservations = excluded.reservations, revoked = excluded.revoked),
 campaigns AS (INSERT INTO checkout_campaign_usage AS u (campaign_id, redemptions, discount_spent, points_spent)
   SELECT x.campaign_id, greatest(0, x.redemptions), greatest(0, x.discount_spent), greatest(0, x.points_spent)
     FROM json_to_recordset($2::json) AS x(campaign_id text, redemptions bigint, discount_spent bigint, points_spent bigint)
    ORDER BY x.campaign_id
   ON CONFLICT (campaign_id) DO UPDATE SET
     redemptions = greatest(0, u.redemptions + (SELECT y.redemptions FROM json_to_recordset($2::json)
       AS y(campaign_id text, redemptions bigint) WHERE y.campaign_id = excluded.campaign_id)),
     discount_spent = greatest(0, u.discount_spent + (SELECT y.discount_spent FROM json_to_recordset($2::json)
       AS y(campaign_id text, discount_spent bigint) WHERE y.campaign_id = excluded.campaign_id)),
     points_spent = greatest(0, u.points_spent + (SELECT y.points_spent FROM json_to_recordset($2::json)
       AS y(campaign_id text, points_spent bigint) WHERE y.campaign_id = excluded.campaign_id))),
 customers AS (INSERT INTO checkout_customer_usage (campaign_id, customer, bucket, uses)
   SELECT x.a, x.c, x.b, x.n FROM json_to_recordset($3::json) AS x(a text, c text, b text, n bigint)
   ON CONFLICT (campaign_id, customer, bucket) DO UPDATE SET uses = excluded.uses),
 coupons AS (INSERT INTO checkout_coupon_usage (template, customer, bucket, uses)
   SELECT x.a, x.c, x.b, x.n FROM json_to_recordset($4::json) AS x(a text, c text, b text, n bigint)
   ON CONFLICT (template, customer, bucket) DO UPDATE SET uses = excluded.uses),
 closes AS (INSERT INTO checkout_closes (transaction_id, request, card, snapshot, bookings, receipt)
   SELECT x.transaction_id, x.request, x.card, x.snapshot, x.bookings, x.receipt
     FROM json_to_recordset($5::json) AS x(transaction_id text, request text, card text, snapshot text, bookings text,
                                            receipt text)
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
   ON CONFLICT (id) DO NOTHING)
SELECT (SELECT count(*) FROM closes)::int AS closes, (SELECT count(*) FROM returns)::int AS returns`

const keyColumns = (keys: readonly { readonly customer: string; readonly bucket: string }[], first: string[]) => [
  first,
  keys.map((k) => k.customer),
  keys.map((k) => k.bucket),
]

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
 * UPDATE`), so a retried close waits for its twin and replays it; `lockCodes` and the usage reads
 * lock their rows sorted by key, creating missing usage rows as zeros first. The ledger posting
 * runs on the same connection, inside the same transaction. Writes are buffered and sent as one
 * statement before the next read or the commit, to keep short the time a campaign's usage row is
 * held.
 * @category store-postgres
 */
export const openPostgresStores = async (options: PostgresStoreOptions): Promise<PostgresStores> => {
  const connection = await openPostgresConnection(options)
  const { pool, inTransaction, open } = connection

  /**
   * Takes the row of a close or return id: inserts a claim row (request NULL) that this transaction
   * then owns, or, when the id is taken, locks its row (waiting for a transaction in flight that
   * holds it) and returns it unless it is a claim left by a transaction that stored nothing.
   */
  const claim = async (client: Client, which: keyof typeof CLAIM, id: string): Promise<SqlRow | undefined> => {
    for (let attempt = 0; attempt < 8; attempt++) {
      // Claim first: a new id (the common case of a close) costs one round trip.
      if ((await client.query(CLAIM[which].claim, [id])).rowCount === 1) return undefined
      const found = (await client.query(CLAIM[which].lock, [id])).rows[0] as SqlRow | undefined
      if (found !== undefined) return found.request === null ? undefined : found
    }
    throw raceLost(`the ${which} id ${id} kept changing hands`)
  }

  /** Locks rows by key, creating the missing ones as zeros first (then locking those too). */
  const lockOrCreate = async <K>(
    client: Client,
    keys: readonly K[],
    keyOf: (k: K) => string,
    rowKey: (r: SqlRow) => string,
    columns: (ks: readonly K[]) => unknown[],
    sql: { readonly lock: string; readonly create: string },
  ): Promise<Map<string, SqlRow>> => {
    const rows = new Map<string, SqlRow>()
    if (keys.length === 0) return rows
    const unique = lastBy(keys, keyOf)
    for (const r of (await client.query(sql.lock, columns(unique))).rows as SqlRow[]) rows.set(rowKey(r), r)
    const missing = unique.filter((k) => !rows.has(keyOf(k)))
    if (missing.length > 0) {
      await client.query(sql.create, columns(missing))
      for (const r of (await client.query(sql.lock, columns(missing))).rows as SqlRow[]) rows.set(rowKey(r), r)
    }
    return rows
  }

  const campaignColumns = (ids: readonly string[]) => [[...ids]]
  const customerColumns = (ks: readonly CustomerUsageKey[]) =>
    keyColumns(
      ks,
      ks.map((k) => k.campaignId),
    )
  const couponColumns = (ks: readonly CouponUsageKey[]) =>
    keyColumns(
      ks,
      ks.map((k) => k.template),
    )
  const customerRowKey = (r: SqlRow) => `${r.campaign_id}\u0000${r.customer}\u0000${r.bucket}`
  const couponRowKey = (r: SqlRow) => `${r.template}\u0000${r.customer}\u0000${r.bucket}`

  const customerUsage = (keys: readonly CustomerUsageKey[], rows: Map<string, SqlRow>): CustomerUsage[] =>
    keys.map((k) => ({
      campaignId: k.campaignId,
      customer: k.customer,
      bucket: k.bucket,
      count: (rows.get(customerKeyOf(k))?.uses as number | undefined) ?? 0,
    }))
  const couponUsage = (keys: readonly CouponUsageKey[], rows: Map<string, SqlRow>): CouponUsage[] =>
    keys.map((k) => ({
      template: k.template,
      customer: k.customer,
      bucket: k.bucket,
      count: (rows.get(couponKeyOf(k))?.uses as number | undefined) ?? 0,
    }))
  const campaignUsage = (ids: readonly string[], rows: Map<string, SqlRow>): CampaignUsageRow[] =>
    ids.map((id) => campaignUsageOr(id, rows.get(id)))

  /**
   * One checkout transaction on `client`. Writes are buffered and sent as ONE statement
   * ({@link WRITE}) before the next read and before COMMIT: rows being replaced are already locked,
   * so this only saves round trips while the campaign rows are held.
   */
  const transaction = (client: Client): { readonly tx: CheckoutTransaction; readonly flush: () => Promise<void> } => {
    const codes = new Map<string, StoredCode>()
    const campaigns = new Map<string, CampaignUsageRow>()
    const customers = new Map<string, CustomerUsage>()
    const coupons = new Map<string, CouponUsage>()
    const closes = new Map<string, CloseRecord>()
    const returns = new Map<string, ReturnRecord>()
    const purchases = new Map<string, PurchaseRecord>()

    const flush = async () => {
      const pending = codes.size + campaigns.size + customers.size + coupons.size + closes.size + returns.size
      if (pending + purchases.size === 0) return
      const nth = new Map<string, number>()
      const params = [
        asRecords(CODE_COLUMNS, [...codes.values()].map(codeColumns)),
        ...[
          [...campaigns.values()].map((c) => ({
            campaign_id: c.campaignId,
            redemptions: c.redemptions,
            discount_spent: c.discountSpent,
            points_spent: c.pointsSpent,
          })),
          [...customers.values()].map((u) => ({ a: u.campaignId, c: u.customer, b: u.bucket, n: u.count })),
          [...coupons.values()].map((u) => ({ a: u.template, c: u.customer, b: u.bucket, n: u.count })),
          [...closes.values()].map((r) => ({
            transaction_id: r.transactionId,
            request: r.request,
            card: r.card ?? null,
            snapshot: JSON.stringify(r.snapshot),
            bookings: JSON.stringify(r.bookings),
            receipt: JSON.stringify(r.receipt),
          })),
          [...returns.values()].map((r) => {
            const rank = nth.get(r.transactionId) ?? 0
            nth.set(r.transactionId, rank + 1)
            return {
              return_id: r.returnId,
              transaction_id: r.transactionId,
              nth: rank,
              request: r.request,
              receipt: JSON.stringify(r.receipt),
            }
          }),
        ].map((rows) => JSON.stringify(rows)),
        asRecords(PURCHASE_COLUMNS, [...purchases.values()].map(purchaseColumns)),
      ]
      const expected = { closes: closes.size, returns: returns.size }
      for (const m of [codes, campaigns, customers, coupons, closes, returns, purchases]) m.clear()
      const written = (await client.query(WRITE, params)).rows[0] as { closes: number; returns: number }
      if (written.closes !== expected.closes) throw raceLost('a close was saved by another transaction')
      if (written.returns !== expected.returns) throw raceLost('a return was saved by another transaction')
    }

    const tx: CheckoutTransaction = {
      findClose: async (id) => {
        await flush()
        const r = await claim(client, 'close', id)
        return r === undefined ? undefined : closeRecordFromRow(r)
      },
      findReturn: async (id) => {
        await flush()
        const r = await claim(client, 'return', id)
        return r === undefined ? undefined : returnRecordFromRow(r)
      },
      returnsOf: async (id) => {
        await flush()
        return ((await client.query(SQL.returnsOf, [id])).rows as SqlRow[]).map(returnRecordFromRow)
      },
      lockCodes: async (wanted) => {
        if (wanted.length === 0) return []
        await flush()
        return ((await client.query(SQL.lockCodes, [[...new Set(wanted)]])).rows as SqlRow[]).map(storedCodeFromRow)
      },
      saveCodes: async (rows) => {
        for (const c of rows) codes.set(c.code, c)
      },
      lockCampaignUsage: async (ids) => {
        await flush()
        return campaignUsage(
          ids,
          await lockOrCreate(
            client,
            ids,
            (id) => id,
            (r) => r.campaign_id as string,
            campaignColumns,
            {
              lock: SQL.lockCampaigns,
              create: SQL.createCampaigns,
            },
          ),
        )
      },
      lockCustomerUsage: async (keys) => {
        await flush()
        return customerUsage(
          keys,
          await lockOrCreate(client, keys, customerKeyOf, customerRowKey, customerColumns, {
            lock: SQL.lockCustomers,
            create: SQL.createCustomers,
          }),
        )
      },
      lockCouponUsage: async (keys) => {
        await flush()
        return couponUsage(
          keys,
          await lockOrCreate(client, keys, couponKeyOf, couponRowKey, couponColumns, {
            lock: SQL.lockCoupons,
            create: SQL.createCoupons,
          }),
        )
      },
      saveUsage: async (u, k) => {
        for (const row of u) customers.set(customerKeyOf(row), row)
        for (const row of k) coupons.set(couponKeyOf(row), row)
      },
      addCampaignUsage: async (deltas) => {
        for (const d of deltas) {
          const prior = campaigns.get(d.campaignId)
          campaigns.set(
            d.campaignId,
            prior === undefined
              ? d
              : {
                  campaignId: d.campaignId,
                  redemptions: prior.redemptions + d.redemptions,
                  discountSpent: prior.discountSpent + d.discountSpent,
                  pointsSpent: prior.pointsSpent + d.pointsSpent,
                },
          )
        }
      },
      standing: async (card) => {
        await flush()
        return sqlStanding(pgClient(client), card)
      },
      savePurchases: async (rows) => {
        for (const p of rows) if (!purchases.has(p.id)) purchases.set(p.id, p)
      },
      post: async (request) => {
        await flush()
        return asStored(await executePosting(postgresLoyaltyTransaction(client), request))
      },
      saveClose: async (r) => {
        closes.set(r.transactionId, r)
      },
      saveReturn: async (r) => {
        returns.set(r.returnId, r)
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
      for (let from = 0; from < batch.length; from += CODES_PER_STATEMENT) {
        const slice = batch.slice(from, from + CODES_PER_STATEMENT)
        n += await c.run({ name: '', text: SQL.addCodes }, [
          slice,
          p.id,
          JSON.stringify(p.kind),
          p.validFromMs ?? null,
          p.validUntilMs ?? null,
        ])
      }
      return n
    }),
    transact: async <A>(fn: (tx: CheckoutTransaction) => Promise<Either<CheckoutError, A>>) => {
      const result = await inTransaction(
        async (client) => {
          const { tx, flush } = transaction(client)
          const r = await fn(tx)
          if (isLeft(r)) return r
          await flush()
          return right(asStored(r.right))
        },
        { retryOn: isUniqueViolation },
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
