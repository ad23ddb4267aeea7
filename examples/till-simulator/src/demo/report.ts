import type { AcceptedCode, CloseRequest, Entry } from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import type { DayReportInput, ReportMember, ReportTransaction } from '../report/dayReport.js'
import type { DemoShop } from '../shop/shop.js'
import { parisTime } from '../store/members.js'
import { isValuableButSlipping } from '../store/value.js'
import type { DemoDay } from './day.js'

/**
 * The end-of-day report's input, read back from what the stores recorded: every close and return
 * from the checkout store (receipts, snapshots, the stored close request), code redemptions from
 * the stored codes, points from the ledger (earns on the receipts, `redeem` entries of the reward
 * vouchers, balances for the outstanding liability). The campaigns that concerned a basket and the
 * holdout groups are not part of a receipt: they are the checkout's own pricer run again on the
 * stored close request (deterministic: the same answer the close got).
 */

/** Why the report input could not be read. @category demo */
export interface DemoReportError {
  readonly _tag: 'DemoReportError'
  readonly message: string
}

const reportError = (message: string): DemoReportError => ({ _tag: 'DemoReportError', message })

/**
 * Reads the day back from the shop's stores into the report builder's input.
 * @category demo
 */
export const dayReportInput = async (
  shop: DemoShop,
  day: DemoDay,
): Promise<Either<DemoReportError, DayReportInput>> => {
  const pools = await shop.store.pools()
  const templateOfPool = new Map(pools.flatMap((p) => (p.campaignId !== undefined ? [[p.id, p.campaignId]] : [])))
  const transactions: ReportTransaction[] = []
  const todayMembers = new Set<string>()
  // Ledger entries of the members who shopped today, by posting key (reward vouchers).
  const entriesByKey = new Map<string, Entry>()
  const dayStart = Date.parse(parisTime(day.day, 0))
  for (const id of day.closes) {
    const record = await shop.store.findClose(id)
    if (record === undefined) return left(reportError(`close ${id} is not in the checkout store`))
    const receipt = record.receipt
    const member = receipt.card !== undefined ? shop.byCard.get(receipt.card) : undefined
    if (member !== undefined && !todayMembers.has(member.memberId)) {
      todayMembers.add(member.memberId)
      const entries = await shop.loyalty.entries(shop.accountOf(member))
      if (entries._tag === 'Left') return left(reportError(entries.left.message))
      for (const e of entries.right) if (e.at >= dayStart) entriesByKey.set(e.key, e)
    }
    const request = JSON.parse(record.request) as CloseRequest
    const codes: AcceptedCode[] = []
    const redeemed: { template: string; code: string }[] = []
    for (const code of request.basket.codes ?? []) {
      const stored = await shop.store.code(code)
      if (stored === undefined) continue
      codes.push({ code: stored.code, pool: stored.pool })
      if (stored.redemptions.some((r) => r.sessionId === id))
        redeemed.push({ template: templateOfPool.get(stored.pool) ?? stored.pool, code })
    }
    const evaluation = shop.pricer({
      basket: request.basket,
      ...(request.customer ? { customer: request.customer } : {}),
      codes,
      usage: {},
    })
    const reward = entriesByKey.get(`${id}/reward`)
    transactions.push({
      id,
      kind: 'sale',
      at: receipt.at,
      terminalId: request.basket.terminalId,
      ...(member !== undefined ? { memberId: member.memberId } : {}),
      gross: receipt.subtotal,
      discount: receipt.discountTotal,
      discounts: receipt.discounts.map((d) => ({ campaignId: d.campaignId, label: d.label, amount: d.amount })),
      pointsEarned: receipt.points.earned,
      pointsRedeemed: reward !== undefined ? Math.abs(reward.points) : 0,
      couponsIssued: receipt.coupons.map((c) => ({ campaignId: c.campaignId, template: c.template })),
      couponsRedeemed: redeemed,
      codesRefused: day.refusals.filter((r) => r.transactionId === id).map((r) => ({ code: r.code, reason: r.reason })),
      concerned: [...new Set([...evaluation.explanations.map((x) => x.campaignId), ...evaluation.holdouts])],
      holdouts: evaluation.holdouts,
    })
  }
  const seenReturns = new Set<string>()
  for (const { transactionId } of day.returns) {
    if (seenReturns.has(transactionId)) continue
    seenReturns.add(transactionId)
    const sale = await shop.store.findClose(transactionId)
    const member = sale?.receipt.card !== undefined ? shop.byCard.get(sale.receipt.card) : undefined
    for (const back of await shop.store.findReturns(transactionId)) {
      const request = JSON.parse(back.request) as { readonly at: string }
      const r = back.receipt
      transactions.push({
        id: r.returnId,
        kind: 'return',
        at: request.at,
        terminalId: '01',
        ...(member !== undefined ? { memberId: member.memberId } : {}),
        gross: r.lines.reduce((s, l) => s + l.amount, 0),
        discount: r.lines.reduce((s, l) => s + l.discount, 0),
        discounts: [],
        pointsEarned: r.pointsClawedBack,
        pointsRedeemed: 0,
        couponsIssued: [],
        couponsRedeemed: [],
        codesRefused: [],
        concerned: [],
        holdouts: [],
      })
    }
  }

  const dayStartIso = parisTime(day.day, 0)
  const dayEndIso = parisTime(day.day, 23 * 60 + 59.99)
  const endMs = Date.parse(dayEndIso)
  let outstanding = 0
  const members: ReportMember[] = []
  for (const m of shop.members) {
    const balance = await shop.loyalty.balance(shop.accountOf(m), endMs)
    if (balance._tag === 'Left') return left(reportError(balance.left.message))
    outstanding += Math.max(0, balance.right.available + balance.right.pending)
    const tierBefore = shop.tierOf(m, dayStartIso)
    const tierAfter = shop.tierOf(m, dayEndIso)
    members.push({
      memberId: m.memberId,
      ...(tierBefore !== undefined ? { tierBefore } : {}),
      ...(tierAfter !== undefined ? { tierAfter } : {}),
      lifecycle: shop.lifecycleOf(m, dayEndIso),
      spend12m: shop.tierProgressOf(m, dayEndIso).spend,
    })
  }
  return right({
    storeName: shop.storeName,
    storeId: shop.storeId,
    day: day.day,
    currency: 'EUR',
    transactions: transactions.sort((a, b) => Date.parse(a.at) - Date.parse(b.at)),
    members,
    campaignNames: Object.fromEntries(shop.campaigns.map((c) => [c.id, c.name ?? c.id])),
    pointsOutstanding: outstanding,
    pointValueHundredthsOfCent: 100,
    tierOrder: (shop.program.tiers ?? []).map((t) => t.id),
    ...(shop.value === undefined ? {} : { value: valueInput(shop.value, transactions) }),
  })
}

/** The value section's input: the shop's snapshot, and who the VIP win-back reached today. */
const valueInput = (value: NonNullable<DemoShop['value']>, transactions: readonly ReportTransaction[]) => {
  const rankOf = new Map(value.ranks.map((r) => [r.memberId, r]))
  return {
    until: value.until,
    bgnbd: value.bgnbd,
    gammaGamma: value.gammaGamma,
    members: value.values.map((v) => {
      const rank = rankOf.get(v.memberId)
      return {
        memberId: v.memberId,
        frequency: v.frequency,
        recency: v.recency,
        T: v.T,
        pAlive: v.pAlive,
        clv: v.clv ?? 0,
        rank: rank?.rank ?? 0,
        valuableButSlipping: rank !== undefined && isValuableButSlipping(rank),
      }
    }),
    reachedToday: [
      ...new Set(
        transactions.flatMap((t) =>
          t.memberId !== undefined && t.couponsIssued.some((c) => c.campaignId === 'winback-valuable')
            ? [t.memberId]
            : [],
        ),
      ),
    ],
  }
}
