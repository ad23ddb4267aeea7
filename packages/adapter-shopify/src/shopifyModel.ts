import { allocate, type CurrencyCode } from '@tessera/core/money'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { decimalToMinor } from './decimal.js'

/**
 * How Shopify applies a discount function's operations, as its Discount Function API documents
 * them, as a small pure model in integer minor units. It is for tests and previews (Shopify's
 * checkout stays the authority):
 *
 * - product discounts first, per cart line: a `percentage` of the line's subtotal, or a
 *   `fixedAmount` once across its targets (`appliesToEachItem: false`, the default), or per unit
 *   (`true`); never below zero. Shopify applies one product discount per line, so a line targeted
 *   twice is refused;
 * - then one order discount (`FIRST` or `MAXIMUM` among the candidates) on the subtotal after
 *   product discounts, less the `excludedCartLineIds`;
 * - delivery discounts on each delivery group's cost (`ALL`).
 *
 * A percentage whose amount is not a whole number of minor units is refused: Shopify does not
 * document how it rounds it, so the adapter only sends percentages that need no rounding.
 * @category shopify
 */
export interface ShopifyCart {
  readonly currency: CurrencyCode
  readonly lines: readonly { readonly id: string; readonly quantity: number; readonly subtotal: number }[]
  readonly deliveryGroups?: readonly { readonly id: string; readonly cost: number }[]
}

/** What Shopify takes off, by line and group, and the totals. @category shopify */
export interface ShopifyTotals {
  readonly lines: readonly { readonly id: string; readonly subtotal: number; readonly productDiscount: number }[]
  readonly productDiscount: number
  readonly orderDiscount: number
  readonly deliveryDiscount: number
  /** The merchandise subtotal less product and order discounts. */
  readonly total: number
  readonly deliveryGroups: readonly { readonly id: string; readonly cost: number; readonly discount: number }[]
}

type Json = { readonly [key: string]: unknown }

const exactPercent = (base: number, value: unknown, what: string): Either<string, number> => {
  const hundredths =
    typeof value === 'string' || typeof value === 'number'
      ? decimalToMinor(value, 'EUR' as CurrencyCode)
      : 'not a Decimal'
  if (typeof hundredths === 'string') return left(`${what}: percentage ${JSON.stringify(value)} ${hundredths}`)
  if (hundredths > 10_000) return left(`${what}: percentage ${JSON.stringify(value)} is above 100`)
  if ((base * hundredths) % 10_000 !== 0)
    return left(`${what}: ${JSON.stringify(value)} % of ${base} is not a whole number of minor units`)
  return right((base * hundredths) / 10_000)
}

const amountOf = (cart: ShopifyCart, value: unknown, what: string): Either<string, number> => {
  const minor = decimalToMinor(value, cart.currency)
  return typeof minor === 'string' ? left(`${what}: amount ${minor}`) : right(minor)
}

/** Chooses the candidates a selection strategy applies, given each one's reduction. */
const select = <C>(strategy: unknown, candidates: readonly C[], reduction: (c: C) => number): C[] => {
  if (strategy === 'ALL') return [...candidates]
  if (candidates.length === 0) return []
  if (strategy === 'MAXIMUM')
    return [candidates.reduce((best, c) => (reduction(c) > reduction(best) ? c : best), candidates[0] as C)]
  return [candidates[0] as C]
}

/**
 * Applies a `cart.lines.discounts.generate.run` result (and, optionally, a delivery result) to a
 * cart, as Shopify documents it. A `Left` names what the model cannot apply.
 * @category shopify
 */
export const applyShopifyOperations = (
  cart: ShopifyCart,
  linesResult: unknown,
  deliveryResult: unknown = { operations: [] },
): Either<string, ShopifyTotals> => {
  const byId = new Map(cart.lines.map((l) => [l.id, l]))
  const productOff = new Map<string, number>()
  const operations = ((linesResult as Json).operations ?? []) as readonly Json[]
  const productOps = operations.filter((o) => 'productDiscountsAdd' in o).map((o) => o.productDiscountsAdd as Json)
  const orderOps = operations.filter((o) => 'orderDiscountsAdd' in o).map((o) => o.orderDiscountsAdd as Json)
  if (productOps.length + orderOps.length !== operations.length) return left('an operation the model does not know')

  for (const op of productOps) {
    // Each candidate's reduction per line, then the strategy's choice.
    const planned: Map<string, number>[] = []
    for (const [k, c] of ((op.candidates ?? []) as readonly Json[]).entries()) {
      const what = `productDiscountsAdd.candidates.${k}`
      const targets = (c.targets as readonly Json[]).map((t) => (t.cartLine as Json).id as string)
      const lines = targets.map((id) => byId.get(id))
      if (lines.some((l) => l === undefined)) return left(`${what}: targets a line the cart does not have`)
      const value = c.value as Json
      const off = new Map<string, number>()
      if ('percentage' in value) {
        for (const l of lines) {
          if (l === undefined) continue
          const a = exactPercent(l.subtotal, (value.percentage as Json).value, what)
          if (a._tag === 'Left') return a
          off.set(l.id, a.right)
        }
      } else {
        const fixed = value.fixedAmount as Json
        const amount = amountOf(cart, fixed.amount, what)
        if (amount._tag === 'Left') return amount
        if (fixed.appliesToEachItem === true) {
          for (const l of lines) if (l !== undefined) off.set(l.id, Math.min(l.subtotal, amount.right * l.quantity))
        } else {
          const present = lines.filter((l) => l !== undefined)
          const room = present.reduce((s, l) => s + l.subtotal, 0)
          const shares = allocate(
            Math.min(amount.right, room),
            present.map((l) => l.subtotal),
          )
          for (const [i, l] of present.entries()) off.set(l.id, shares[i] as number)
        }
      }
      planned.push(off)
    }
    const sum = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0)
    for (const off of select(op.selectionStrategy, planned, sum)) {
      for (const [id, a] of off) {
        if (productOff.has(id)) return left(`cart line ${id} is targeted by two product discounts; Shopify applies one`)
        productOff.set(id, a)
      }
    }
  }
  const productDiscount = [...productOff.values()].reduce((s, v) => s + v, 0)

  let orderDiscount = 0
  if (orderOps.length > 1)
    return left('two orderDiscountsAdd operations; Shopify applies one order discount per function')
  for (const op of orderOps) {
    const reductions: number[] = []
    for (const [k, c] of ((op.candidates ?? []) as readonly Json[]).entries()) {
      const what = `orderDiscountsAdd.candidates.${k}`
      if (c.conditions !== undefined && (c.conditions as readonly unknown[]).length > 0)
        return left(`${what}: conditions are not modelled`)
      const target = ((c.targets as readonly Json[])[0] as Json).orderSubtotal as Json
      const excluded = new Set(target.excludedCartLineIds as readonly string[])
      const base = cart.lines
        .filter((l) => !excluded.has(l.id))
        .reduce((s, l) => s + l.subtotal - (productOff.get(l.id) ?? 0), 0)
      const value = c.value as Json
      const a =
        'percentage' in value
          ? exactPercent(base, (value.percentage as Json).value, what)
          : amountOf(cart, (value.fixedAmount as Json).amount, what)
      if (a._tag === 'Left') return a
      reductions.push(Math.min(a.right, base))
    }
    orderDiscount = select(op.selectionStrategy, reductions, (r) => r).reduce((s, r) => s + r, 0)
  }

  const groups = cart.deliveryGroups ?? []
  const groupOff = new Map<string, number>()
  for (const o of ((deliveryResult as Json).operations ?? []) as readonly Json[]) {
    const op = o.deliveryDiscountsAdd as Json | undefined
    if (op === undefined) return left('a delivery operation the model does not know')
    for (const [k, c] of ((op.candidates ?? []) as readonly Json[]).entries()) {
      const what = `deliveryDiscountsAdd.candidates.${k}`
      for (const t of c.targets as readonly Json[]) {
        const id = (t.deliveryGroup as Json | undefined)?.id
        const group = groups.find((g) => g.id === id)
        if (group === undefined) return left(`${what}: targets a delivery group the cart does not have`)
        const room = group.cost - (groupOff.get(group.id) ?? 0)
        const value = c.value as Json
        const a =
          'percentage' in value
            ? exactPercent(group.cost, (value.percentage as Json).value, what)
            : amountOf(cart, (value.fixedAmount as Json).amount, what)
        if (a._tag === 'Left') return a
        groupOff.set(group.id, (groupOff.get(group.id) ?? 0) + Math.min(a.right, room))
      }
    }
  }
  const subtotal = cart.lines.reduce((s, l) => s + l.subtotal, 0)
  return right({
    lines: cart.lines.map((l) => ({ id: l.id, subtotal: l.subtotal, productDiscount: productOff.get(l.id) ?? 0 })),
    productDiscount,
    orderDiscount,
    deliveryDiscount: [...groupOff.values()].reduce((s, v) => s + v, 0),
    total: subtotal - productDiscount - orderDiscount,
    deliveryGroups: groups.map((g) => ({ id: g.id, cost: g.cost, discount: groupOff.get(g.id) ?? 0 })),
  })
}
