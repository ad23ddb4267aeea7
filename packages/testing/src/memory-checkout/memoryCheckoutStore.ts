import {
  type CampaignUsageRow,
  type CheckoutStore,
  type CheckoutTransaction,
  type CloseRecord,
  type CodePool,
  type CouponUsage,
  type CustomerUsage,
  checkedCheckoutStore,
  isReferrerKey,
  type LoyaltyStore,
  type PurchaseRecord,
  type ReturnRecord,
  type SessionData,
  type Standing,
  type StoredCode,
  unknownPool,
} from '@tessera/core'
import { left, right } from 'fp-ts/lib/Either.js'
import { oneAtATime, staged } from '../memory/transactions.js'

/** Values leave and enter the store as copies, so a caller can never change stored state by accident. */
const copy = <A>(a: A): A => structuredClone(a)

const customerKey = (k: { campaignId: string; customer: string; bucket: string }) =>
  `${k.campaignId}\u0000${k.customer}\u0000${k.bucket}`
const couponKey = (k: { template: string; customer: string; bucket: string }) =>
  `${k.template}\u0000${k.customer}\u0000${k.bucket}`

interface Tables {
  readonly pools: Map<string, CodePool>
  readonly codes: Map<string, StoredCode>
  readonly campaigns: Map<string, CampaignUsageRow>
  readonly customers: Map<string, CustomerUsage>
  readonly coupons: Map<string, CouponUsage>
  readonly closes: Map<string, CloseRecord>
  readonly returns: Map<string, ReturnRecord>
  /** Return ids per transaction, in the order they were saved. */
  readonly returnsOf: Map<string, string[]>
  readonly purchases: Map<string, PurchaseRecord>
  readonly sessions: Map<string, SessionData>
}

/**
 * A {@link CheckoutStore} in memory, for tests and single-process tills. Transactions run one at a
 * time (a promise queue); each stages its writes and applies them only when `fn` returns a `Right`,
 * so it behaves like a serializable store. Points go to `loyalty.post` (the memory loyalty store),
 * and cards, members and referral rewards are read from it: the checkout posts last and nothing
 * after the posting can fail, so a close or a return is all-or-nothing here too.
 * @category testing
 */
export const memoryCheckoutStore = (
  loyalty: Pick<LoyaltyStore, 'post' | 'card' | 'member' | 'entries'>,
): CheckoutStore => {
  const db: Tables = {
    pools: new Map(),
    codes: new Map(),
    campaigns: new Map(),
    customers: new Map(),
    coupons: new Map(),
    closes: new Map(),
    returns: new Map(),
    returnsOf: new Map(),
    purchases: new Map(),
    sessions: new Map(),
  }
  const purchasesOf = (customer: string, staged: ReadonlyMap<string, PurchaseRecord> = new Map()) =>
    [...db.purchases.values(), ...[...staged.values()].filter((p) => !db.purchases.has(p.id))]
      .filter((p) => p.customer === customer)
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
      .map(copy)
  const standing = async (number: string, staged?: ReadonlyMap<string, PurchaseRecord>): Promise<Standing> => {
    const card = await loyalty.card(number)
    if (card._tag === 'Left') return { purchases: [], successfulReferrals: 0 }
    const memberId = card.right.memberId
    const member = memberId === undefined ? undefined : await loyalty.member(memberId)
    const entries = await loyalty.entries(card.right.accountId)
    const customer = memberId !== undefined ? `member:${memberId}` : `card:${number}`
    return {
      card: card.right,
      ...(member?._tag === 'Right' ? { member: member.right } : {}),
      purchases: purchasesOf(customer, staged),
      successfulReferrals:
        entries._tag === 'Right' ? entries.right.filter((e) => e.kind === 'earn' && isReferrerKey(e.key)).length : 0,
    }
  }
  const serial = oneAtATime('memory checkout store')

  const transaction = () => {
    // staged rows, read back by the same transaction before commit
    const codes = new Map<string, StoredCode>()
    const campaigns = new Map<string, CampaignUsageRow>()
    const customers = new Map<string, CustomerUsage>()
    const coupons = new Map<string, CouponUsage>()
    const closes = new Map<string, CloseRecord>()
    const returns = new Map<string, ReturnRecord>()
    const purchases = new Map<string, PurchaseRecord>()
    const sessions = new Set<string>()
    const read = <K, V>(staged: Map<K, V>, table: Map<K, V>, key: K): V | undefined =>
      copy(staged.get(key) ?? table.get(key))
    const returnIdsOf = (transactionId: string) => [
      ...(db.returnsOf.get(transactionId) ?? []),
      ...[...returns.values()].filter((r) => r.transactionId === transactionId).map((r) => r.returnId),
    ]
    const tx: CheckoutTransaction = {
      findClose: async (id) => read(closes, db.closes, id),
      findReturn: async (id) => read(returns, db.returns, id),
      returnsOf: async (id) => returnIdsOf(id).map((rid) => read(returns, db.returns, rid) as ReturnRecord),
      lockCodes: async (wanted) =>
        wanted.map((c) => read(codes, db.codes, c)).filter((c): c is StoredCode => c !== undefined),
      saveCodes: async (rows) => {
        for (const r of rows) codes.set(r.code, copy(r))
      },
      lockCampaignUsage: async (ids) =>
        ids.map(
          (id) =>
            read(campaigns, db.campaigns, id) ?? { campaignId: id, redemptions: 0, discountSpent: 0, pointsSpent: 0 },
        ),
      lockCustomerUsage: async (keys) =>
        keys.map((k) => read(customers, db.customers, customerKey(k)) ?? { ...k, count: 0 }),
      lockCouponUsage: async (keys) => keys.map((k) => read(coupons, db.coupons, couponKey(k)) ?? { ...k, count: 0 }),
      saveUsage: async (u, k) => {
        for (const row of u) customers.set(customerKey(row), copy(row))
        for (const row of k) coupons.set(couponKey(row), copy(row))
      },
      addCampaignUsage: async (deltas) => {
        for (const d of deltas) {
          const row = read(campaigns, db.campaigns, d.campaignId) ?? {
            campaignId: d.campaignId,
            redemptions: 0,
            discountSpent: 0,
            pointsSpent: 0,
          }
          campaigns.set(d.campaignId, {
            campaignId: d.campaignId,
            redemptions: Math.max(0, row.redemptions + d.redemptions),
            discountSpent: Math.max(0, row.discountSpent + d.discountSpent),
            pointsSpent: Math.max(0, row.pointsSpent + d.pointsSpent),
          })
        }
      },
      standing: (card) => standing(card, purchases),
      savePurchases: async (rows) => {
        for (const r of rows) if (!db.purchases.has(r.id) && !purchases.has(r.id)) purchases.set(r.id, copy(r))
      },
      post: (request) => loyalty.post(request),
      saveClose: async (record) => {
        closes.set(record.transactionId, copy(record))
      },
      saveReturn: async (record) => {
        returns.set(record.returnId, copy(record))
      },
      closeSession: async (id) => {
        sessions.add(id)
      },
    }
    const commit = () => {
      for (const [k, v] of codes) db.codes.set(k, v)
      for (const [k, v] of campaigns) db.campaigns.set(k, v)
      for (const [k, v] of customers) db.customers.set(k, v)
      for (const [k, v] of coupons) db.coupons.set(k, v)
      for (const [k, v] of purchases) db.purchases.set(k, v)
      for (const [k, v] of closes) db.closes.set(k, v)
      for (const [k, v] of returns) {
        db.returns.set(k, v)
        db.returnsOf.set(v.transactionId, [...(db.returnsOf.get(v.transactionId) ?? []), k])
      }
      for (const id of sessions) {
        const s = db.sessions.get(id)
        if (s !== undefined && s.state !== 'closed') db.sessions.set(id, { ...s, state: 'closed' })
      }
    }
    return { tx, commit }
  }

  return checkedCheckoutStore({
    transact: (fn) => serial(() => staged(transaction, fn, copy)),
    putPool: (pool) =>
      serial(() => {
        db.pools.set(pool.id, copy(pool))
        return right(copy(pool))
      }),
    pools: () => serial(() => copy([...db.pools.values()])),
    addCodes: (poolId, batch) =>
      serial(() => {
        const pool = db.pools.get(poolId)
        if (pool === undefined) return left(unknownPool(poolId))
        let added = 0
        for (const code of batch) {
          if (db.codes.has(code)) continue
          db.codes.set(code, {
            code,
            pool: poolId,
            kind: copy(pool.kind),
            ...(pool.validFromMs !== undefined ? { validFromMs: pool.validFromMs } : {}),
            ...(pool.validUntilMs !== undefined ? { validUntilMs: pool.validUntilMs } : {}),
            redemptions: [],
            reservations: [],
          })
          added++
        }
        return right({ added })
      }),
    code: (code) => serial(() => copy(db.codes.get(code))),
    usage: (ids, keys) =>
      serial(() => ({
        campaigns: ids.map(
          (id) => copy(db.campaigns.get(id)) ?? { campaignId: id, redemptions: 0, discountSpent: 0, pointsSpent: 0 },
        ),
        customers: keys.map((k) => copy(db.customers.get(customerKey(k))) ?? { ...k, count: 0 }),
      })),
    couponUsage: (keys) => serial(() => keys.map((k) => copy(db.coupons.get(couponKey(k))) ?? { ...k, count: 0 })),
    standing: (card) => serial(() => standing(card)),
    importPurchases: (rows) =>
      serial(() => {
        for (const r of rows) if (!db.purchases.has(r.id)) db.purchases.set(r.id, copy(r))
      }),
    saveSession: (session) =>
      serial(() => {
        db.sessions.set(session.transactionId, copy(session))
      }),
    findSession: (id) => serial(() => copy(db.sessions.get(id))),
    findClose: (id) => serial(() => copy(db.closes.get(id))),
    findReturns: (id) =>
      serial(() => (db.returnsOf.get(id) ?? []).map((rid) => copy(db.returns.get(rid)) as ReturnRecord)),
  })
}
