import { decodeWith } from '@tessera/core/codec'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CartLinesInputCodec } from './input.codec.js'
import { checkedCartLinesInput, leanCartLinesInput } from './input.lean.js'
import { campaignsArb, cartArb, cartLinesInput, classesArb } from './testArbitraries.js'
import { fixture } from './testkit.js'

const codec = decodeWith(CartLinesInputCodec, 'shopify input')

/** The input with the optional fields the shipped query does not ask for, so the lean path meets them too. */
const richInputArb = fc
  .record({
    cart: cartArb,
    campaigns: campaignsArb,
    classes: classesArb,
    customer: fc.option(fc.constantFrom('gid://shopify/Customer/1', 'gid://shopify/Customer/2'), { nil: undefined }),
    code: fc.option(fc.oneof(fc.constant(null), fc.string({ maxLength: 6 })), { nil: undefined }),
    rate: fc.option(fc.oneof(fc.constant('1.0'), fc.constant(1.25)), { nil: undefined }),
    tags: fc.boolean(),
    extra: fc.boolean(),
  })
  .map(({ cart, campaigns, classes, customer, code, rate, tags, extra }) => {
    const base = cartLinesInput(cart, campaigns, classes) as Record<string, unknown> & {
      cart: { lines: Record<string, unknown>[] } & Record<string, unknown>
    }
    if (customer !== undefined) base.cart.buyerIdentity = { customer: { id: customer }, isAuthenticated: true }
    if (code !== undefined) base.triggeringDiscountCode = code
    if (rate !== undefined) base.presentmentCurrencyRate = rate
    if (tags)
      for (const l of base.cart.lines) {
        const m = l.merchandise as { product: Record<string, unknown> }
        m.product.hasTags = [
          { tag: 'vip', hasTag: true },
          { tag: 'x', hasTag: false, extra: 1 },
        ]
        m.product.handle = 'h'
        ;(l.cost as Record<string, unknown>).compareAtAmountPerQuantity = null
        ;(l.cost as Record<string, unknown>).totalAmount = { amount: 1, currencyCode: 'USD' }
      }
    if (extra) {
      base.cart.cost = { totalAmount: { amount: '1.00' } }
      base.unknownField = { nested: [1, 2] }
      ;(base.discount as Record<string, unknown>).metafield = { jsonValue: null, type: 'json', value: '[]' }
    }
    return base
  })

/** Every path of a JSON value, to damage one. */
const pathsOf = (u: unknown, at: (string | number)[] = []): (string | number)[][] => {
  if (Array.isArray(u)) return [at, ...u.flatMap((v, i) => pathsOf(v, [...at, i]))]
  if (typeof u === 'object' && u !== null) return [at, ...Object.entries(u).flatMap(([k, v]) => pathsOf(v, [...at, k]))]
  return [at]
}

const TRICKY = [undefined, null, '', '\u0000', 'ORDERX', 0, -1, 1.5, Number.NaN, true, [], {}, [null], { amount: null }]

/** The input with one path set to a tricky value (or removed). */
const damagedArb = fc.tuple(richInputArb, fc.nat(), fc.constantFrom(...TRICKY.keys())).map(([input, pick, tricky]) => {
  const copy = structuredClone(input) as Record<string, unknown>
  const paths = pathsOf(copy).filter((p) => p.length > 0)
  const path = paths[pick % paths.length] as (string | number)[]
  let parent = copy as Record<string | number, unknown>
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>
  const last = path[path.length - 1] as string | number
  if (TRICKY[tricky] === undefined) delete parent[last]
  else parent[last] = structuredClone(TRICKY[tricky])
  return copy
})

const sameAsCodec = (u: unknown) => {
  const lean = leanCartLinesInput(u)
  const decoded = codec(u)
  if (decoded._tag === 'Left') expect(lean).toBeUndefined()
  else {
    // The same value, the same keys in the same order.
    expect(lean).toStrictEqual(decoded.right)
    expect(JSON.stringify(lean)).toBe(JSON.stringify(decoded.right))
  }
  return { lean, decoded }
}

describe('the lean decoder of the cart lines input', () => {
  it('gives the codec’s value for every good input (random carts with every optional field), never falling back', () => {
    fc.assert(
      fc.property(richInputArb, (input) => {
        const { lean, decoded } = sameAsCodec(input)
        expect(decoded._tag).toBe('Right')
        expect(lean).toBeDefined()
      }),
      { numRuns: 300 },
    )
  })

  it('refuses (for the codec to name the field) exactly what the codec refuses: one field damaged anywhere', () => {
    let refused = 0
    fc.assert(
      fc.property(damagedArb, (input) => {
        if (sameAsCodec(input).decoded._tag === 'Left') refused++
      }),
      { numRuns: 2000 },
    )
    expect(refused).toBeGreaterThan(200)
  })

  it('the public samples and anything at all', () => {
    for (const name of ['cart-lines.no-classes', 'cart-lines.order-class', 'cart-lines.product-class'])
      expect(sameAsCodec(fixture(`${name}.input.json`)).lean).toBeDefined()
    fc.assert(
      fc.property(fc.anything(), (u) => void sameAsCodec(u)),
      { numRuns: 500 },
    )
  })
})

/** The checked input against the codec: the same acceptance, the same value but for the lines, which are the input's own. */
const checkedAsCodec = (u: unknown) => {
  const checked = checkedCartLinesInput(u)
  const decoded = codec(u)
  if (decoded._tag === 'Left') expect(checked).toBeUndefined()
  else {
    expect(checked).toBeDefined()
    const lines = (u as { cart: { lines: unknown } }).cart.lines
    expect(checked?.cart.lines).toBe(lines)
    const withCodecLines = { ...checked, cart: { ...checked?.cart, lines: decoded.right.cart.lines } }
    expect(JSON.stringify(withCodecLines)).toBe(JSON.stringify(decoded.right))
    expect(withCodecLines).toStrictEqual(decoded.right)
  }
  return decoded
}

describe('the checked cart lines input (lines not copied)', () => {
  it('accepts every good input, with the codec’s value but for the lines, which are the input’s own', () => {
    fc.assert(
      fc.property(richInputArb, (input) => {
        expect(checkedAsCodec(input)._tag).toBe('Right')
      }),
      { numRuns: 300 },
    )
  })

  it('refuses exactly what the codec refuses: one field damaged anywhere, and anything at all', () => {
    let refused = 0
    fc.assert(
      fc.property(damagedArb, (input) => {
        if (checkedAsCodec(input)._tag === 'Left') refused++
      }),
      { numRuns: 3000 },
    )
    expect(refused).toBeGreaterThan(300)
    for (const name of ['cart-lines.no-classes', 'cart-lines.order-class', 'cart-lines.product-class'])
      expect(checkedCartLinesInput(fixture(`${name}.input.json`))).toBeDefined()
    fc.assert(
      fc.property(fc.anything(), (u) => void checkedAsCodec(u)),
      { numRuns: 500 },
    )
  })
})
