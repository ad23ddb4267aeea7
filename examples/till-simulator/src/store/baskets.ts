import type { Basket, BasketLine, IsoDateTime, LocalDate, MinorUnits, Sku } from '@tessera/core'
import { type Catalog, type Product, scaleLabel } from './catalog.js'
import type { Member } from './members.js'
import { parisTime } from './members.js'
import { type Rng, seededRng } from './prng.js'

/**
 * A simulated trading day: realistic baskets drawn from the catalog at 3 tills, spread over the
 * opening hours (with the lunch rush and the 18:00–20:00 happy hour), identified and anonymous
 * customers, coupons issued on earlier days redeemed today, a few tampered codes, and returns.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** A sale: the basket as the till sends it, with the barcodes as scanned and the tender. @category store */
export interface DaySale {
  readonly kind: 'sale'
  readonly basket: Basket
  /** The barcode of each line as scanned (weighed goods carry their weight or price). */
  readonly scans: readonly string[]
  readonly memberId?: string
  readonly tender: 'cash' | 'card'
}

/** A return at the service desk of units of an earlier sale of the day. @category store */
export interface DayReturn {
  readonly kind: 'return'
  readonly id: string
  readonly terminalId: string
  readonly at: IsoDateTime
  /** The basket id of the sale being returned. */
  readonly of: string
  readonly lines: readonly { readonly lineId: string; readonly quantity: number }[]
}

/** One event of the trading day. @category store */
export type DayTransaction = DaySale | DayReturn

/** A checkout coupon issued on an earlier day, which its holder may bring back today. @category store */
export interface IssuedCoupon {
  readonly code: string
  /** The card it was issued to (personal coupons); absent for bearer coupons. */
  readonly card?: string
  /** Products the coupon is for: the holder puts one of them in the basket when redeeming it. */
  readonly skus?: readonly string[]
}

/** Options of {@link generateTradingDay}. @category store */
export interface TradingDayOptions {
  readonly catalog: Catalog
  readonly members: readonly Member[]
  readonly day: LocalDate
  /** Number of sales (returns come on top). Default 2,100. */
  readonly sales?: number
  readonly seed?: number | string
  /** Share of sales with a loyalty card. Default 0.65. */
  readonly identifiedShare?: number
  /** Share of sales that get a return later in the day. Default 0.012. */
  readonly returnShare?: number
  /** Coupons from earlier days; each is brought back with probability `redeemShare`. */
  readonly issuedCoupons?: readonly IssuedCoupon[]
  /** Default 0.35. */
  readonly redeemShare?: number
  /** How many sales present a tampered copy of a coupon code. Default 6. */
  readonly tamperedCodes?: number
  readonly storeId?: string
}

// ── constructors ─────────────────────────────────────────────────────────────────────────────────

const TILLS = ['01', '02', '03'] as const

/** Customers per hour at a mid-size supermarket, 8:00 to 21:00. */
const TRAFFIC: readonly (readonly [number, number])[] = [
  [8, 4],
  [9, 6],
  [10, 8],
  [11, 10],
  [12, 12],
  [13, 8],
  [14, 5],
  [15, 5],
  [16, 7],
  [17, 11],
  [18, 13],
  [19, 10],
  [20, 5],
]

/** Shelves a shopper visits, with their popularity. */
const SHELF_WEIGHTS: readonly (readonly [string, number])[] = [
  ['fresh/fruit', 10],
  ['fresh/vegetables', 10],
  ['fresh/cheese', 4],
  ['fresh/meat', 5],
  ['fresh/bakery', 9],
  ['fresh/sandwiches', 2],
  ['dairy/yogurt', 8],
  ['dairy/milk', 7],
  ['dairy/butter', 4],
  ['grocery/spreads', 3],
  ['grocery/pasta', 5],
  ['grocery/sauces', 3],
  ['grocery/breakfast', 3],
  ['grocery/coffee', 4],
  ['grocery/tea', 2],
  ['snacks/chips', 3],
  ['snacks/biscuits', 4],
  ['snacks/chocolate', 4],
  ['drinks/water', 6],
  ['drinks/soda', 4],
  ['drinks/juice', 3],
  ['wine/red', 3],
  ['wine/white', 2],
  ['wine/sparkling', 1],
  ['beer', 3],
  ['frozen/pizza', 3],
  ['frozen/icecream', 2],
  ['household/cleaning', 3],
  ['household/paper', 3],
  ['hygiene/haircare', 2],
  ['hygiene/dental', 2],
  ['baby/diapers', 1],
  ['pets/dog', 1],
  ['pets/cat', 1],
  ['tobacco', 1],
  ['gift-cards', 0.2],
]

/** Changes one character of a code, as a forger or a smudge would: the code's check fails. @category store */
export const tamperCode = (code: string, rng: Rng): string => {
  const positions = [...code].flatMap((ch, i) => (/[A-Z0-9]/i.test(ch) ? [i] : []))
  if (positions.length === 0) return `${code}X`
  const at = rng.pick(positions)
  const original = code[at] as string
  const alphabet = /\d/.test(original) ? '0123456789' : 'ABCDEFGHJKMNPQRSTVWXYZ'
  let replacement = original
  while (replacement.toUpperCase() === original.toUpperCase()) replacement = rng.pick([...alphabet])
  return `${code.slice(0, at)}${replacement}${code.slice(at + 1)}`
}

const shelfIndex = (catalog: Catalog): Map<string, Product[]> => {
  const index = new Map<string, Product[]>()
  for (const p of catalog.products) {
    const shelf = p.categories[p.categories.length - 1] as string
    const list = index.get(shelf) ?? []
    list.push(p)
    index.set(shelf, list)
  }
  return index
}

interface LineDraft {
  readonly product: Product
  quantity: number
  amount: number
  readonly scan: string
}

/** Draws one basket's lines for a shopper, around a target spend in cents. */
const drawLines = (
  rng: Rng,
  shelves: Map<string, Product[]>,
  target: number,
  minute: number,
  member: Member | undefined,
): LineDraft[] => {
  const weights = SHELF_WEIGHTS.map(([shelf, w]): readonly [string, number] => {
    let weight = w
    const segments = member?.segments ?? []
    if (shelf.startsWith('wine') && segments.includes('wine-lovers')) weight *= 4
    if ((shelf === 'baby/diapers' || shelf === 'dairy/yogurt') && segments.includes('young-families')) weight *= 3
    if (shelf === 'pets/dog' && member?.attributes.pets === 'dog') weight *= 8
    if (shelf === 'pets/cat' && member?.attributes.pets === 'cat') weight *= 8
    if (shelf === 'fresh/bakery' && minute >= 18 * 60 && minute < 20 * 60) weight *= 2.5
    if (shelf === 'fresh/sandwiches' && minute >= 11 * 60 && minute < 15 * 60) weight *= 5
    return [shelf, weight]
  })
  const lines: LineDraft[] = []
  let spent = 0
  // A lunch shopper sometimes builds a meal deal on purpose.
  if (minute >= 11 * 60 && minute < 15 * 60 && rng.chance(0.12)) {
    for (const shelf of ['fresh/sandwiches', 'drinks/soda', 'snacks/chips']) {
      const product = rng.pick(shelves.get(shelf) ?? [])
      lines.push({ product, quantity: 1, amount: product.unitPrice, scan: product.sku })
      spent += product.unitPrice
    }
  }
  while (spent < target && lines.length < 45) {
    const shelf = rng.weighted(weights)
    const product = rng.pick(shelves.get(shelf) ?? [])
    if (product.unit === 'kg') {
      const grams =
        shelf === 'fresh/cheese' ? rng.int(150, 650) : shelf === 'fresh/meat' ? rng.int(250, 1400) : rng.int(180, 2200)
      const label = scaleLabel(product, grams)
      const quantity =
        product.barcode === 'weight' ? grams / 1000 : Math.round((label.amount * 1000) / product.unitPrice) / 1000
      lines.push({ product, quantity, amount: label.amount, scan: label.barcode })
      spent += label.amount
      continue
    }
    const existing = lines.find((l) => l.product.sku === product.sku)
    // Multi-buys are common on yogurts and pasta (the promotions), rarer elsewhere.
    const promo = shelf === 'dairy/yogurt' || shelf === 'grocery/pasta'
    const quantity = rng.weighted<number>(
      promo
        ? [
            [1, 4],
            [2, 3],
            [3, 3],
          ]
        : [
            [1, 12],
            [2, 3],
            [3, 1],
          ],
    )
    if (existing !== undefined && existing.product.unit === 'each') {
      existing.quantity += quantity
      existing.amount += quantity * product.unitPrice
    } else {
      lines.push({ product, quantity, amount: quantity * product.unitPrice, scan: product.sku })
    }
    spent += quantity * product.unitPrice
  }
  return lines
}

const toBasketLine = (draft: LineDraft, index: number): BasketLine => ({
  id: String(index + 1),
  sku: draft.product.sku as Sku,
  quantity: draft.quantity,
  ...(draft.product.unit === 'kg' ? { unit: 'kg' as const } : {}),
  unitPrice: draft.product.unitPrice as MinorUnits,
  amount: draft.amount as MinorUnits,
  categories: draft.product.categories,
  brand: draft.product.brand,
  tags: draft.product.tags,
  ...(draft.product.discountable ? {} : { discountable: false }),
  taxRate: draft.product.taxRate,
})

/**
 * Generates a trading day: sales in time order at 3 tills, then returns interleaved at their time.
 * Deterministic in the seed, the day and the inputs. Throws a `RangeError` on a sales count below 1
 * or a share outside [0, 1] (bugs in the caller).
 *
 * @example
 * const day = generateTradingDay({ catalog, members, day: '2026-11-26' as LocalDate })
 * day.filter((t) => t.kind === 'sale').length // 2100
 * @category store
 */
export const generateTradingDay = (options: TradingDayOptions): DayTransaction[] => {
  const rng = seededRng(options.seed ?? `tessera-day-${options.day}`)
  const shelves = shelfIndex(options.catalog)
  const sales = options.sales ?? 2100
  if (!Number.isSafeInteger(sales) || sales < 1) {
    throw new RangeError(`generateTradingDay: sales must be a whole number ≥ 1, got ${sales}`)
  }
  for (const [name, share] of [
    ['identifiedShare', options.identifiedShare],
    ['returnShare', options.returnShare],
    ['redeemShare', options.redeemShare],
  ] as const) {
    if (share !== undefined && !(share >= 0 && share <= 1)) {
      throw new RangeError(`generateTradingDay: ${name} must be between 0 and 1, got ${share}`)
    }
  }
  const storeId = options.storeId ?? '0042'
  const identifiedShare = options.identifiedShare ?? 0.65
  // Regulars come more often than occasional or lapsed members.
  const memberWeights = options.members.map((m): readonly [Member, number] => {
    const recent = m.visits.filter((v) => Date.parse(v.at) >= Date.parse(`${options.day}T00:00:00Z`) - 90 * 86_400_000)
    return [m, recent.length + (m.archetype === 'lapsed' ? 0.15 : 0.5)]
  })
  const byCard = new Map(options.members.map((m) => [m.card, m]))
  const minutes = Array.from({ length: sales }, () => {
    const hour = rng.weighted(TRAFFIC.map(([h, w]) => [h, w] as const))
    return hour * 60 + rng.int(0, 59) + rng.int(0, 59) / 60
  }).sort((a, b) => a - b)

  // Which coupons come back today, and to which of the day's sales they are attached.
  const coupons = (options.issuedCoupons ?? []).filter(() => rng.chance(options.redeemShare ?? 0.35))
  const sequences = new Map<string, number>(TILLS.map((t) => [t, 0]))
  const drafts: { minute: number; till: string; member?: Member; lines: LineDraft[]; codes: string[] }[] = []
  for (const minute of minutes) {
    const till = rng.pick(TILLS)
    const member = memberWeights.length > 0 && rng.chance(identifiedShare) ? rng.weighted(memberWeights) : undefined
    const target = member
      ? Math.round(2600 * Math.exp(rng.normal(0.2, 0.6)))
      : Math.round(1400 * Math.exp(rng.normal(0, 0.7)))
    const lines = drawLines(rng, shelves, Math.max(200, target), minute, member)
    drafts.push({ minute, till, ...(member ? { member } : {}), lines, codes: [] })
  }
  for (const coupon of coupons) {
    const holder = coupon.card !== undefined ? byCard.get(coupon.card) : undefined
    // A sale that brings no other coupon, so that a holder's card is never replaced by another's.
    let draft = rng.pick(drafts)
    for (let tries = 0; draft.codes.length > 0 && tries < 50; tries++) draft = rng.pick(drafts)
    if (draft.codes.length > 0) continue
    if (holder !== undefined) draft.member = holder
    draft.codes.push(coupon.code)
    const wanted = (coupon.skus ?? []).flatMap((sku) => {
      const product = options.catalog.bySku.get(sku)
      return product !== undefined && product.unit === 'each' ? [product] : []
    })
    if (wanted.length > 0 && !draft.lines.some((l) => coupon.skus?.includes(l.product.sku))) {
      const product = rng.pick(wanted)
      draft.lines.push({ product, quantity: 1, amount: product.unitPrice, scan: product.sku })
    }
  }
  const realCodes = (options.issuedCoupons ?? []).map((c) => c.code)
  for (let i = 0; i < (options.tamperedCodes ?? 6); i++) {
    const base = realCodes.length > 0 ? rng.pick(realCodes) : 'SAUCE-7KQ2-X9PD'
    rng.pick(drafts).codes.push(tamperCode(base, rng))
  }

  const out: DayTransaction[] = []
  for (const draft of drafts) {
    const seq = (sequences.get(draft.till) ?? 0) + 1
    sequences.set(draft.till, seq)
    const basket: Basket = {
      id: `T-${storeId}-${draft.till}-${String(seq).padStart(6, '0')}`,
      storeId,
      terminalId: draft.till,
      channel: 'store',
      currency: 'EUR' as Basket['currency'],
      pricesIncludeTax: true,
      at: parisTime(options.day, draft.minute),
      ...(draft.member ? { card: draft.member.card } : {}),
      ...(draft.codes.length > 0 ? { codes: draft.codes } : {}),
      lines: draft.lines.map(toBasketLine),
    }
    out.push({
      kind: 'sale',
      basket,
      scans: draft.lines.map((l) => l.scan),
      ...(draft.member ? { memberId: draft.member.memberId } : {}),
      tender: rng.chance(0.78) ? 'card' : 'cash',
    })
  }
  // Returns: a unit or a whole line of a sale at least 30 minutes earlier, at the service desk.
  const returnCount = Math.round(sales * (options.returnShare ?? 0.012))
  const saleList = out.filter((t): t is DaySale => t.kind === 'sale')
  const returned = new Set<string>()
  for (let i = 0; i < returnCount; i++) {
    const sale = rng.pick(saleList.slice(0, Math.max(1, Math.floor(saleList.length * 0.8))))
    if (returned.has(sale.basket.id)) continue
    returned.add(sale.basket.id)
    const line = rng.pick(sale.basket.lines)
    const quantity = line.unit === 'kg' || line.quantity === 1 ? line.quantity : rng.int(1, line.quantity)
    const at = Date.parse(sale.basket.at) + rng.int(30, 240) * 60_000
    const closing = Date.parse(parisTime(options.day, 21 * 60))
    const minute = (Math.min(at, closing - 60_000) - Date.parse(parisTime(options.day, 0))) / 60_000
    out.push({
      kind: 'return',
      id: `R-${storeId}-01-${String(i + 1).padStart(6, '0')}`,
      terminalId: '01',
      at: parisTime(options.day, minute),
      of: sale.basket.id,
      lines: [{ lineId: line.id, quantity }],
    })
  }
  const atOf = (t: DayTransaction): number => Date.parse(t.kind === 'sale' ? t.basket.at : t.at)
  return out.sort((a, b) => atOf(a) - atOf(b))
}
