/**
 * A small model of how commercetools applies a cart's direct discounts (`setDirectDiscounts`), for
 * the tests: `@labdigital/commercetools-mock` stores direct discounts but never applies them, so
 * the totals of the `directDiscounts` strategy need this stand-in for the platform's calculation.
 * Written from commercetools' documentation, not from the adapter:
 *
 * - A line item discount works on **units**: each unit of a line carries its own discounted price
 *   (the line's `discountedPricePerQuantity`), in minor units of the currency (the money's
 *   `fractionDigits`, which must be the currency's: 2 for EUR and USD, 0 for JPY, 3 for KWD).
 * - An absolute value's `applicationMode` (Cart Discounts API, `DiscountApplicationMode`; default
 *   `ProportionateDistribution`), for the units that the target's predicate matches:
 *   - `ProportionateDistribution`: the amount is shared in proportion to the units' prices. The
 *     documented example (one unit at $16, two at $20, $15 off) gives $4.28 and $5.36 twice: each
 *     share is cut to the minor unit and the cents left go to the largest remainders, so the
 *     shares add up to the amount. Ties go to the earlier unit in the cart.
 *   - `EvenDistribution`: the amount divided by the number of units ($15 over 3 units: $5 each),
 *     the cents left shared the same way.
 *   - `IndividualApplication`: the amount off each unit (as a relative discount's percentage "is
 *     applied on each unit's price").
 *   A unit is never discounted below zero.
 * - Direct discounts apply in the order of the action's array, each on the prices the previous
 *   ones left.
 * - Tax after discount: a line's tax is computed on its discounted total, with the cart's
 *   `taxRoundingMode` (default `HalfEven`), per line (`taxCalculationMode` `LineItemLevel`, the
 *   default): `net × rate` when the rate excludes tax, `gross × rate / (1 + rate)` when it
 *   includes it. The mock computes taxes this way for external prices (checked in
 *   `platform.property.test.ts`), so the model's tax follows the mock where the mock computes.
 *
 * Only what the adapter writes is modelled: absolute values in centPrecision money and
 * `lineItems` targets with a `sku = "…"` or `product.id = "…"` predicate. Anything else throws, so
 * a new shape of the adapter's output fails the tests instead of passing unmodelled.
 */
import type { Cart } from '@commercetools/platform-sdk'
import { divRound } from '../src/money.js'

/** What the model needs of a cart's line item. */
export interface ModelLine {
  readonly sku?: string
  readonly productId: string
  /** The unit price in minor units of the currency (centPrecision). */
  readonly unitPrice: number
  readonly quantity: number
  /** An external tax rate (0.19), included in the price or not; absent: no tax. */
  readonly tax?: { readonly rate: number; readonly includedInPrice: boolean }
}

/** A direct discount as commercetools stores it (what the model reads of it). */
export interface ModelDiscount {
  readonly value: {
    readonly type: string
    readonly money?: readonly {
      readonly currencyCode: string
      readonly centAmount: number
      readonly fractionDigits?: number
    }[]
    readonly applicationMode?: string
  }
  readonly target?: { readonly type: string; readonly predicate?: string }
}

/** The model's cart after its direct discounts. */
export interface ModelResult {
  /** Per line: the discounted price of each unit, in minor units. */
  readonly units: readonly (readonly number[])[]
  /** Per line: its total after discounts. */
  readonly lineTotals: readonly number[]
  readonly total: number
  /** Per line: its tax on the discounted total (0 without a rate). */
  readonly taxes: readonly number[]
  /** The gross of the cart: the total, plus the taxes when the prices exclude them. */
  readonly totalGross: number
}

const EXPONENTS: Record<string, number> = { EUR: 2, USD: 2, JPY: 0, KWD: 3 }

/** The lines of a commercetools cart as the model reads them. */
export const modelLines = (cart: Cart): ModelLine[] =>
  cart.lineItems.map((l) => {
    if (l.price.value.type !== 'centPrecision') throw new Error('model: only centPrecision line prices')
    const rate = l.taxRate
    return {
      ...(l.variant.sku !== undefined ? { sku: l.variant.sku } : {}),
      productId: l.productId,
      unitPrice: (l.price.discounted?.value ?? l.price.value).centAmount,
      quantity: l.quantity,
      ...(rate !== undefined ? { tax: { rate: rate.amount, includedInPrice: rate.includedInPrice } } : {}),
    }
  })

const matches = (predicate: string, line: ModelLine): boolean => {
  const m = /^(sku|product\.id) = ("(?:[^"\\]|\\.)*")$/.exec(predicate)
  if (m === null) throw new Error(`model: predicate not modelled: ${predicate}`)
  const wanted = JSON.parse(m[2] as string) as string
  return m[1] === 'sku' ? line.sku === wanted : line.productId === wanted
}

/**
 * Shares `amount` over units in proportion to `weights` (all ≥ 0), each share cut to an integer
 * and the rest given one by one to the largest remainders (ties: the earlier unit).
 */
const share = (amount: number, weights: readonly number[]): number[] => {
  const sum = weights.reduce((s, w) => s + w, 0)
  if (sum === 0) return weights.map(() => 0)
  const a = BigInt(amount)
  const s = BigInt(sum)
  const floors = weights.map((w) => (a * BigInt(w)) / s)
  const remainders = weights.map((w, i) => ({ i, r: (a * BigInt(w)) % s }))
  let left = a - floors.reduce((x, y) => x + y, 0n)
  remainders.sort((x, y) => (x.r === y.r ? x.i - y.i : x.r > y.r ? -1 : 1))
  for (const { i } of remainders) {
    if (left <= 0n) break
    floors[i] = (floors[i] as bigint) + 1n
    left -= 1n
  }
  return floors.map(Number)
}

/**
 * Applies direct discounts to lines as commercetools documents it (see the module's comment).
 * `currency` is the cart's; `taxRoundingMode` the cart's (default HalfEven).
 */
export const applyDirectDiscounts = (
  lines: readonly ModelLine[],
  discounts: readonly ModelDiscount[],
  currency: string,
  taxRoundingMode: 'HalfEven' | 'HalfUp' | 'HalfDown' = 'HalfEven',
): ModelResult => {
  const exponent = EXPONENTS[currency]
  if (exponent === undefined) throw new Error(`model: currency not modelled: ${currency}`)
  const units = lines.map((l) => Array.from({ length: l.quantity }, () => l.unitPrice))
  for (const d of discounts) {
    if (d.value.type !== 'absolute') throw new Error(`model: value not modelled: ${d.value.type}`)
    if (d.target?.type !== 'lineItems' || d.target.predicate === undefined)
      throw new Error(`model: target not modelled: ${JSON.stringify(d.target)}`)
    const money = (d.value.money ?? []).filter((m) => m.currencyCode === currency)
    if (money.length !== 1) throw new Error('model: an absolute value needs exactly one money of the cart’s currency')
    const m = money[0] as { centAmount: number; fractionDigits?: number }
    if (m.fractionDigits !== undefined && m.fractionDigits !== exponent)
      throw new Error(`model: ${currency} has ${exponent} fraction digits, the money ${m.fractionDigits}`)
    // The matching units, in cart order: [line, unit].
    const targets: [number, number][] = []
    for (const [i, l] of lines.entries())
      if (matches(d.target.predicate, l)) for (let u = 0; u < l.quantity; u++) targets.push([i, u])
    if (targets.length === 0) continue
    const priceOf = ([i, u]: [number, number]) => (units[i] as number[])[u] as number
    const mode = d.value.applicationMode ?? 'ProportionateDistribution'
    const offs =
      mode === 'IndividualApplication'
        ? targets.map(() => m.centAmount)
        : mode === 'EvenDistribution'
          ? share(
              m.centAmount,
              targets.map(() => 1),
            )
          : mode === 'ProportionateDistribution'
            ? share(m.centAmount, targets.map(priceOf))
            : (() => {
                throw new Error(`model: application mode not modelled: ${mode}`)
              })()
    for (const [k, [i, u]] of targets.entries()) {
      const row = units[i] as number[]
      row[u] = Math.max(0, (row[u] as number) - (offs[k] as number))
    }
  }
  const lineTotals = units.map((u) => u.reduce((s, x) => s + x, 0))
  const taxes = lines.map((l, i) => {
    if (l.tax === undefined) return 0
    // The rate as an exact fraction (rates have at most 6 decimals).
    const scale = 1_000_000n
    const r = BigInt(Math.round(l.tax.rate * 1_000_000))
    const net = BigInt(lineTotals[i] as number)
    return Number(
      l.tax.includedInPrice ? divRound(net * r, scale + r, taxRoundingMode) : divRound(net * r, scale, taxRoundingMode),
    )
  })
  const total = lineTotals.reduce((s, x) => s + x, 0)
  const excluded = lines.reduce(
    (s, l, i) => s + (l.tax !== undefined && !l.tax.includedInPrice ? (taxes[i] as number) : 0),
    0,
  )
  return { units, lineTotals, total, taxes, totalGross: total + excluded }
}
