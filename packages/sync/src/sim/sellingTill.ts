import type { Basket, BasketLine, LoyaltyHost, Sku } from '@tessera/core'
import type { SqliteStores } from '@tessera/store-sqlite'
import type { FactsClient, LastKnown } from '../online/facts.js'
import { withSaleContext } from '../till/outbox.js'

/** The simulation's fixed sale time (every sale at the same instant keeps the ledger's order simple). */
export const SIM_AT = '2026-11-26T10:15:00+01:00'

/** A deterministic random source (mulberry32), so a run can be replayed from its seed. */
export const seeded = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** What one simulated till sells with. */
export interface SellingTill {
  readonly tillId: string
  readonly host: LoyaltyHost
  readonly stores: SqliteStores
  readonly facts: FactsClient
  readonly lastKnown: LastKnown
  readonly cards: readonly string[]
  readonly accountOf: (card: string) => string
  readonly codes: readonly string[]
  readonly budgetCampaign: string
  readonly random: () => number
}

/** What a till did in one sale (for the progress lines). */
export interface SaleReport {
  readonly offline: boolean
  readonly code: 'none' | 'used' | 'refused-online' | 'refused-locally'
  readonly redeemed: boolean
}

const sku = (n: number) => `SKU-${n}` as Sku

/**
 * One transaction at a till: maybe an online budget check, a basket of 1-3 lines for a member, maybe
 * a single-use code (claimed at the head office when it answers, else taken on the till's own
 * knowledge), then the close; sometimes a reward bought with points (claimed online, else judged
 * on the till's ledger), a return of an earlier sale's unit, a voided sale or an enrolment.
 */
export const sellOne = async (till: SellingTill, n: number): Promise<SaleReport> => {
  const r = till.random
  const { tillId, host, facts } = till
  const transactionId = `${tillId}-S-${n}`
  let offline = false

  const budget = await facts.ask({ op: 'budget', campaignId: till.budgetCampaign })
  if (budget.online && 'discountSpent' in budget.answer) {
    await till.lastKnown.raiseCampaignSpend(till.budgetCampaign, budget.answer.discountSpent, budget.answer.pointsSpent)
  } else offline = true

  const card = till.cards[Math.floor(r() * till.cards.length)] as string
  const lines: BasketLine[] = []
  const count = 1 + Math.floor(r() * 3)
  for (let i = 1; i <= count; i++) {
    const quantity = 2 + Math.floor(r() * 3)
    const unitPrice = 100 + Math.floor(r() * 900)
    lines.push({
      id: String(i),
      sku: sku(Math.floor(r() * 50)),
      quantity,
      unitPrice,
      amount: quantity * unitPrice,
      categories: ['grocery'],
    } as unknown as BasketLine)
  }
  let code: string | undefined
  let codeState: SaleReport['code'] = 'none'
  if (r() < 0.15) {
    const wanted = till.codes[Math.floor(r() * till.codes.length)] as string
    const claim = await facts.ask({ op: 'claimCode', code: wanted, till: tillId, transactionId })
    if (!claim.online) {
      offline = true
      code = wanted
    } else if (claim.answer.ok) code = wanted
    else codeState = 'refused-online'
  }
  const basket = (codes: readonly string[]): Basket =>
    ({
      id: transactionId,
      storeId: '0001',
      terminalId: tillId,
      channel: 'store',
      currency: 'EUR',
      pricesIncludeTax: true,
      at: SIM_AT,
      card,
      codes,
      lines,
    }) as unknown as Basket
  const sale = { offline }
  let closed = await withSaleContext(sale, () =>
    host.close({ basket: basket(code === undefined ? [] : [code]), tenders: [] }),
  )
  if (closed._tag === 'Left' && code !== undefined) {
    // The till's own store knows the code as redeemed here already: the cashier removes it.
    codeState = 'refused-locally'
    code = undefined
    closed = await withSaleContext(sale, () => host.close({ basket: basket([]), tenders: [] }))
  }
  if (closed._tag === 'Left') throw new Error(`${transactionId}: ${closed.left._tag}: ${closed.left.message}`)
  if (code !== undefined) codeState = 'used'

  let redeemed = false
  if (r() < 0.12) {
    const key = `${tillId}-RW-${n}`
    const claim = await facts.ask({ op: 'claimPoints', accountId: till.accountOf(card), points: 50, key })
    const allowed = !claim.online || claim.answer.ok
    if (allowed) {
      const done = await withSaleContext({ offline: !claim.online }, () =>
        host.redeemReward({ card, rewardId: 'voucher-5', key, at: Date.parse(SIM_AT) }),
      )
      redeemed = done._tag === 'Right'
    }
  }
  if (n > 1 && r() < 0.04) {
    const earlier = 1 + Math.floor(r() * (n - 1))
    await withSaleContext(sale, () =>
      host.return({
        returnId: `${tillId}-R-${n}`,
        transactionId: `${tillId}-S-${earlier}`,
        at: SIM_AT,
        lines: [{ lineId: '1', quantity: 1 }],
      }),
    )
  }
  if (r() < 0.02) {
    const opened = await host.open({
      transactionId: `${tillId}-V-${n}`,
      storeId: '0001',
      terminalId: tillId,
      currency: 'EUR',
      at: SIM_AT,
    } as Parameters<LoyaltyHost['open']>[0])
    if (opened._tag === 'Right') await withSaleContext(sale, () => opened.right.void())
  }
  if (r() < 0.01) {
    await withSaleContext(sale, () => host.enrol({ key: `${tillId}-new-${n}`, at: Date.parse(SIM_AT) }))
  }
  return { offline, code: codeState, redeemed }
}
