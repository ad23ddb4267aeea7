import {
  type Basket,
  type CheckoutError,
  type Customer,
  type LocalDate,
  type Receipt,
  type ReturnReceipt,
  type ReturnRequest,
  redeemReward,
  type Tender,
  verifyCoupon,
} from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { type DemoShop, previousDay } from '../shop/shop.js'
import { type DaySale, type DayTransaction, generateTradingDay, type IssuedCoupon } from '../store/baskets.js'
import type { Json, JsonObject } from '../store/campaigns.js'
import type { Catalog, Product } from '../store/catalog.js'
import { seededRng } from '../store/prng.js'

/**
 * The demo's trading day, driven through the checkout on the shop's SQLite store: every sale is a
 * session (open → identify → lines → codes → price → close), every return goes through
 * `checkout.return`. The coupons brought back today were issued by real closes on the evening
 * before; some members pay part of a basket with a points voucher (`redeemReward`); a few codes are
 * refused (tampered, another member's, already redeemed, unknown), with their reason.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link runDemoDay}. @category demo */
export interface DemoDayOptions {
  /** Sales today (default 2,100; returns come on top). */
  readonly sales?: number
  /** Sales closed on the evening before, which issue the coupons brought back today (default 400). */
  readonly previousDaySales?: number
  readonly seed?: string
  /** Called after each transaction (for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void
}

/** A code the till refused, and why: by its signature (offline) or by the checkout. @category demo */
export interface Refusal {
  readonly transactionId: string
  readonly code: string
  readonly reason: string
  readonly by: 'signature' | 'checkout'
}

/** A points voucher bought with `redeemReward` and used as a tender. @category demo */
export interface RewardUse {
  readonly transactionId: string
  readonly key: string
  readonly rewardId: string
  readonly points: number
  readonly amount: number
}

/** What the demo day did; the figures themselves are read back from the stores. @category demo */
export interface DemoDay {
  readonly day: LocalDate
  readonly previousDay: { readonly closes: readonly string[]; readonly couponsIssued: number }
  readonly transactions: readonly DayTransaction[]
  /** Today's closed sales, in order. */
  readonly closes: readonly string[]
  /** Today's returns: the return id and the sale it returns. */
  readonly returns: readonly { readonly returnId: string; readonly transactionId: string }[]
  readonly refusals: readonly Refusal[]
  readonly rewards: readonly RewardUse[]
  /** Transactions the checkout refused to book (none expected). */
  readonly failures: readonly { readonly id: string; readonly message: string }[]
  /** Every booked sale and return of both days, in order: the lines of `history.jsonl` for `tessera simulate`. */
  readonly history: readonly HistoryLine[]
  /** Every booked sale and return of both days, in order, as the till closed them: what its POSLog says. */
  readonly booked: readonly BookedTransaction[]
}

/**
 * A transaction the till booked, as its POSLog writes it: a sale (the basket as closed, accepted
 * codes and the card included; its receipt; the points voucher bought for it), or a return (the
 * request and its receipt).
 * @category demo
 */
export type BookedTransaction =
  | {
      readonly kind: 'sale'
      readonly day: LocalDate
      readonly basket: Basket
      readonly receipt: Receipt
      readonly reward?: RewardUse
    }
  | {
      readonly kind: 'return'
      readonly day: LocalDate
      readonly terminalId: string
      readonly request: ReturnRequest
      readonly receipt: ReturnReceipt
    }

/**
 * A line of `history.jsonl`: a sale as the checkout priced it (the basket, the accepted codes with
 * their pools, the customer as the store knew them, what it booked), or a return.
 * @category demo
 */
export type HistoryLine =
  | {
      readonly basket: Basket
      readonly codes: readonly { readonly code: string; readonly pool: string }[]
      readonly customer?: Customer
      readonly booked: {
        readonly total: number
        readonly discount: number
        readonly points: number
        readonly coupons: number
      }
    }
  | {
      readonly return: {
        readonly id: string
        readonly of: string
        readonly at: string
        readonly full: boolean
        readonly refund: number
      }
    }

/** Why the day could not run. @category demo */
export interface DemoDayError {
  readonly _tag: 'DemoDayError'
  readonly message: string
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

const dayError = (message: string): DemoDayError => ({ _tag: 'DemoDayError', message })

/** Whether a product matches a wire-contract selector (sku, category and children, brand, tag, all/any/not, "*"). */
const matches = (selector: Json, product: Product): boolean => {
  if (selector === '*') return true
  if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) return false
  const s = selector as { readonly [k: string]: Json }
  const list = (k: string) => (Array.isArray(s[k]) ? (s[k] as readonly string[]) : undefined)
  const skus = list('sku')
  if (skus) return skus.includes(product.sku)
  const categories = list('category')
  if (categories) return categories.some((c) => product.categories.includes(c))
  const brands = list('brand')
  if (brands) return brands.includes(product.brand)
  const tags = list('tag')
  if (tags) return tags.some((t) => product.tags.includes(t))
  if (Array.isArray(s.all)) return (s.all as readonly Json[]).every((x) => matches(x, product))
  if (Array.isArray(s.any)) return (s.any as readonly Json[]).some((x) => matches(x, product))
  if (s.not !== undefined) return !matches(s.not as Json, product)
  return false
}

/** The products a coupon template rewards (its reward's `of` selector): what its holder comes back for. @category demo */
export const productsOfTemplate = (template: JsonObject | undefined, catalog: Catalog): string[] => {
  const reward = template?.reward as { readonly [k: string]: { readonly of?: Json } } | undefined
  const of = reward === undefined ? undefined : Object.values(reward)[0]?.of
  if (of === undefined || of === 'basket') return []
  return catalog.products.filter((p) => matches(of, p)).map((p) => p.sku)
}

/**
 * A receipt number with its day: `T-0042-01-000007` on 2026-11-26 is `T-0042-01-20261126-000007`,
 * so that the numbers of two days never collide in the store.
 * @category demo
 */
export const withDay = (id: string, day: string): string =>
  id.replace(/^([TR])-(\d+)-(\d+)-/, `$1-$2-$3-${day.replaceAll('-', '')}-`)

/** What one sale did at the till. @category demo */
export interface SaleOutcome {
  /** The basket as the close took it: the accepted codes, the card when it was a member's. */
  readonly basket: Basket
  readonly receipt: Receipt
  readonly history: HistoryLine
  readonly refusals: readonly Refusal[]
  readonly reward?: RewardUse
}

/** The reason code of a checkout refusal of a code. */
const reasonOf = (e: CheckoutError): string =>
  e._tag === 'CodeRejected' ? e.reason : 'code' in e && typeof e.code === 'string' ? e.code : e._tag

/**
 * Runs one sale through a checkout session: identify (with the member's profile), the lines, each
 * code (a signed coupon is checked offline first, as a till does, then held by the checkout),
 * price, an optional points voucher, close.
 * @category demo
 */
export const runSale = async (
  shop: DemoShop,
  sale: DaySale,
  options: { readonly voucher?: boolean } = {},
): Promise<Either<CheckoutError | DemoDayError, SaleOutcome>> => {
  const basket: Basket = sale.basket
  const atMs = Date.parse(basket.at)
  shop.moveClock(atMs)
  const opened = await shop.checkout.open({
    transactionId: basket.id,
    storeId: basket.storeId,
    terminalId: basket.terminalId,
    currency: basket.currency,
    at: basket.at,
  })
  if (opened._tag === 'Left') return opened
  const session = opened.right
  const member = basket.card !== undefined ? shop.byCard.get(basket.card) : undefined
  if (member !== undefined) {
    const identified = session.identify(member.card)
    if (identified._tag === 'Left') return identified
  }
  const lines = session.setLines(basket.lines)
  if (lines._tag === 'Left') return lines
  const refusals: Refusal[] = []
  for (const code of basket.codes ?? []) {
    if (code.startsWith('TSR1.')) {
      const checked = verifyCoupon(code, shop.keyring, atMs, member?.card)
      if (checked._tag === 'Left') {
        refusals.push({ transactionId: basket.id, code, reason: checked.left.reason, by: 'signature' })
        continue
      }
    }
    const applied = await session.applyCode(code)
    if (applied._tag === 'Left')
      refusals.push({ transactionId: basket.id, code, reason: reasonOf(applied.left), by: 'checkout' })
  }
  const priced = await session.priced()
  if (priced._tag === 'Left') return priced
  const total = priced.right.evaluation.total
  let reward: RewardUse | undefined
  const tenders: Tender[] = []
  let due: number = total
  if (options.voucher === true && member !== undefined && total >= 1000) {
    const key = `${basket.id}/reward`
    const granted = await redeemReward(shop.loyalty, shop.program, {
      card: member.card,
      rewardId: 'voucher-5',
      key,
      at: atMs,
    })
    // Not enough points is an ordinary answer: the customer simply pays.
    if (granted._tag === 'Right' && granted.right.kind === 'voucher') {
      const reward0 = granted.right.reward
      const amount = 'amountOff' in reward0 ? Math.min(reward0.amountOff.amount, total) : 0
      reward = { transactionId: basket.id, key, rewardId: 'voucher-5', points: granted.right.points, amount }
      tenders.push({ type: 'voucher', amount })
      due -= amount
    }
  }
  if (due > 0 || tenders.length === 0) {
    tenders.push(
      sale.tender === 'cash'
        ? { type: 'cash', amount: Math.max(due, Math.ceil(due / 500) * 500) }
        : { type: 'card', amount: due },
    )
  }
  const closed = await session.close(tenders)
  if (closed._tag === 'Left') return closed
  if (member !== undefined) shop.recordPurchase(member.memberId, { at: basket.at, amount: closed.right.total })
  const who = priced.right.customer
  const closedBasket = session.basket()
  const { card: _card, codes: _codes, ...anonymous } = closedBasket
  const history: HistoryLine = {
    basket: who !== undefined && basket.card !== undefined ? { ...anonymous, card: basket.card } : anonymous,
    codes: priced.right.codes.flatMap((c) =>
      c.accepted && c.pool !== undefined ? [{ code: c.code, pool: c.pool }] : [],
    ),
    ...(who !== undefined ? { customer: who } : {}),
    booked: {
      total: closed.right.total,
      discount: closed.right.discountTotal,
      points: closed.right.points.earned,
      coupons: closed.right.coupons.length,
    },
  }
  return right({
    basket: closedBasket,
    receipt: closed.right,
    history,
    refusals,
    ...(reward !== undefined ? { reward } : {}),
  })
}

/**
 * Runs the demo day on an open shop: the evening before (real closes that issue coupons), then the
 * trading day at 3 tills with returns. Fails only if the store refuses to book something.
 * @category demo
 */
export const runDemoDay = async (
  shop: DemoShop,
  options: DemoDayOptions = {},
): Promise<Either<DemoDayError, DemoDay>> => {
  const sales = options.sales ?? 2100
  const previousSales = options.previousDaySales ?? 400
  if (!Number.isSafeInteger(sales) || sales < 1)
    return left(dayError(`sales: must be a whole number ≥ 1, got ${JSON.stringify(options.sales)}`))
  if (!Number.isSafeInteger(previousSales) || previousSales < 0)
    return left(
      dayError(`previousDaySales: must be a whole number ≥ 0, got ${JSON.stringify(options.previousDaySales)}`),
    )
  const seed = options.seed ?? 'tessera-demo'
  const rng = seededRng(`${seed}-demo-day-${shop.day}`)
  const failures: { id: string; message: string }[] = []
  const history: HistoryLine[] = []
  const booked: BookedTransaction[] = []
  const bookSale = (day: LocalDate, outcome: SaleOutcome) =>
    booked.push({
      kind: 'sale',
      day,
      basket: outcome.basket,
      receipt: outcome.receipt,
      ...(outcome.reward !== undefined ? { reward: outcome.reward } : {}),
    })

  // The evening before: identified shoppers whose closes issue cross-sell, conquest and win-back coupons.
  const eve = previousDay(shop.day)
  const before = generateTradingDay({
    catalog: shop.catalog,
    members: shop.members,
    day: eve,
    sales: Math.max(1, previousSales),
    seed: `${seed}-eve-${eve}`,
    identifiedShare: 0.9,
    returnShare: 0,
    tamperedCodes: 0,
    storeId: shop.storeId,
  })
    .filter((t): t is DaySale => t.kind === 'sale')
    // Receipt numbers carry the day, so the evening's never collide with today's.
    .map((t) => ({ ...t, basket: { ...t.basket, id: withDay(t.basket.id, eve) } }))
  const templateDocs = new Map(shop.campaignDocuments.map((d) => [String(d.id), d]))
  const issued: IssuedCoupon[] = []
  const previousCloses: string[] = []
  const total = (previousSales > 0 ? before.length : 0) + sales
  let done = 0
  for (const sale of previousSales > 0 ? before : []) {
    const r = await runSale(shop, sale)
    done += 1
    options.onProgress?.(done, total)
    if (r._tag === 'Left') {
      failures.push({ id: sale.basket.id, message: r.left.message })
      continue
    }
    previousCloses.push(sale.basket.id)
    history.push(r.right.history)
    bookSale(eve, r.right)
    for (const c of r.right.receipt.coupons) {
      issued.push({
        code: c.code,
        ...(c.card !== undefined ? { card: c.card } : {}),
        skus: productsOfTemplate(templateDocs.get(c.template), shop.catalog),
      })
    }
  }

  const generated = generateTradingDay({
    catalog: shop.catalog,
    members: shop.members,
    day: shop.day,
    sales,
    seed: `${seed}-day-${shop.day}`,
    issuedCoupons: issued,
    storeId: shop.storeId,
  })
  const transactions = generated.map(
    (t): DayTransaction =>
      t.kind === 'sale'
        ? { ...t, basket: { ...t.basket, id: withDay(t.basket.id, shop.day) } }
        : { ...t, id: withDay(t.id, shop.day), of: withDay(t.of, shop.day) },
  )
  // A few more refusals a real day sees: another member's coupon, and an unknown typed code.
  const saleIndexes = transactions.flatMap((t, i) => (t.kind === 'sale' ? [i] : []))
  for (let k = 0; k < 2 && issued.length > 0 && saleIndexes.length > 0; k++) {
    const i = rng.pick(saleIndexes)
    const t = transactions[i] as DaySale
    const coupon = rng.pick(issued)
    if (coupon.card !== undefined && coupon.card === t.basket.card) continue
    transactions[i] = { ...t, basket: { ...t.basket, codes: [...(t.basket.codes ?? []), coupon.code] } }
  }
  if (saleIndexes.length > 0) {
    const i = rng.pick(saleIndexes)
    const t = transactions[i] as DaySale
    transactions[i] = { ...t, basket: { ...t.basket, codes: [...(t.basket.codes ?? []), 'XMAS-7KQ2-X9PD'] } }
  }

  const closes: string[] = []
  const returns: { returnId: string; transactionId: string }[] = []
  const refusals: Refusal[] = []
  const rewards: RewardUse[] = []
  // A coupon redeemed today is presented again later by its holder: the checkout says ALREADY_REDEEMED.
  const replays: { code: string; card: string; after: number }[] = []
  let replayed = 0
  for (const [i, t] of transactions.entries()) {
    if (t.kind === 'return') {
      shop.moveClock(Date.parse(t.at))
      const request: ReturnRequest = { returnId: t.id, transactionId: t.of, at: t.at, lines: t.lines }
      const back = await shop.checkout.return(request)
      if (back._tag === 'Left') failures.push({ id: t.id, message: back.left.message })
      else {
        returns.push({ returnId: t.id, transactionId: t.of })
        booked.push({ kind: 'return', day: shop.day, terminalId: t.terminalId, request, receipt: back.right })
        history.push({ return: { id: t.id, of: t.of, at: t.at, full: back.right.full, refund: back.right.refund } })
      }
    } else {
      let sale = t
      const replay = replays[0]
      if (replay !== undefined && i >= replay.after && sale.basket.codes === undefined) {
        replays.shift()
        const holder = shop.byCard.get(replay.card)
        sale = {
          ...sale,
          basket: { ...sale.basket, card: replay.card, codes: [replay.code] },
          ...(holder ? { memberId: holder.memberId } : {}),
        }
      }
      const voucher = sale.basket.card !== undefined && rng.chance(0.03)
      const r = await runSale(shop, sale, { voucher })
      if (r._tag === 'Left') failures.push({ id: sale.basket.id, message: r.left.message })
      else {
        closes.push(sale.basket.id)
        history.push(r.right.history)
        bookSale(shop.day, r.right)
        refusals.push(...r.right.refusals)
        if (r.right.reward !== undefined) rewards.push(r.right.reward)
        const notUsed = new Set(
          r.right.receipt.notes.filter((n) => n.reason.code === 'CODE_NOT_USED').map((n) => n.campaignId),
        )
        if (replayed < 2 && sale.basket.card !== undefined && notUsed.size === 0) {
          const accepted = (sale.basket.codes ?? []).filter(
            (c) => c.startsWith('TSR1.') && !r.right.refusals.some((x) => x.code === c),
          )
          for (const code of accepted.slice(0, 1)) {
            replays.push({ code, card: sale.basket.card, after: i + 25 })
            replayed += 1
          }
        }
      }
    }
    done += 1
    options.onProgress?.(done, total)
  }
  return right({
    day: shop.day,
    previousDay: { closes: previousCloses, couponsIssued: issued.length },
    transactions,
    closes,
    returns,
    refusals,
    rewards,
    failures,
    history,
    booked,
  })
}
