import type { CartLinesInput } from './input.codec.js'

/**
 * A lean decoder of the `cart.lines.discounts.generate.run` input, for the function's hot path
 * inside Shopify's QuickJS: plain checks and copies, no io-ts. It accepts exactly the inputs that
 * `CartLinesInputCodec` accepts and gives the same value (unknown fields dropped, `undefined`
 * fields left out, keys in the codec's order), or `undefined` for anything else; the caller then
 * decodes with the codec, whose errors name the fields. So the lean path changes the time of a
 * good input only, never a result (`input.lean.test.ts` checks both against the codec).
 *
 * Why: io-ts builds a context array and a result object for every field it validates. On a
 * 200-line cart that was 13 % of a run in QuickJS (43 ms of 338), and 57 % of a run with one
 * campaign (see the package README's benchmark).
 */

type Obj = Record<string, unknown>
type Out = Record<string, unknown>

/** A marker for "refused": the codec decides, and names the field. */
const NO = Symbol('no')
type No = typeof NO

const isObject = (u: unknown): u is Obj => typeof u === 'object' && u !== null && !Array.isArray(u)
const isNonEmptyString = (u: unknown): u is string => typeof u === 'string' && u.length > 0 && !u.includes('\u0000')
const isDecimal = (u: unknown) => typeof u === 'string' || (typeof u === 'number' && Number.isFinite(u))
const isPositiveCount = (u: unknown) => typeof u === 'number' && Number.isSafeInteger(u) && u >= 1
const isString = (u: unknown): u is string => typeof u === 'string'
const isBoolean = (u: unknown): u is boolean => typeof u === 'boolean'
const isStringOrNull = (u: unknown) => u === null || typeof u === 'string'

/** An optional scalar field: copied when present and accepted; refused when present and not. */
const scalar = (out: Out, from: Obj, key: string, accepts: (u: unknown) => boolean): boolean => {
  const v = from[key]
  if (v === undefined) return true
  if (!accepts(v)) return false
  out[key] = v
  return true
}

/** An optional object field decoded by `decode` (`nullable`: null passes). */
const nested = (out: Out, from: Obj, key: string, decode: (u: unknown) => Out | No, nullable = false): boolean => {
  const v = from[key]
  if (v === undefined) return true
  if (v === null && nullable) {
    out[key] = null
    return true
  }
  const d = decode(v)
  if (d === NO) return false
  out[key] = d
  return true
}

const money = (u: unknown): Out | No => {
  if (!isObject(u) || !isDecimal(u.amount)) return NO
  const out: Out = { amount: u.amount }
  return scalar(out, u, 'currencyCode', isString) ? out : NO
}

const cost = (u: unknown): Out | No => {
  if (!isObject(u)) return NO
  const subtotal = u.subtotalAmount === undefined ? NO : money(u.subtotalAmount)
  if (subtotal === NO) return NO
  const out: Out = { subtotalAmount: subtotal }
  return nested(out, u, 'amountPerQuantity', money) &&
    nested(out, u, 'totalAmount', money) &&
    nested(out, u, 'compareAtAmountPerQuantity', money, true)
    ? out
    : NO
}

const hasTag = (u: unknown): Out | No =>
  isObject(u) && isString(u.tag) && isBoolean(u.hasTag) ? { tag: u.tag, hasTag: u.hasTag } : NO

const product = (u: unknown): Out | No => {
  if (!isObject(u)) return NO
  const out: Out = {}
  if (
    !scalar(out, u, 'id', isNonEmptyString) ||
    !scalar(out, u, 'handle', isString) ||
    !scalar(out, u, 'productType', isStringOrNull) ||
    !scalar(out, u, 'vendor', isStringOrNull) ||
    !scalar(out, u, 'isGiftCard', isBoolean)
  )
    return NO
  const tags = u.hasTags
  if (tags !== undefined) {
    if (!Array.isArray(tags)) return NO
    const copied: Out[] = []
    for (const t of tags) {
      const d = hasTag(t)
      if (d === NO) return NO
      copied.push(d)
    }
    out.hasTags = copied
  }
  return out
}

const merchandise = (u: unknown): Out | No => {
  if (!isObject(u)) return NO
  const out: Out = {}
  return scalar(out, u, '__typename', isString) &&
    scalar(out, u, 'id', isNonEmptyString) &&
    scalar(out, u, 'sku', isStringOrNull) &&
    scalar(out, u, 'requiresShipping', isBoolean) &&
    nested(out, u, 'product', product)
    ? out
    : NO
}

const line = (u: unknown): Out | No => {
  if (!isObject(u) || !isNonEmptyString(u.id)) return NO
  const c = u.cost === undefined ? NO : cost(u.cost)
  if (c === NO) return NO
  const out: Out = { id: u.id, cost: c }
  return scalar(out, u, 'quantity', isPositiveCount) && nested(out, u, 'merchandise', merchandise) ? out : NO
}

const customer = (u: unknown): Out | No => (isObject(u) && isNonEmptyString(u.id) ? { id: u.id } : NO)

const buyerIdentity = (u: unknown): Out | No => {
  if (!isObject(u)) return NO
  const out: Out = {}
  return nested(out, u, 'customer', customer, true) && scalar(out, u, 'isAuthenticated', isBoolean) ? out : NO
}

const cart = (u: unknown): Out | No => {
  if (!isObject(u) || !Array.isArray(u.lines)) return NO
  const lines: Out[] = []
  for (const l of u.lines) {
    const d = line(l)
    if (d === NO) return NO
    lines.push(d)
  }
  const out: Out = { lines }
  if (!nested(out, u, 'buyerIdentity', buyerIdentity, true)) return NO
  if (u.cost !== undefined) out.cost = u.cost
  return out
}

const CLASSES = new Set(['ORDER', 'PRODUCT', 'SHIPPING'])

const metafield = (u: unknown): Out | No => {
  if (!isObject(u)) return NO
  const out: Out = {}
  if (u.jsonValue !== undefined) out.jsonValue = u.jsonValue
  return scalar(out, u, 'value', isString) && scalar(out, u, 'type', isString) ? out : NO
}

const discount = (u: unknown): Out | No => {
  if (!isObject(u) || !Array.isArray(u.discountClasses)) return NO
  for (const c of u.discountClasses) if (typeof c !== 'string' || !CLASSES.has(c)) return NO
  const out: Out = { discountClasses: u.discountClasses }
  return nested(out, u, 'metafield', metafield, true) ? out : NO
}

const localTime = (u: unknown): Out | No => (isObject(u) && isString(u.date) ? { date: u.date } : NO)

const shop = (u: unknown): Out | No => {
  if (!isObject(u)) return NO
  const out: Out = {}
  return nested(out, u, 'localTime', localTime) ? out : NO
}

/**
 * The input as `CartLinesInputCodec` decodes it, or `undefined` when the codec would refuse it (or
 * might: the codec then runs and says why).
 * @category shopify
 */
export const leanCartLinesInput = (u: unknown): CartLinesInput | undefined => {
  if (!isObject(u)) return undefined
  const c = u.cart === undefined ? NO : cart(u.cart)
  const d = u.discount === undefined ? NO : discount(u.discount)
  if (c === NO || d === NO) return undefined
  const out: Out = { cart: c, discount: d }
  return scalar(out, u, 'triggeringDiscountCode', isStringOrNull) &&
    nested(out, u, 'shop', shop) &&
    scalar(out, u, 'presentmentCurrencyRate', isDecimal)
    ? (out as CartLinesInput)
    : undefined
}

// ---------------------------------------------------------------------------------------------
// The cart lines as they are

// The checks of the lean decoder, with the common cases inline: in QuickJS each call costs.
const isMoney = (u: unknown): boolean => {
  if (!isObject(u)) return false
  const a = u.amount
  return (
    (typeof a === 'string' || (typeof a === 'number' && Number.isFinite(a))) &&
    (u.currencyCode === undefined || typeof u.currencyCode === 'string')
  )
}

/** Whether `line` (the lean decoder's `line`) would accept a cart line: the same checks, no copy. */
const acceptsLine = (u: unknown): boolean => {
  if (!isObject(u) || !isNonEmptyString(u.id)) return false
  const c = u.cost
  if (
    !isObject(c) ||
    !isMoney(c.subtotalAmount) ||
    (c.amountPerQuantity !== undefined && !isMoney(c.amountPerQuantity)) ||
    (c.totalAmount !== undefined && !isMoney(c.totalAmount)) ||
    (c.compareAtAmountPerQuantity !== undefined &&
      c.compareAtAmountPerQuantity !== null &&
      !isMoney(c.compareAtAmountPerQuantity))
  )
    return false
  const q = u.quantity
  if (q !== undefined && !(typeof q === 'number' && Number.isSafeInteger(q) && q >= 1)) return false
  const m = u.merchandise
  if (m === undefined) return true
  if (
    !isObject(m) ||
    (m.__typename !== undefined && typeof m.__typename !== 'string') ||
    (m.id !== undefined && !isNonEmptyString(m.id)) ||
    (m.sku !== undefined && m.sku !== null && typeof m.sku !== 'string') ||
    (m.requiresShipping !== undefined && typeof m.requiresShipping !== 'boolean')
  )
    return false
  const p = m.product
  if (p === undefined) return true
  if (
    !isObject(p) ||
    (p.id !== undefined && !isNonEmptyString(p.id)) ||
    (p.handle !== undefined && typeof p.handle !== 'string') ||
    (p.productType !== undefined && p.productType !== null && typeof p.productType !== 'string') ||
    (p.vendor !== undefined && p.vendor !== null && typeof p.vendor !== 'string') ||
    (p.isGiftCard !== undefined && typeof p.isGiftCard !== 'boolean')
  )
    return false
  const tags = p.hasTags
  if (tags === undefined) return true
  if (!Array.isArray(tags)) return false
  for (let i = 0; i < tags.length; i++) {
    const t: unknown = tags[i]
    if (!isObject(t) || typeof t.tag !== 'string' || typeof t.hasTag !== 'boolean') return false
  }
  return true
}

/**
 * The input as {@link leanCartLinesInput} decodes it, except that the cart lines are the input's
 * own objects, checked but not copied: the same acceptance (`undefined` for anything the codec
 * refuses, or might), and the same value but for the unknown fields of the lines, which no reader
 * of the lines looks at (the basket takes the fields it knows by name). For the function's hot
 * path: a copy of every line was a third of a one-campaign run in QuickJS.
 * @category shopify
 */
export const checkedCartLinesInput = (u: unknown): CartLinesInput | undefined => {
  if (!isObject(u) || !isObject(u.cart) || !Array.isArray(u.cart.lines)) return undefined
  const lines = u.cart.lines as unknown[]
  for (let i = 0; i < lines.length; i++) if (!acceptsLine(lines[i])) return undefined
  const rest = leanCartLinesInput({ ...u, cart: { ...u.cart, lines: [] } })
  if (rest === undefined) return undefined
  return { ...rest, cart: { ...rest.cart, lines } } as CartLinesInput
}
