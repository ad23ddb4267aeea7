import {
  type CampaignUsageRow,
  type CheckoutStore,
  type CodePool,
  type CouponUsageKey,
  type CustomerUsageKey,
  decodeCodeBatch,
  decodeCodePool,
  type Member,
  type PurchaseRecord,
  type SessionData,
  type Standing,
  unknownPool,
} from '@tessera/core'
import { isLeft, left, right } from 'fp-ts/lib/Either.js'
import { type SqlClient, sql } from './client.js'
import {
  bodyOf,
  campaignUsageFromRow,
  cardFromRow,
  closeRecordFromRow,
  returnRecordFromRow,
  type SqlRow,
  storedCodeFromRow,
} from './rows.js'

/** The checkout statements both SQL stores share. @category store-sql */
export const CHECKOUT_SQL = {
  pool: sql('pool', 'SELECT body FROM checkout_pools WHERE pool_id = $1'),
  pools: sql('pools', 'SELECT body FROM checkout_pools ORDER BY pool_id'),
  putPool: sql(
    'put_pool',
    'INSERT INTO checkout_pools (pool_id, body) VALUES ($1, $2) ON CONFLICT (pool_id) DO UPDATE SET body = excluded.body',
  ),
  code: sql('code', 'SELECT * FROM checkout_codes WHERE code = $1'),
  campaign: sql('campaign_usage', 'SELECT * FROM checkout_campaign_usage WHERE campaign_id = $1'),
  customer: sql(
    'customer_usage',
    'SELECT uses FROM checkout_customer_usage WHERE campaign_id = $1 AND customer = $2 AND bucket = $3',
  ),
  coupon: sql(
    'coupon_usage',
    'SELECT uses FROM checkout_coupon_usage WHERE template = $1 AND customer = $2 AND bucket = $3',
  ),
  findClose: sql('find_close', 'SELECT * FROM checkout_closes WHERE transaction_id = $1 AND request IS NOT NULL'),
  returnsOf: sql(
    'returns_of',
    'SELECT * FROM checkout_returns WHERE transaction_id = $1 AND request IS NOT NULL ORDER BY position',
  ),
  card: sql('standing_card', 'SELECT * FROM cards WHERE number = $1'),
  member: sql('standing_member', 'SELECT body FROM members WHERE member_id = $1'),
  purchases: sql(
    'purchases_of',
    'SELECT id, customer, at, amount, points FROM checkout_purchases WHERE customer = $1 ORDER BY at_ms, id',
  ),
  referrals: sql(
    'referrals_of',
    "SELECT count(*) AS n FROM entries WHERE account_id = $1 AND kind = 'earn' AND key LIKE 'referral:%:referrer'",
  ),
  savePurchase: sql(
    'save_purchase',
    `INSERT INTO checkout_purchases (id, customer, at, at_ms, amount, points) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO NOTHING`,
  ),
  findReturn: sql('find_return', 'SELECT * FROM checkout_returns WHERE return_id = $1 AND request IS NOT NULL'),
  saveCode: sql(
    'save_code',
    `INSERT INTO checkout_codes (code, pool_id, kind, valid_from_ms, valid_until_ms, redemptions, reservations, revoked)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (code) DO UPDATE SET pool_id = excluded.pool_id, kind = excluded.kind,
       valid_from_ms = excluded.valid_from_ms, valid_until_ms = excluded.valid_until_ms,
       redemptions = excluded.redemptions, reservations = excluded.reservations, revoked = excluded.revoked`,
  ),
  saveCustomer: sql(
    'save_customer_usage',
    `INSERT INTO checkout_customer_usage (campaign_id, customer, bucket, uses) VALUES ($1, $2, $3, $4)
     ON CONFLICT (campaign_id, customer, bucket) DO UPDATE SET uses = excluded.uses`,
  ),
  saveCoupon: sql(
    'save_coupon_usage',
    `INSERT INTO checkout_coupon_usage (template, customer, bucket, uses) VALUES ($1, $2, $3, $4)
     ON CONFLICT (template, customer, bucket) DO UPDATE SET uses = excluded.uses`,
  ),
  session: sql('session', 'SELECT body FROM checkout_sessions WHERE transaction_id = $1'),
  saveSession: sql(
    'save_session',
    `INSERT INTO checkout_sessions (transaction_id, body) VALUES ($1, $2)
     ON CONFLICT (transaction_id) DO UPDATE SET body = excluded.body`,
  ),
}

/** A campaign's usage row, zeros when missing. @category store-sql */
export const campaignUsageOr = (campaignId: string, r: SqlRow | undefined): CampaignUsageRow =>
  r === undefined ? { campaignId, redemptions: 0, discountSpent: 0, pointsSpent: 0 } : campaignUsageFromRow(r)

/** The customer key that purchases and usage are counted under (`member:<id>` or `card:<number>`). */
const customerOf = (card: { memberId?: string; number: string }) =>
  card.memberId !== undefined ? `member:${card.memberId}` : `card:${card.number}`

/** The columns of `checkout_purchases`, in the order of {@link purchaseColumns}. @category store-sql */
export const PURCHASE_COLUMNS = ['id', 'customer', 'at', 'at_ms', 'amount', 'points']

/** A purchase row as the checkout keeps it. @category store-sql */
export const purchaseColumns = (p: PurchaseRecord): unknown[] => [
  p.id,
  p.customer,
  p.at,
  Date.parse(p.at),
  p.amount,
  p.points,
]

/** A purchase from its row. @category store-sql */
export const purchaseFromRow = (r: SqlRow): PurchaseRecord => ({
  id: r.id as string,
  customer: r.customer as string,
  at: r.at as string,
  amount: Number(r.amount),
  points: Number(r.points),
})

const first = async (rows: Promise<readonly SqlRow[]>) => (await rows)[0]

/** What the stores know of a card's holder, read through `client` (inside a transaction or not). @category store-sql */
export const sqlStanding = async (client: SqlClient, number: string): Promise<Standing> => {
  const row = await first(client.all(CHECKOUT_SQL.card, [number]))
  if (row === undefined) return { purchases: [], successfulReferrals: 0 }
  const card = cardFromRow(row)
  const member = card.memberId === undefined ? undefined : await first(client.all(CHECKOUT_SQL.member, [card.memberId]))
  return {
    card,
    ...(member !== undefined ? { member: bodyOf<Member>(member) } : {}),
    purchases: (await client.all(CHECKOUT_SQL.purchases, [customerOf(card)])).map(purchaseFromRow),
    successfulReferrals: Number((await first(client.all(CHECKOUT_SQL.referrals, [card.accountId])))?.n ?? 0),
  }
}

/**
 * A card's standing from ONE row (a store's one-statement form of {@link sqlStanding}): `card` (the
 * card as a JSON object, NULL when unknown), `member` (the holder's body, or NULL), `purchases` (a
 * JSON array of purchase rows, oldest first) and `referrals` (the count of referral rewards).
 * @category store-sql
 */
export const standingFromRow = (r: SqlRow | undefined): Standing => {
  if (r === undefined || r.card === null) return { purchases: [], successfulReferrals: 0 }
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v)
  return {
    card: cardFromRow(json(r.card) as SqlRow),
    ...(r.member !== null ? { member: JSON.parse(r.member as string) as Member } : {}),
    purchases: (json(r.purchases) as SqlRow[]).map(purchaseFromRow),
    successfulReferrals: Number(r.referrals ?? 0),
  }
}

/**
 * How a SQL store adds a batch of codes to a pool, in its dialect, inside the transaction `add`
 * opens: returns how many were new.
 * @category store-sql
 */
export type AddCodes = (client: SqlClient, pool: CodePool, batch: readonly string[]) => Promise<number>

/**
 * The parts of a {@link CheckoutStore} that are the same SQL in every engine, over a runner that
 * hands out a client: `read` for one consistent read, `write` for one write transaction. What is
 * left to a store is `transact` (its locking and its writes) and `addCodes`' statement.
 * @category store-sql
 */
export const sqlCheckoutStore = (
  read: <A>(op: (client: SqlClient) => Promise<A>) => Promise<A>,
  write: <A>(op: (client: SqlClient) => Promise<A>) => Promise<A>,
  addCodes: AddCodes,
): Omit<CheckoutStore, 'transact'> => ({
  putPool: async (input) => {
    const checked = decodeCodePool(input)
    if (isLeft(checked)) return checked
    const pool = checked.right
    await write((c) => c.run(CHECKOUT_SQL.putPool, [pool.id, JSON.stringify(pool)]))
    return right(pool)
  },
  pools: () => read(async (c) => (await c.all(CHECKOUT_SQL.pools)).map((r) => bodyOf<CodePool>(r))),
  addCodes: async (poolId, input) => {
    const checked = decodeCodeBatch(input)
    if (isLeft(checked)) return checked
    // One write transaction per batch: the batch is added whole or not at all.
    const added = await write(async (c) => {
      const row = await first(c.all(CHECKOUT_SQL.pool, [poolId]))
      return row === undefined ? undefined : addCodes(c, bodyOf<CodePool>(row), checked.right)
    })
    return added === undefined ? left(unknownPool(poolId)) : right({ added })
  },
  code: (code) =>
    read(async (c) => {
      const r = await first(c.all(CHECKOUT_SQL.code, [code]))
      return r === undefined ? undefined : storedCodeFromRow(r)
    }),
  usage: (ids, keys) =>
    read(async (c) => ({
      campaigns: await Promise.all(
        ids.map(async (id) => campaignUsageOr(id, await first(c.all(CHECKOUT_SQL.campaign, [id])))),
      ),
      customers: await Promise.all(
        keys.map(async (k: CustomerUsageKey) => ({
          ...k,
          count: Number((await first(c.all(CHECKOUT_SQL.customer, [k.campaignId, k.customer, k.bucket])))?.uses ?? 0),
        })),
      ),
    })),
  couponUsage: (keys) =>
    read((c) =>
      Promise.all(
        keys.map(async (k: CouponUsageKey) => ({
          ...k,
          count: Number((await first(c.all(CHECKOUT_SQL.coupon, [k.template, k.customer, k.bucket])))?.uses ?? 0),
        })),
      ),
    ),
  findClose: (id) =>
    read(async (c) => {
      const r = await first(c.all(CHECKOUT_SQL.findClose, [id]))
      return r === undefined ? undefined : closeRecordFromRow(r)
    }),
  findReturns: (id) => read(async (c) => (await c.all(CHECKOUT_SQL.returnsOf, [id])).map(returnRecordFromRow)),
  standing: (card) => read((c) => sqlStanding(c, card)),
  importPurchases: (rows) =>
    write(async (c) => {
      for (const p of rows) await c.run(CHECKOUT_SQL.savePurchase, purchaseColumns(p))
    }),
  saveSession: (session) =>
    write(async (c) => {
      await c.run(CHECKOUT_SQL.saveSession, [session.transactionId, JSON.stringify(session)])
    }),
  findSession: (id) =>
    read(async (c) => {
      const r = await first(c.all(CHECKOUT_SQL.session, [id]))
      return r === undefined ? undefined : bodyOf<SessionData>(r)
    }),
})
