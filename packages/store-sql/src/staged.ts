import type {
  CampaignUsageRow,
  CheckoutTransaction,
  CloseRecord,
  CouponUsage,
  CouponUsageKey,
  CustomerUsage,
  CustomerUsageKey,
  PurchaseRecord,
  ReturnRecord,
  StoredCode,
} from '@tessera/core'
import { campaignUsageOr, PURCHASE_COLUMNS, purchaseColumns } from './checkout.js'
import type { SqlClient, SqlStatement } from './client.js'
import { lastBy } from './prefetch.js'
import { asRecords, CODE_COLUMNS, codeColumns, type SqlRow } from './rows.js'

/**
 * What a checkout transaction writes, staged as JSON arrays of rows keyed by column (one parameter
 * per table, see `asRecords`): a store sends them in as few statements as its dialect allows. A
 * return's `nth` is its rank among the returns of its sale staged here; `expected` is how many
 * closes and returns must be newly stored (fewer means another transaction stored one first).
 * @category store-sql
 */
export interface StagedRows {
  readonly codes: string
  /** Increments of the campaigns this transaction locked (their one row). */
  readonly campaigns: string
  /** Increments of the others, for a store that books them into counter slots. */
  readonly slots: string
  readonly customers: string
  readonly coupons: string
  readonly closes: string
  readonly returns: string
  readonly purchases: string
  /** The transaction ids whose session is to be marked closed (a JSON array of strings). */
  readonly sessions: string
  readonly expected: { readonly closes: number; readonly returns: number }
}

/** The writes of a {@link CheckoutTransaction}, staged until `take()`. @category store-sql */
export type StagedWrites = Pick<
  CheckoutTransaction,
  'saveCodes' | 'saveUsage' | 'addCampaignUsage' | 'savePurchases' | 'saveClose' | 'saveReturn' | 'closeSession'
> & {
  /** How many rows are staged. */
  readonly size: () => number
  /**
   * The staged rows, then nothing staged. Campaign increments for which `locked` says false go to
   * `slots` (by default every campaign's go to `campaigns`).
   */
  readonly take: (locked?: (campaignId: string) => boolean) => StagedRows
}

const customerKeyOf = (k: CustomerUsageKey) => `${k.campaignId}\u0000${k.customer}\u0000${k.bucket}`
const couponKeyOf = (k: CouponUsageKey) => `${k.template}\u0000${k.customer}\u0000${k.bucket}`
const json = (rows: readonly unknown[]) => JSON.stringify(rows)

/**
 * Stages the writes of one checkout transaction: a row written twice keeps its last value, campaign
 * increments add up, a purchase id keeps its first row.
 * @category store-sql
 */
export const stagedWrites = (): StagedWrites => {
  const codes = new Map<string, StoredCode>()
  const campaigns = new Map<string, CampaignUsageRow>()
  const customers = new Map<string, CustomerUsage>()
  const coupons = new Map<string, CouponUsage>()
  const closes = new Map<string, CloseRecord>()
  const returns = new Map<string, ReturnRecord>()
  const purchases = new Map<string, PurchaseRecord>()
  const sessions = new Map<string, true>()
  const tables = [codes, campaigns, customers, coupons, closes, returns, purchases, sessions]
  return {
    saveCodes: async (rows) => {
      for (const c of rows) codes.set(c.code, c)
    },
    saveUsage: async (u, k) => {
      for (const row of u) customers.set(customerKeyOf(row), row)
      for (const row of k) coupons.set(couponKeyOf(row), row)
    },
    addCampaignUsage: async (deltas) => {
      for (const d of deltas) {
        const p = campaigns.get(d.campaignId) ?? campaignUsageOr(d.campaignId, undefined)
        campaigns.set(d.campaignId, {
          campaignId: d.campaignId,
          redemptions: p.redemptions + d.redemptions,
          discountSpent: p.discountSpent + d.discountSpent,
          pointsSpent: p.pointsSpent + d.pointsSpent,
        })
      }
    },
    savePurchases: async (rows) => {
      for (const p of rows) if (!purchases.has(p.id)) purchases.set(p.id, p)
    },
    saveClose: async (r) => {
      closes.set(r.transactionId, r)
    },
    saveReturn: async (r) => {
      returns.set(r.returnId, r)
    },
    closeSession: async (id) => {
      sessions.set(id, true)
    },
    size: () => tables.reduce((n, m) => n + m.size, 0),
    take: (locked = () => true) => {
      const nth = new Map<string, number>()
      const increments = (rows: readonly CampaignUsageRow[]) =>
        json(
          [...rows]
            .sort((a, b) => (a.campaignId < b.campaignId ? -1 : 1))
            .map((c) => ({
              campaign_id: c.campaignId,
              redemptions: c.redemptions,
              discount_spent: c.discountSpent,
              points_spent: c.pointsSpent,
            })),
        )
      const all = [...campaigns.values()]
      const rows: StagedRows = {
        codes: asRecords(CODE_COLUMNS, [...codes.values()].map(codeColumns)),
        campaigns: increments(all.filter((c) => locked(c.campaignId))),
        slots: increments(all.filter((c) => !locked(c.campaignId))),
        customers: json(
          [...customers.values()].map((u) => ({
            campaign_id: u.campaignId,
            customer: u.customer,
            bucket: u.bucket,
            uses: u.count,
          })),
        ),
        coupons: json(
          [...coupons.values()].map((u) => ({
            template: u.template,
            customer: u.customer,
            bucket: u.bucket,
            uses: u.count,
          })),
        ),
        closes: json(
          [...closes.values()].map((r) => ({
            transaction_id: r.transactionId,
            request: r.request,
            card: r.card ?? null,
            snapshot: JSON.stringify(r.snapshot),
            bookings: JSON.stringify(r.bookings),
            receipt: JSON.stringify(r.receipt),
          })),
        ),
        returns: json(
          [...returns.values()].map((r) => {
            const rank = nth.get(r.transactionId) ?? 0
            nth.set(r.transactionId, rank + 1)
            const { returnId, transactionId, request } = r
            return {
              return_id: returnId,
              transaction_id: transactionId,
              nth: rank,
              request,
              receipt: JSON.stringify(r.receipt),
            }
          }),
        ),
        purchases: asRecords(PURCHASE_COLUMNS, [...purchases.values()].map(purchaseColumns)),
        sessions: json([...sessions.keys()]),
        expected: { closes: closes.size, returns: returns.size },
      }
      for (const m of tables) m.clear()
      return rows
    },
  }
}

/** An error that makes a SQL store's transaction runner run the whole transaction again (a lost race, 40001). @category store-sql */
export const raceLost = (what: string) => Object.assign(new Error(`checkout: ${what}; retrying`), { code: '40001' })

/**
 * Takes the row of a close or return id: inserts a claim row (request NULL) that this transaction
 * then owns, or, when the id is taken, locks its row (waiting for a transaction in flight that
 * holds it) and returns it unless it is a claim left by a transaction that stored nothing. `first`
 * is the first claim (a store may send it with `BEGIN`); `claim` and `lock` take the id as $1.
 * @category store-sql
 */
export const claimRow = async (
  c: SqlClient,
  statements: { readonly claim: SqlStatement; readonly lock: SqlStatement },
  id: string,
  first: () => Promise<number>,
): Promise<SqlRow | undefined> => {
  for (let attempt = 0; attempt < 8; attempt++) {
    // Claim first: a new id (the common case of a close) costs one round trip.
    if ((await (attempt === 0 ? first() : c.run(statements.claim, [id]))) === 1) return undefined
    const found = (await c.all(statements.lock, [id]))[0]
    if (found !== undefined) return found.request === null ? undefined : found
  }
  throw raceLost(`the id ${id} kept changing hands`)
}

/**
 * A store's usage read in two batched statements: `campaigns` takes the ids as one array ($1) and
 * returns `campaign_id` with the sums (see `campaignUsageOr`), `customers` three arrays (campaign,
 * customer, bucket) and returns the rows found; in the order asked, zeros where no row was found.
 * @category store-sql
 */
export const batchedUsage = async (
  c: SqlClient,
  statements: { readonly campaigns: SqlStatement; readonly customers: SqlStatement },
  ids: readonly string[],
  keys: readonly CustomerUsageKey[],
) => {
  const [campaigns, customers] = await Promise.all([
    ids.length === 0 ? [] : c.all(statements.campaigns, [[...ids]]),
    keys.length === 0
      ? []
      : c.all(
          statements.customers,
          keyColumns(
            keys,
            keys.map((k) => k.campaignId),
          ),
        ),
  ])
  const found = new Map(customers.map((r) => [`${r.campaign_id}\u0000${r.customer}\u0000${r.bucket}`, r.uses]))
  return {
    campaigns: ids.map((id) =>
      campaignUsageOr(
        id,
        campaigns.find((r) => r.campaign_id === id),
      ),
    ),
    customers: keys.map((k) => ({ ...k, count: Number(found.get(customerKeyOf(k)) ?? 0) })),
  }
}

/** The statements that lock usage rows by key and create missing ones as zeros. @category store-sql */
export interface LockStatements {
  readonly lock: SqlStatement
  readonly create: SqlStatement
}

/**
 * Locks usage rows by key in one statement, creating the missing ones as zeros (one statement) and
 * locking those too: `columns` turns keys into the statements' array parameters, `rowKey` reads a
 * row's key. The rows by key.
 */
const lockOrCreate = async <K>(
  client: SqlClient,
  keys: readonly K[],
  keyOf: (k: K) => string,
  rowKey: (r: SqlRow) => string,
  columns: (ks: readonly K[]) => unknown[],
  sql: LockStatements,
): Promise<Map<string, SqlRow>> => {
  const rows = new Map<string, SqlRow>()
  if (keys.length === 0) return rows
  const unique = lastBy(keys, keyOf)
  for (const r of await client.all(sql.lock, columns(unique))) rows.set(rowKey(r), r)
  const missing = unique.filter((k) => !rows.has(keyOf(k)))
  if (missing.length > 0) {
    await client.run(sql.create, columns(missing))
    for (const r of await client.all(sql.lock, columns(missing))) rows.set(rowKey(r), r)
  }
  return rows
}

const keyColumns = (
  keys: readonly { readonly customer: string; readonly bucket: string }[],
  first: readonly string[],
): unknown[] => [first, keys.map((k) => k.customer), keys.map((k) => k.bucket)]

/**
 * The usage locks of a checkout transaction over `client`, with a store's statements: each takes
 * an array of ids (`$1`), or three arrays of campaign or template, customer and bucket.
 * @category store-sql
 */
export const usageLocks = (
  client: SqlClient,
  sql: { readonly campaigns: LockStatements; readonly customers: LockStatements; readonly coupons: LockStatements },
): Pick<CheckoutTransaction, 'lockCampaignUsage' | 'lockCustomerUsage' | 'lockCouponUsage'> => ({
  lockCampaignUsage: async (ids) => {
    const rows = await lockOrCreate(
      client,
      ids,
      (id) => id,
      (r) => r.campaign_id as string,
      (ks) => [[...ks]],
      sql.campaigns,
    )
    return ids.map((id) => campaignUsageOr(id, rows.get(id)))
  },
  lockCustomerUsage: async (keys) => {
    const rowKey = (r: SqlRow) => `${r.campaign_id}\u0000${r.customer}\u0000${r.bucket}`
    const columns = (ks: readonly CustomerUsageKey[]) =>
      keyColumns(
        ks,
        ks.map((k) => k.campaignId),
      )
    const rows = await lockOrCreate(client, keys, customerKeyOf, rowKey, columns, sql.customers)
    return keys.map(({ campaignId, customer, bucket }) => ({
      campaignId,
      customer,
      bucket,
      count: Number(rows.get(customerKeyOf({ campaignId, customer, bucket }))?.uses ?? 0),
    }))
  },
  lockCouponUsage: async (keys) => {
    const rowKey = (r: SqlRow) => `${r.template}\u0000${r.customer}\u0000${r.bucket}`
    const columns = (ks: readonly CouponUsageKey[]) =>
      keyColumns(
        ks,
        ks.map((k) => k.template),
      )
    const rows = await lockOrCreate(client, keys, couponKeyOf, rowKey, columns, sql.coupons)
    return keys.map(({ template, customer, bucket }) => ({
      template,
      customer,
      bucket,
      count: Number(rows.get(couponKeyOf({ template, customer, bucket }))?.uses ?? 0),
    }))
  },
})
