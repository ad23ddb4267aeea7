import {
  type CampaignUsageRow,
  type CheckoutStore,
  type CheckoutTransaction,
  type CodePool,
  type CouponUsage,
  type CouponUsageKey,
  type CustomerUsage,
  type CustomerUsageKey,
  campaignUsageFromRow,
  cardFromRow,
  checkedCheckoutStore,
  closeRecordFromRow,
  decodeCodeBatch,
  decodeCodePool,
  executePosting,
  type LoyaltyStore,
  type Member,
  type PurchaseRecord,
  returnRecordFromRow,
  type SessionData,
  type SqlRow,
  type Standing,
  type StoredCode,
  storedCodeFromRow,
  unknownPool,
} from '@tessera/core'
import { isLeft, left, right } from 'fp-ts/lib/Either.js'
import { migrateSqlite, openDatabase, type SqliteDatabase } from '../database.js'
import { SQLITE_MIGRATIONS } from '../schema.js'
import { type SqliteLedgerShare, type SqliteStoreOptions, sqliteStoreOn } from '../store.js'
import { SQLITE_CHECKOUT_MIGRATIONS } from './schema.js'

/**
 * The checkout store and the loyalty store on ONE SQLite connection: a close posts its points in
 * the same `BEGIN IMMEDIATE` transaction as its codes, usage and receipt. `loyalty` is the loyalty
 * store of the same file; `close()` closes both.
 * @category store-sqlite
 */
export interface SqliteCheckoutStore extends CheckoutStore {
  readonly loyalty: LoyaltyStore
  readonly close: () => Promise<void>
}

/** Codes per INSERT statement while a batch is added. */
const CODES_PER_STATEMENT = 10_000

/** A result as the store keeps it (a JSON round trip), so that a first answer and its replays are identical. */
const asStored = <A>(a: A): A => (a === undefined ? a : (JSON.parse(JSON.stringify(a)) as A))

const codeValues = (c: StoredCode) => ({
  code: c.code,
  pool_id: c.pool,
  kind: JSON.stringify(c.kind),
  valid_from_ms: c.validFromMs ?? null,
  valid_until_ms: c.validUntilMs ?? null,
  redemptions: JSON.stringify(c.redemptions),
  reservations: JSON.stringify(c.reservations),
  revoked: c.revoked === undefined ? null : JSON.stringify(c.revoked),
})

const zeroCampaign = (campaignId: string): CampaignUsageRow => ({
  campaignId,
  redemptions: 0,
  discountSpent: 0,
  pointsSpent: 0,
})

/**
 * Opens a SQLite file with both stores on one connection: the loyalty store's migrations and the
 * checkout's ({@link SQLITE_CHECKOUT_MIGRATIONS}) applied, WAL and `synchronous=FULL` as in
 * `openSqliteStore`, and a 64 MiB page cache. Every operation of either store runs one at a time on
 * the connection (one queue), so an awaited `transact(fn)` holds its `BEGIN IMMEDIATE` transaction
 * alone. `addCodes` is one transaction per batch: prefer large batches (50,000) for big pools.
 * @category store-sqlite
 */
export const openSqliteCheckoutStore = (options: SqliteStoreOptions): SqliteCheckoutStore => {
  const db = openDatabase({
    file: options.file,
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  })
  try {
    migrateSqlite(db, SQLITE_MIGRATIONS)
    migrateSqlite(db, SQLITE_CHECKOUT_MIGRATIONS)
    // 64 MiB of page cache: the index of a pool of a million random codes stays in memory while
    // batches are added (a batch touches pages all over it).
    db.pragma('cache_size = -65536')
  } catch (e) {
    db.close()
    throw e
  }
  let lent: SqliteLedgerShare | undefined
  const loyalty = sqliteStoreOn(db, (s) => {
    lent = s
  })
  if (lent === undefined) throw new Error('sqlite checkout store: the loyalty store did not share its connection')
  return sqliteCheckoutStoreOn(db, loyalty, lent)
}

const sqliteCheckoutStoreOn = (
  db: SqliteDatabase,
  loyalty: LoyaltyStore,
  { serial, ledgerTransaction }: SqliteLedgerShare,
): SqliteCheckoutStore => {
  const q = {
    pool: db.prepare('SELECT body FROM checkout_pools WHERE pool_id = ?'),
    pools: db.prepare('SELECT body FROM checkout_pools ORDER BY pool_id'),
    putPool: db.prepare(
      'INSERT INTO checkout_pools (pool_id, body) VALUES (?, ?) ON CONFLICT (pool_id) DO UPDATE SET body = excluded.body',
    ),
    // One statement per slice of a batch, the codes passed as a JSON array (`WHERE true` lets
    // SQLite parse the upsert clause after a SELECT).
    addCodes: db.prepare(
      `INSERT INTO checkout_codes (code, pool_id, kind, valid_from_ms, valid_until_ms)
       SELECT value, ?, ?, ?, ? FROM json_each(?) WHERE true
       ON CONFLICT (code) DO NOTHING`,
    ),
    code: db.prepare('SELECT * FROM checkout_codes WHERE code = ?'),
    codes: db.prepare('SELECT * FROM checkout_codes WHERE code IN (SELECT value FROM json_each(?)) ORDER BY code'),
    saveCode: db.prepare(
      `INSERT INTO checkout_codes (code, pool_id, kind, valid_from_ms, valid_until_ms, redemptions, reservations, revoked)
       VALUES (@code, @pool_id, @kind, @valid_from_ms, @valid_until_ms, @redemptions, @reservations, @revoked)
       ON CONFLICT (code) DO UPDATE SET pool_id = excluded.pool_id, kind = excluded.kind,
         valid_from_ms = excluded.valid_from_ms, valid_until_ms = excluded.valid_until_ms,
         redemptions = excluded.redemptions, reservations = excluded.reservations, revoked = excluded.revoked`,
    ),
    campaign: db.prepare('SELECT * FROM checkout_campaign_usage WHERE campaign_id = ?'),
    createCampaign: db.prepare(
      `INSERT INTO checkout_campaign_usage (campaign_id, redemptions, discount_spent, points_spent)
       VALUES (?, 0, 0, 0) ON CONFLICT (campaign_id) DO NOTHING`,
    ),
    addCampaign: db.prepare(
      `UPDATE checkout_campaign_usage SET redemptions = max(0, redemptions + @redemptions),
         discount_spent = max(0, discount_spent + @discountSpent), points_spent = max(0, points_spent + @pointsSpent)
       WHERE campaign_id = @campaignId`,
    ),
    customer: db.prepare(
      'SELECT uses FROM checkout_customer_usage WHERE campaign_id = ? AND customer = ? AND bucket = ?',
    ),
    saveCustomer: db.prepare(
      `INSERT INTO checkout_customer_usage (campaign_id, customer, bucket, uses) VALUES (@campaignId, @customer, @bucket, @count)
       ON CONFLICT (campaign_id, customer, bucket) DO UPDATE SET uses = excluded.uses`,
    ),
    coupon: db.prepare('SELECT uses FROM checkout_coupon_usage WHERE template = ? AND customer = ? AND bucket = ?'),
    saveCoupon: db.prepare(
      `INSERT INTO checkout_coupon_usage (template, customer, bucket, uses) VALUES (@template, @customer, @bucket, @count)
       ON CONFLICT (template, customer, bucket) DO UPDATE SET uses = excluded.uses`,
    ),
    close: db.prepare('SELECT * FROM checkout_closes WHERE transaction_id = ?'),
    saveClose: db.prepare(
      `INSERT INTO checkout_closes (transaction_id, request, card, snapshot, bookings, receipt)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    return: db.prepare('SELECT * FROM checkout_returns WHERE return_id = ?'),
    returnsOf: db.prepare('SELECT * FROM checkout_returns WHERE transaction_id = ? ORDER BY position'),
    saveReturn: db.prepare(
      `INSERT INTO checkout_returns (return_id, transaction_id, position, request, receipt)
       VALUES (?, ?, (SELECT count(*) FROM checkout_returns WHERE transaction_id = ?), ?, ?)`,
    ),
    card: db.prepare('SELECT * FROM cards WHERE number = ?'),
    member: db.prepare('SELECT body FROM members WHERE member_id = ?'),
    purchases: db.prepare(
      'SELECT id, customer, at, amount, points FROM checkout_purchases WHERE customer = ? ORDER BY at_ms, id',
    ),
    referrals: db.prepare(
      "SELECT count(*) AS n FROM entries WHERE account_id = ? AND kind = 'earn' AND key LIKE 'referral:%:referrer'",
    ),
    savePurchase: db.prepare(
      `INSERT INTO checkout_purchases (id, customer, at, at_ms, amount, points) VALUES (@id, @customer, @at, @atMs, @amount, @points)
       ON CONFLICT (id) DO NOTHING`,
    ),
    session: db.prepare('SELECT body FROM checkout_sessions WHERE transaction_id = ?'),
    saveSession: db.prepare(
      'INSERT INTO checkout_sessions (transaction_id, body) VALUES (?, ?) ON CONFLICT (transaction_id) DO UPDATE SET body = excluded.body',
    ),
  }

  let closed = false
  /** Runs `op` in the connection's queue (shared with the loyalty store). */
  const queued = <A>(op: () => Promise<A> | A): Promise<A> =>
    serial(() => {
      if (closed) throw new Error('sqlite checkout store: used after close()')
      return op()
    })
  /** A consistent multi-statement read. */
  const reading = <A>(op: () => A): Promise<A> => queued(() => db.transaction(op).deferred())

  const campaignRows = (ids: readonly string[]) =>
    ids.map((id) => {
      const r = q.campaign.get(id) as SqlRow | undefined
      return r === undefined ? zeroCampaign(id) : campaignUsageFromRow(r)
    })
  const customerRows = (keys: readonly CustomerUsageKey[]): CustomerUsage[] =>
    keys.map((k) => {
      const r = q.customer.get(k.campaignId, k.customer, k.bucket) as SqlRow | undefined
      return { campaignId: k.campaignId, customer: k.customer, bucket: k.bucket, count: (r?.uses as number) ?? 0 }
    })
  const couponRows = (keys: readonly CouponUsageKey[]): CouponUsage[] =>
    keys.map((k) => {
      const r = q.coupon.get(k.template, k.customer, k.bucket) as SqlRow | undefined
      return { template: k.template, customer: k.customer, bucket: k.bucket, count: (r?.uses as number) ?? 0 }
    })

  const standing = (number: string): Standing => {
    const row = q.card.get(number) as SqlRow | undefined
    if (row === undefined) return { purchases: [], successfulReferrals: 0 }
    const card = cardFromRow(row)
    const memberRow = card.memberId === undefined ? undefined : (q.member.get(card.memberId) as SqlRow | undefined)
    const customer = card.memberId !== undefined ? `member:${card.memberId}` : `card:${card.number}`
    return {
      card,
      ...(memberRow !== undefined ? { member: JSON.parse(memberRow.body as string) as Member } : {}),
      purchases: q.purchases.all(customer) as PurchaseRecord[],
      successfulReferrals: (q.referrals.get(card.accountId) as { n: number }).n,
    }
  }
  const savePurchases = (rows: readonly PurchaseRecord[]) => {
    for (const r of rows) q.savePurchase.run({ ...r, atMs: Date.parse(r.at) })
  }

  // Inside `transact` the whole connection is held under BEGIN IMMEDIATE: every read is already
  // exclusive, so the `lock…` reads are plain reads.
  const transaction = (): CheckoutTransaction => ({
    findClose: async (id) => {
      const r = q.close.get(id) as SqlRow | undefined
      return r === undefined ? undefined : closeRecordFromRow(r)
    },
    findReturn: async (id) => {
      const r = q.return.get(id) as SqlRow | undefined
      return r === undefined ? undefined : returnRecordFromRow(r)
    },
    returnsOf: async (id) => (q.returnsOf.all(id) as SqlRow[]).map(returnRecordFromRow),
    lockCodes: async (codes) =>
      codes.length === 0 ? [] : (q.codes.all(JSON.stringify([...new Set(codes)])) as SqlRow[]).map(storedCodeFromRow),
    saveCodes: async (codes) => {
      for (const c of codes) q.saveCode.run(codeValues(c))
    },
    lockCampaignUsage: async (ids) => campaignRows(ids),
    lockCustomerUsage: async (keys) => customerRows(keys),
    lockCouponUsage: async (keys) => couponRows(keys),
    saveUsage: async (customers, coupons) => {
      for (const row of customers) q.saveCustomer.run(row)
      for (const row of coupons) q.saveCoupon.run(row)
    },
    addCampaignUsage: async (deltas) => {
      for (const row of deltas) {
        q.createCampaign.run(row.campaignId)
        q.addCampaign.run(row)
      }
    },
    standing: async (card) => standing(card),
    savePurchases: async (rows) => savePurchases(rows),
    post: async (request) => asStored(await executePosting(ledgerTransaction(), request)),
    saveClose: async (r) => {
      q.saveClose.run(
        r.transactionId,
        r.request,
        r.card ?? null,
        JSON.stringify(r.snapshot),
        JSON.stringify(r.bookings),
        JSON.stringify(r.receipt),
      )
    },
    saveReturn: async (r) => {
      q.saveReturn.run(r.returnId, r.transactionId, r.transactionId, r.request, JSON.stringify(r.receipt))
    },
  })

  return checkedCheckoutStore({
    loyalty,

    transact: (fn) =>
      queued(async () => {
        db.exec('BEGIN IMMEDIATE')
        try {
          const result = await fn(transaction())
          if (isLeft(result)) {
            db.exec('ROLLBACK')
            return result
          }
          db.exec('COMMIT')
          return right(asStored(result.right))
        } catch (e) {
          if (db.inTransaction) db.exec('ROLLBACK')
          throw e
        }
      }),

    putPool: async (input) => {
      const checked = decodeCodePool(input)
      if (isLeft(checked)) return checked
      const pool = checked.right
      await queued(() => q.putPool.run(pool.id, JSON.stringify(pool)))
      return right(pool)
    },

    pools: () => reading(() => (q.pools.all() as SqlRow[]).map((r) => JSON.parse(r.body as string) as CodePool)),

    addCodes: async (poolId, input) => {
      const checked = decodeCodeBatch(input)
      if (isLeft(checked)) return checked
      const batch = checked.right
      // One write transaction per batch: the batch is added whole or not at all.
      const added = await queued(() =>
        db
          .transaction(() => {
            const row = q.pool.get(poolId) as SqlRow | undefined
            if (row === undefined) return undefined
            const pool = JSON.parse(row.body as string) as CodePool
            const kind = JSON.stringify(pool.kind)
            let n = 0
            for (let from = 0; from < batch.length; from += CODES_PER_STATEMENT) {
              const slice = JSON.stringify(batch.slice(from, from + CODES_PER_STATEMENT))
              n += q.addCodes.run(pool.id, kind, pool.validFromMs ?? null, pool.validUntilMs ?? null, slice).changes
            }
            return n
          })
          .immediate(),
      )
      if (added === undefined) return left(unknownPool(poolId))
      return right({ added })
    },

    code: (code) =>
      queued(() => {
        const r = q.code.get(code) as SqlRow | undefined
        return r === undefined ? undefined : storedCodeFromRow(r)
      }),

    usage: (ids, keys) => reading(() => ({ campaigns: campaignRows(ids), customers: customerRows(keys) })),

    couponUsage: (keys) => reading(() => couponRows(keys)),

    findClose: (id) =>
      queued(() => {
        const r = q.close.get(id) as SqlRow | undefined
        return r === undefined ? undefined : closeRecordFromRow(r)
      }),

    findReturns: (id) => queued(() => (q.returnsOf.all(id) as SqlRow[]).map(returnRecordFromRow)),

    standing: (card) => reading(() => standing(card)),

    importPurchases: (rows) => queued(() => db.transaction(() => savePurchases(rows)).immediate()),

    saveSession: (session) => queued(() => void q.saveSession.run(session.transactionId, JSON.stringify(session))),

    findSession: (id) =>
      queued(() => {
        const r = q.session.get(id) as SqlRow | undefined
        return r === undefined ? undefined : (JSON.parse(r.body as string) as SessionData)
      }),

    close: async () => {
      if (closed) return
      closed = true
      await loyalty.close()
    },
  })
}
