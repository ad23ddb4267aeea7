/**
 * The engine benchmark workload of DESIGN §8, generated from a seed so every run (and every machine)
 * sees the same catalogue, campaigns, baskets and customers.
 *
 * - 5,000 SKUs in 50 categories. Baskets only ever hold SKUs of the "basket pool" (the first 4,000);
 *   the last 1,000 are the "cold" SKUs the 9,000 scaling campaigns are written on.
 * - 1,000 campaigns: 40 % "≥ 2 of a SKU, 20 % off", 30 % "≥ 20 € in a category, 3 € off",
 *   20 % "gold tier and ≥ 50 € basket, 5 % off", 10 % "weekend and the SKU, 1 € off".
 * - 40-line baskets: SKUs drawn half from 500 popular SKUs and half from the whole pool (the way real
 *   baskets skew), about a third of the lines with quantity 2 or 3, dates spread over two weeks so
 *   weekdays and weekends both occur; customers a mix of gold, silver, plain members and anonymous.
 */

/** A tiny seeded PRNG (mulberry32): deterministic, no Math.random. Returns floats in [0, 1). */
export const mulberry32 = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A random source with the few draws the generator needs. */
export interface Rng {
  readonly next: () => number
  readonly int: (lo: number, hiInclusive: number) => number
  readonly pick: <A>(xs: readonly A[]) => A
}

export const rng = (seed: number): Rng => {
  const next = mulberry32(seed)
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1))
  return { next, int, pick: (xs) => xs[int(0, xs.length - 1)]! }
}

export const SKU_COUNT = 5_000
export const CATEGORY_COUNT = 50
/** Baskets only hold SKUs with an index below this. */
export const BASKET_POOL = 4_000
const POPULAR = 500

export interface Product {
  readonly sku: string
  readonly category: string
  readonly unitPrice: number
}

const skuOf = (i: number) => `SKU${String(i).padStart(5, '0')}`
const categoryOf = (i: number) => `cat${String(i % CATEGORY_COUNT).padStart(2, '0')}`

/**
 * The catalogue: 5,000 SKUs, SKU i in category i mod 50. Grocery-like prices: 85 % between 0.49 € and
 * 4.99 €, 15 % between 5 € and 19.99 €, so a 40-line basket comes to about 250 €.
 */
export const catalogue = (r: Rng): readonly Product[] =>
  Array.from({ length: SKU_COUNT }, (_, i) => ({
    sku: skuOf(i),
    category: categoryOf(i),
    unitPrice: r.next() < 0.85 ? r.int(49, 499) : r.int(500, 1999),
  }))

/** A SKU index of the basket pool, skewed towards the popular ones. */
const poolIndex = (r: Rng) => (r.next() < 0.5 ? r.int(0, POPULAR - 1) : r.int(0, BASKET_POOL - 1))

const VALIDITY = { from: '2026-01-01T00:00:00+01:00', until: '2027-01-01T00:00:00+01:00', timeZone: 'Europe/Paris' }

/** The four kinds of campaign of the §8 workload, with the counts for `n` campaigns. */
export const CAMPAIGN_MIX = { skuPercent: 0.4, categoryAmount: 0.3, goldPercent: 0.2, weekendSku: 0.1 } as const

/** A "≥ 2 of the SKU, 20 % off" campaign. */
export const skuPercentCampaign = (id: string, sku: string) => ({
  id,
  name: `2+ of ${sku}: 20 % off`,
  status: 'active',
  validity: VALIDITY,
  trigger: { quantity: { of: { sku: [sku] }, atLeast: 2 } },
  reward: { percentOff: { of: { sku: [sku] }, percent: 20 } },
  labels: { receipt: `${sku} -20%` },
})

/**
 * The 1,000 (or `n`) campaigns of the workload, as wire JSON (the engine decodes them like any
 * campaign file).
 */
export const campaigns = (r: Rng, n = 1_000): unknown[] => {
  const out: unknown[] = []
  const nSku = Math.round(n * CAMPAIGN_MIX.skuPercent)
  const nCategory = Math.round(n * CAMPAIGN_MIX.categoryAmount)
  const nGold = Math.round(n * CAMPAIGN_MIX.goldPercent)
  const nWeekend = n - nSku - nCategory - nGold
  for (let i = 0; i < nSku; i++) out.push(skuPercentCampaign(`sku-20-${i}`, skuOf(poolIndex(r))))
  for (let i = 0; i < nCategory; i++) {
    const category = categoryOf(i)
    out.push({
      id: `cat-300-${i}`,
      name: `20 € in ${category}: 3 € off`,
      status: 'active',
      validity: VALIDITY,
      trigger: { spend: { of: { category: [category] }, atLeast: 2000 } },
      reward: { amountOff: { of: { category: [category] }, amount: 300 } },
      labels: { receipt: `${category} -3€`, nudge: `Spend 20 € in ${category} for 3 € off` },
    })
  }
  for (let i = 0; i < nGold; i++) {
    out.push({
      id: `gold-5-${i}`,
      name: 'Gold members, 50 € basket: 5 % off',
      status: 'active',
      validity: VALIDITY,
      eligibility: { customer: { tier: { in: ['gold'] } } },
      trigger: { spend: { atLeast: 5000 } },
      reward: { percentOff: { of: '*', percent: 5 } },
      labels: { receipt: 'Gold -5%' },
    })
  }
  for (let i = 0; i < nWeekend; i++) {
    const sku = skuOf(poolIndex(r))
    out.push({
      id: `weekend-100-${i}`,
      name: `Weekend: 1 € off ${sku}`,
      status: 'active',
      validity: { ...VALIDITY, daysOfWeek: ['sat', 'sun'] },
      trigger: { contains: { sku: [sku] } },
      reward: { amountOff: { of: { sku: [sku] }, amount: 100 } },
      labels: { receipt: `${sku} weekend -1€` },
    })
  }
  return out
}

/** `n` single-SKU "≥ 2 of a SKU, 20 % off" campaigns on SKUs no basket holds (the scaling run). */
export const coldCampaigns = (r: Rng, n = 9_000): unknown[] =>
  Array.from({ length: n }, (_, i) => skuPercentCampaign(`cold-sku-20-${i}`, skuOf(r.int(BASKET_POOL, SKU_COUNT - 1))))

export interface WorkloadBasket {
  readonly basket: unknown
  readonly customer: unknown | undefined
}

const pad2 = (n: number) => String(n).padStart(2, '0')

/** `count` baskets of `lines` lines each, with their customers (a third of them anonymous). */
export const baskets = (r: Rng, products: readonly Product[], count: number, lines = 40): WorkloadBasket[] =>
  Array.from({ length: count }, (_, b) => {
    const used = new Set<number>()
    const basketLines = []
    while (basketLines.length < lines) {
      const i = poolIndex(r)
      if (used.has(i)) continue
      used.add(i)
      const p = products[i]!
      const quantity = r.next() < 0.35 ? r.int(2, 3) : 1
      basketLines.push({
        id: String(basketLines.length + 1),
        sku: p.sku,
        quantity,
        unitPrice: p.unitPrice,
        amount: p.unitPrice * quantity,
        categories: [p.category],
      })
    }
    // 2026-11-16 is a Monday: days 16..29 cover two full weeks, weekends included.
    const at = `2026-11-${pad2(r.int(16, 29))}T${pad2(r.int(8, 20))}:${pad2(r.int(0, 59))}:00+01:00`
    const who = r.next()
    const card = `29${String(b).padStart(11, '0')}`
    const customer =
      who < 0.35 ? { card, tier: 'gold' } : who < 0.55 ? { card, tier: 'silver' } : who < 0.7 ? { card } : undefined
    return {
      basket: {
        id: `T-BENCH-${b}`,
        storeId: '0042',
        terminalId: '01',
        channel: 'store',
        currency: 'EUR',
        pricesIncludeTax: true,
        at,
        ...(customer === undefined ? {} : { card }),
        lines: basketLines,
      },
      customer,
    }
  })
