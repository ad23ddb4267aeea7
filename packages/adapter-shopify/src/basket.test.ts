import { type CurrencyCode, exponentOf } from '@tessera/core/money'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { basketTime, leanCartBasket, plainMinor } from './basket.js'
import { slowCartBasket } from './cartLines.js'
import { decimalToMinor, minorToDecimal } from './decimal.js'
import { CartLinesInputCodec } from './input.codec.js'
import { checkedCartLinesInput } from './input.lean.js'
import { readInput } from './run.js'
import { CURRENCIES, campaignsArb, cartArb, cartLinesInput, classesArb } from './testArbitraries.js'
import { fixture } from './testkit.js'

/** A cart lines input with the optional fields the basket reads: customer, code, tags, no unit price, other decimals. */
const inputArb = fc
  .record({
    cart: cartArb,
    campaigns: campaignsArb,
    classes: classesArb,
    customer: fc.option(fc.constantFrom('gid://shopify/Customer/1', 'c\u0000'), { nil: undefined }),
    code: fc.option(fc.constantFrom(null, '', 'SAVE', 'x\u0000'), { nil: undefined }),
    tags: fc.boolean(),
    noUnitPrice: fc.boolean(),
    noCurrency: fc.boolean(),
    metafieldCurrency: fc.boolean(),
    amount: fc.option(
      fc.constantFrom('10.500', '007.25', '0', '1.', '.5', ' 1.00', '1e3', '12.345', '999999999999999.99'),
      {
        nil: undefined,
      },
    ),
    date: fc.constantFrom('2026-11-26', '2026-13-45', undefined),
    sameId: fc.boolean(),
  })
  .map((d) => {
    const base = cartLinesInput(d.cart, d.campaigns, d.classes) as Record<string, unknown> & {
      cart: { lines: Record<string, unknown>[] } & Record<string, unknown>
      discount: { metafield: { jsonValue: Record<string, unknown> } }
    }
    if (!d.metafieldCurrency) delete base.discount.metafield.jsonValue.currency
    if (d.customer !== undefined) base.cart.buyerIdentity = { customer: { id: d.customer } }
    if (d.code !== undefined) base.triggeringDiscountCode = d.code
    if (d.date === undefined) delete base.shop
    else base.shop = { localTime: { date: d.date } }
    for (const [i, l] of base.cart.lines.entries()) {
      const cost = l.cost as Record<string, Record<string, unknown>>
      if (d.noUnitPrice) delete cost.amountPerQuantity
      if (d.noCurrency) for (const m of Object.values(cost)) delete m.currencyCode
      if (d.amount !== undefined && i === 0) (cost.subtotalAmount as Record<string, unknown>).amount = d.amount
      if (d.tags) {
        const product = (l.merchandise as { product: Record<string, unknown> }).product
        product.hasTags = [
          { tag: 'vip', hasTag: true },
          { tag: 'x', hasTag: false },
          { tag: '', hasTag: true },
        ]
      }
    }
    if (d.sameId && base.cart.lines.length > 1) (base.cart.lines[1] as { id: string }).id = 'gid://shopify/CartLine/0'
    return base
  })

/** Every path of a JSON value, to damage one. */
const pathsOf = (u: unknown, at: (string | number)[] = []): (string | number)[][] => {
  if (Array.isArray(u)) return [at, ...u.flatMap((v, i) => pathsOf(v, [...at, i]))]
  if (typeof u === 'object' && u !== null) return [at, ...Object.entries(u).flatMap(([k, v]) => pathsOf(v, [...at, k]))]
  return [at]
}

const TRICKY = [undefined, null, '', '\u0000', 'a\u0000', 'JPY', 'XXX', 0, -1, 1.5, 1e13, '1e3', true, [], {}]

const damagedArb = fc.tuple(inputArb, fc.nat(), fc.constantFrom(...TRICKY.keys())).map(([input, pick, tricky]) => {
  const copy = structuredClone(input) as Record<string, unknown>
  const paths = pathsOf(copy.cart).filter((p) => p.length > 0)
  const path = paths[pick % paths.length] as (string | number)[]
  let parent = copy.cart as Record<string | number, unknown>
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>
  const last = path[path.length - 1] as string | number
  if (TRICKY[tricky] === undefined) delete parent[last]
  else parent[last] = structuredClone(TRICKY[tricky])
  return copy
})

/** The lean basket against the slow path's, for one input; whether the lean path gave one. */
const sameAsSlow = (input: unknown): { readonly lean: boolean; readonly slow: boolean } | undefined => {
  const read = readInput(CartLinesInputCodec, input, undefined, checkedCartLinesInput)
  if ('_tag' in read) return undefined
  const { input: shop, config } = read
  const card = shop.cart.buyerIdentity?.customer?.id
  const extra = { ...(card === undefined ? {} : { card }), code: shop.triggeringDiscountCode }
  const slow = slowCartBasket(config, shop, extra)
  const at = basketTime(config, shop.shop)
  const lean = at._tag === 'Right' ? leanCartBasket(config, shop.cart.lines, at.right, extra) : undefined
  if (lean !== undefined) {
    // A basket only where the slow path gives one: the same value, keys in the same order.
    expect(slow._tag).toBe('Right')
    if (slow._tag === 'Right') {
      expect(lean).toStrictEqual(slow.right)
      expect(JSON.stringify(lean)).toBe(JSON.stringify(slow.right))
    }
  }
  return { lean: lean !== undefined, slow: slow._tag === 'Right' }
}

describe('the lean basket of a cart', () => {
  it('is the slow path’s basket for every cart it builds, and refuses whatever the slow path refuses', () => {
    let lean = 0
    let refused = 0
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = sameAsSlow(input)
        if (r?.lean) lean++
        if (r !== undefined && !r.slow) refused++
      }),
      { numRuns: 1000 },
    )
    expect(lean).toBeGreaterThan(20)
    expect(refused).toBeGreaterThan(50)
  })

  it('never falls back on a plain good cart (every currency, gift cards, vendors, no unit price)', () => {
    fc.assert(
      fc.property(cartArb, campaignsArb, classesArb, fc.boolean(), (cart, campaigns, classes, noUnitPrice) => {
        const input = cartLinesInput(cart, campaigns, classes)
        if (noUnitPrice)
          for (const l of input.cart.lines) delete (l.cost as { amountPerQuantity?: unknown }).amountPerQuantity
        const r = sameAsSlow(input)
        if (r?.slow) expect(r.lean).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('holds on carts with one field damaged anywhere, and on Shopify’s samples (JSON numbers)', () => {
    fc.assert(
      fc.property(damagedArb, (input) => void sameAsSlow(input)),
      { numRuns: 2000 },
    )
    // Their amounts are JSON numbers: the slow path's (decimalToMinor) to decode.
    for (const name of ['cart-lines.no-classes', 'cart-lines.order-class', 'cart-lines.product-class'])
      sameAsSlow(fixture(`${name}.input.json`))
  })
})

it('falls back on a NUL character in any text the basket takes from a line (the codec names it)', () => {
  const base = fixture('cart-lines.product-class.input.json')
  const good = {
    ...base,
    cart: {
      lines: [
        {
          id: 'gid://shopify/CartLine/1',
          quantity: 2,
          cost: { subtotalAmount: { amount: '2.00', currencyCode: 'EUR' } },
          merchandise: {
            sku: 'S',
            product: { productType: 'fresh', vendor: 'Acme', hasTags: [{ tag: 'vip', hasTag: true }] },
          },
        },
      ],
    },
    discount: { discountClasses: ['PRODUCT'], metafield: { jsonValue: [] } },
  }
  expect(sameAsSlow(good)).toEqual({ lean: true, slow: true })
  const damaged = (f: (p: Record<string, unknown>, m: Record<string, unknown>) => void) => {
    const copy = structuredClone(good)
    const m = copy.cart.lines[0]?.merchandise as Record<string, unknown>
    f(m.product as Record<string, unknown>, m)
    return copy
  }
  for (const input of [
    damaged((_, m) => {
      m.sku = 'S\u0000'
    }),
    damaged((p) => {
      p.productType = 'f\u0000'
    }),
    damaged((p) => {
      p.vendor = 'A\u0000'
    }),
    damaged((p) => {
      p.hasTags = [{ tag: 'v\u0000', hasTag: true }]
    }),
  ])
    expect(sameAsSlow(input)).toEqual({ lean: false, slow: false })
})

it('reads a plain Decimal as decimalToMinor does, and leaves anything else to it', () => {
  const text = fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '.', ' ', '-', 'e'), maxLength: 20 })
  fc.assert(
    fc.property(
      text,
      fc.constantFrom(...(CURRENCIES as readonly string[] as readonly CurrencyCode[])),
      (value, currency) => {
        const minor = plainMinor(value, exponentOf(currency))
        if (minor !== -1) expect(minor).toBe(decimalToMinor(value, currency))
      },
    ),
    { numRuns: 5000 },
  )
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1_000_000_000_000 }),
      fc.constantFrom(...(CURRENCIES as readonly string[] as readonly CurrencyCode[])),
      (n, currency) => {
        const value = minorToDecimal(n, currency)
        expect(plainMinor(value, exponentOf(currency))).toBe(n)
        // Trailing zeros too, within 15 digits in all (past them, decimalToMinor decides).
        const zeros = `${value}${value.includes('.') ? '' : '.'}000`
        expect(plainMinor(zeros, exponentOf(currency))).toBe(zeros.length - 1 <= 15 ? n : -1)
      },
    ),
    { numRuns: 2000 },
  )
})
