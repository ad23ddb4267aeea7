import {
  type CheckoutStore,
  type CheckoutTransaction,
  checkedCheckoutStore,
  executePosting,
  type SessionData,
} from '@tessera/core'
import {
  asStored,
  bodyOf,
  CHECKOUT_SQL,
  campaignUsageOr,
  closeRecordFromRow,
  codeColumns,
  purchaseColumns,
  returnRecordFromRow,
  SQLITE_DIALECT,
  type SqlClient,
  type SqlStores,
  sql,
  sqlCheckoutStore,
  sqlLoyaltyTransaction,
  sqlStanding,
  storedCodeFromRow,
} from '@tessera/store-sql'
import { isLeft, right } from 'fp-ts/lib/Either.js'
import {
  observed,
  openSqliteConnection,
  type SqliteStoreOptions,
  type SqliteTransactionScope,
  sqliteLoyaltyStore,
} from '../store.js'

/** The loyalty and checkout stores on one connection ({@link SqlStores}). @category store-sqlite */
export type SqliteStores = SqlStores

/** Codes per INSERT statement while a batch is added. */
const CODES_PER_STATEMENT = 10_000

/** SQLite's own statements: the batch insert over a JSON array, and the writes of a close or return. */
const SQL = {
  // `WHERE true` lets SQLite parse the upsert clause after a SELECT.
  addCodes: sql(
    'add_codes',
    `INSERT INTO checkout_codes (code, pool_id, kind, valid_from_ms, valid_until_ms)
     SELECT value, $1, $2, $3, $4 FROM json_each($5) WHERE true ON CONFLICT (code) DO NOTHING`,
  ),
  addCampaign: sql(
    'add_campaign_usage',
    `INSERT INTO checkout_campaign_usage (campaign_id, redemptions, discount_spent, points_spent)
     VALUES ($1, max(0, $2), max(0, $3), max(0, $4))
     ON CONFLICT (campaign_id) DO UPDATE SET redemptions = max(0, redemptions + $2),
       discount_spent = max(0, discount_spent + $3), points_spent = max(0, points_spent + $4)`,
  ),
  saveClose: sql(
    'save_close',
    'INSERT INTO checkout_closes (transaction_id, request, card, snapshot, bookings, receipt) VALUES ($1, $2, $3, $4, $5, $6)',
  ),
  saveReturn: sql(
    'save_return',
    `INSERT INTO checkout_returns (return_id, transaction_id, position, request, receipt)
     VALUES ($1, $2, (SELECT count(*) FROM checkout_returns WHERE transaction_id = $2), $3, $4)`,
  ),
}

const first = async (rows: Promise<readonly Record<string, unknown>[]>) => (await rows)[0]

/**
 * The checkout transaction on the connection. The whole file is held under `BEGIN IMMEDIATE`, so
 * every read is already exclusive: the `lock…` reads are plain reads.
 */
const sqliteCheckoutTransaction = (c: SqlClient, scope: SqliteTransactionScope | undefined): CheckoutTransaction => ({
  findClose: async (id) => {
    const r = await first(c.all(CHECKOUT_SQL.findClose, [id]))
    return r === undefined ? undefined : closeRecordFromRow(r)
  },
  findReturn: async (id) => {
    const r = await first(c.all(CHECKOUT_SQL.findReturn, [id]))
    return r === undefined ? undefined : returnRecordFromRow(r)
  },
  returnsOf: async (id) => (await c.all(CHECKOUT_SQL.returnsOf, [id])).map(returnRecordFromRow),
  lockCodes: async (codes) => {
    const rows = []
    for (const code of [...new Set(codes)].sort()) rows.push(...(await c.all(CHECKOUT_SQL.code, [code])))
    return rows.map(storedCodeFromRow)
  },
  saveCodes: async (codes) => {
    for (const code of codes) await c.run(CHECKOUT_SQL.saveCode, codeColumns(code))
  },
  lockCampaignUsage: async (ids) => {
    const rows = []
    for (const id of ids) rows.push(campaignUsageOr(id, await first(c.all(CHECKOUT_SQL.campaign, [id]))))
    return rows
  },
  lockCustomerUsage: async (keys) => {
    const rows = []
    for (const k of keys) {
      const r = await first(c.all(CHECKOUT_SQL.customer, [k.campaignId, k.customer, k.bucket]))
      rows.push({ ...k, count: Number(r?.uses ?? 0) })
    }
    return rows
  },
  lockCouponUsage: async (keys) => {
    const rows = []
    for (const k of keys) {
      const r = await first(c.all(CHECKOUT_SQL.coupon, [k.template, k.customer, k.bucket]))
      rows.push({ ...k, count: Number(r?.uses ?? 0) })
    }
    return rows
  },
  saveUsage: async (customers, coupons) => {
    for (const u of customers) await c.run(CHECKOUT_SQL.saveCustomer, [u.campaignId, u.customer, u.bucket, u.count])
    for (const u of coupons) await c.run(CHECKOUT_SQL.saveCoupon, [u.template, u.customer, u.bucket, u.count])
  },
  addCampaignUsage: async (deltas) => {
    for (const d of deltas) {
      await c.run(SQL.addCampaign, [d.campaignId, d.redemptions, d.discountSpent, d.pointsSpent])
    }
  },
  standing: (card) => sqlStanding(c, card),
  savePurchases: async (rows) => {
    for (const p of rows) await c.run(CHECKOUT_SQL.savePurchase, purchaseColumns(p))
  },
  post: async (request) =>
    asStored(await executePosting(observed(scope, sqlLoyaltyTransaction(c, SQLITE_DIALECT)), request)),
  saveClose: async (r) => {
    await c.run(SQL.saveClose, [
      r.transactionId,
      r.request,
      r.card ?? null,
      JSON.stringify(r.snapshot),
      JSON.stringify(r.bookings),
      JSON.stringify(r.receipt),
    ])
  },
  saveReturn: async (r) => {
    await c.run(SQL.saveReturn, [r.returnId, r.transactionId, r.request, JSON.stringify(r.receipt)])
  },
  closeSession: async (id) => {
    const r = await first(c.all(CHECKOUT_SQL.session, [id]))
    if (r === undefined || bodyOf<SessionData>(r).state === 'closed') return
    const session: SessionData = { ...bodyOf<SessionData>(r), state: 'closed' }
    scope?.session?.(session)
    await c.run(CHECKOUT_SQL.saveSession, [id, JSON.stringify(session)])
  },
})

/**
 * Opens a SQLite file with the loyalty and the checkout store on one connection: every migration
 * applied, WAL and `synchronous=FULL`, a 64 MiB page cache. Every operation of either store runs one
 * at a time on the connection (one queue), so an awaited `transact(fn)` holds its `BEGIN IMMEDIATE`
 * transaction alone. `addCodes` is one transaction per batch: prefer large batches (50,000).
 * @category store-sqlite
 */
export const openSqliteStores = (options: SqliteStoreOptions): SqliteStores => {
  const connection = openSqliteConnection(options)
  const { client, inTransaction } = connection
  const read = <A>(op: (c: SqlClient) => Promise<A>) => inTransaction('DEFERRED', () => op(client))
  const write = <A>(op: (c: SqlClient) => Promise<A>) => inTransaction('IMMEDIATE', () => op(client))
  const shared = sqlCheckoutStore(read, write, async (c, pool, batch) => {
    let n = 0
    for (let from = 0; from < batch.length; from += CODES_PER_STATEMENT) {
      const slice = JSON.stringify(batch.slice(from, from + CODES_PER_STATEMENT))
      n += await c.run(SQL.addCodes, [
        pool.id,
        JSON.stringify(pool.kind),
        pool.validFromMs ?? null,
        pool.validUntilMs ?? null,
        slice,
      ])
    }
    return n
  })
  const checkout: CheckoutStore = {
    ...shared,
    saveSession: (session) =>
      inTransaction('IMMEDIATE', async (scope) => {
        scope?.session?.(session)
        await client.run(CHECKOUT_SQL.saveSession, [session.transactionId, JSON.stringify(session)])
      }),
    transact: async (fn) => {
      const result = await inTransaction(
        'IMMEDIATE',
        (scope) => {
          const tx = sqliteCheckoutTransaction(client, scope)
          return fn(scope?.checkout === undefined ? tx : scope.checkout(tx))
        },
        (r) => !isLeft(r),
      )
      return isLeft(result) ? result : right(asStored(result.right))
    },
  }
  return { loyalty: sqliteLoyaltyStore(connection), checkout: checkedCheckoutStore(checkout), close: connection.close }
}
