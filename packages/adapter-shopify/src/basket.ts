import { type Basket, type BasketLine, type DecodeError, decodeBasket, type FieldProblem } from '@tessera/core/engine'
import { type CurrencyCode, exponentOf, isCurrencyCode, MAX_MINOR_UNITS } from '@tessera/core/money'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import type { ShopifyConfig } from './config.js'
import { decimalToMinor } from './decimal.js'
import type { CartLine, MoneyV2 } from './input.codec.js'

/** The document name of every error about a function input. */
export const INPUT_DOCUMENT = 'shopify input'

/** A {@link DecodeError} about the function input. */
export const inputError = (problems: readonly FieldProblem[]): DecodeError => ({
  _tag: 'DecodeError',
  document: INPUT_DOCUMENT,
  problems,
  message: `invalid ${INPUT_DOCUMENT}: ${problems.map((p) => `${p.path || '(root)'}: ${p.reason}`).join('; ')}`,
})

/** A money field of the input and where it is. */
export interface MoneyAt {
  readonly path: string
  readonly money: MoneyV2
}

/**
 * The one currency of the cart: the metafield's `currency` if it gives one, else the first
 * `currencyCode` in the input. Every `currencyCode` in the input must be that currency; a cart in
 * another one (a presentment currency) is refused, since Tessera's amounts are in the campaigns'
 * currency.
 */
export const cartCurrency = (config: ShopifyConfig, money: readonly MoneyAt[]): Either<DecodeError, CurrencyCode> => {
  const problems: FieldProblem[] = []
  let currency: string | undefined = config.currency
  for (const { path, money: m } of money) {
    if (m.currencyCode === undefined) continue
    if (!isCurrencyCode(m.currencyCode)) {
      problems.push({
        path: `${path}.currencyCode`,
        reason: `is not an ISO 4217 currency code (${JSON.stringify(m.currencyCode)})`,
      })
    } else if (currency === undefined) {
      currency = m.currencyCode
    } else if (m.currencyCode !== currency) {
      problems.push({
        path: `${path}.currencyCode`,
        reason:
          config.currency === undefined
            ? `is ${m.currencyCode}, but the cart is in ${currency}: one cart has one currency`
            : `is ${m.currencyCode}, but the campaigns are in ${config.currency} (the metafield's currency): their amounts would mean something else`,
      })
    }
  }
  if (problems.length > 0) return left(inputError(problems.slice(0, 20)))
  if (currency === undefined) {
    return left(
      inputError([
        {
          path: money[0] === undefined ? 'discount.metafield.jsonValue.currency' : `${money[0].path}.currencyCode`,
          reason:
            'is required: ask for currencyCode in the input query, or give the campaigns’ currency in the metafield',
        },
      ]),
    )
  }
  return right(currency as CurrencyCode)
}

/** An amount in minor units, or a problem at its path. */
export const amountAt = (at: MoneyAt, currency: CurrencyCode, problems: FieldProblem[]): number | undefined => {
  const minor = decimalToMinor(at.money.amount, currency)
  if (typeof minor === 'string') {
    problems.push({ path: `${at.path}.amount`, reason: minor })
    return undefined
  }
  return minor
}

/** Every money field of the cart lines, with its path. */
export const linesMoney = (lines: readonly CartLine[]): MoneyAt[] =>
  lines.flatMap((l, i) => {
    const base = `cart.lines.${i}.cost`
    const out: MoneyAt[] = [{ path: `${base}.subtotalAmount`, money: l.cost.subtotalAmount }]
    if (l.cost.amountPerQuantity !== undefined)
      out.push({ path: `${base}.amountPerQuantity`, money: l.cost.amountPerQuantity })
    return out
  })

/** A cart line as a basket line document (before the basket codec checks it). */
export const basketLineOf = (
  line: CartLine,
  index: number,
  currency: CurrencyCode,
  problems: FieldProblem[],
): Record<string, unknown> => {
  const base = `cart.lines.${index}.cost`
  const amount = amountAt({ path: `${base}.subtotalAmount`, money: line.cost.subtotalAmount }, currency, problems)
  const quantity = line.quantity ?? 1
  const perUnit =
    line.cost.amountPerQuantity === undefined
      ? undefined
      : amountAt({ path: `${base}.amountPerQuantity`, money: line.cost.amountPerQuantity }, currency, problems)
  const m = line.merchandise
  const product = m?.product
  const sku = m?.sku || m?.id || line.id
  const tags = (product?.hasTags ?? []).filter((t) => t.hasTag && t.tag !== '').map((t) => t.tag)
  return {
    id: line.id,
    sku,
    quantity,
    unitPrice: perUnit ?? Math.floor((amount ?? 0) / quantity),
    amount: amount ?? 0,
    categories: product?.productType ? [product.productType] : [],
    ...(product?.vendor ? { brand: product.vendor } : {}),
    ...(tags.length > 0 ? { tags } : {}),
    ...(product?.isGiftCard === true ? { discountable: false } : {}),
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * The basket's time. A function cannot read the clock; Shopify gives the shop's local date
 * (`shop.localTime.date`), so the basket is at noon UTC of that date, which is that same date in
 * every zone from UTC−11 to UTC+11. Validity windows are therefore judged by the day (hours are
 * refused in the metafield). Without the date, a campaign with a validity window cannot be judged,
 * and is an error; without any, the time is never read and a fixed instant stands in.
 */
export const basketTime = (
  config: ShopifyConfig,
  shop: { readonly localTime?: { readonly date: string } } | undefined,
): Either<DecodeError, string> => {
  const date = shop?.localTime?.date
  if (date === undefined) {
    const timed = config.campaigns.findIndex((c) => c.validity !== undefined)
    if (timed >= 0)
      return left(
        inputError([
          {
            path: 'shop.localTime.date',
            reason: `is required: campaign "${config.campaigns[timed]?.id}" has a validity window (ask for shop { localTime { date } } in the input query)`,
          },
        ]),
      )
    return right('2000-01-01T12:00:00Z')
  }
  if (!DATE.test(date))
    return left(
      inputError([{ path: 'shop.localTime.date', reason: `must be a date YYYY-MM-DD, got ${JSON.stringify(date)}` }]),
    )
  return right(`${date}T12:00:00Z`)
}

/** The basket document's common fields. */
export const basketDocument = (
  config: ShopifyConfig,
  currency: CurrencyCode,
  at: string,
  extra: { readonly card?: string; readonly code?: string | null },
  lines: readonly Record<string, unknown>[],
): Record<string, unknown> => ({
  id: 'shopify-cart',
  storeId: config.storeId ?? 'shopify',
  terminalId: 'shopify',
  channel: 'online',
  currency,
  pricesIncludeTax: config.pricesIncludeTax ?? false,
  at,
  ...(extra.card === undefined ? {} : { card: extra.card }),
  ...(extra.code === undefined || extra.code === null || extra.code === '' ? {} : { codes: [extra.code] }),
  lines,
})

/** Decodes the basket document with the core's codec; a refused line names its cart field. */
export const toBasket = (
  document: Record<string, unknown>,
  pathOfLine: (index: number) => string,
): Either<DecodeError, Basket> => {
  const basket = decodeBasket(document)
  if (basket._tag === 'Right') return basket
  return left(
    inputError(
      basket.left.problems.map((p) => {
        const m = /^lines\.(\d+)(?:\.(.*))?$/.exec(p.path)
        return m === null
          ? { path: p.path, reason: p.reason }
          : { path: `${pathOfLine(Number(m[1]))}${m[2] === undefined ? '' : ` (basket ${m[2]})`}`, reason: p.reason }
      }),
    ),
  )
}

// ---------------------------------------------------------------------------------------------
// The lean basket of a good cart

/**
 * `decimalToMinor` of a plain Decimal string (digits, an optional fraction, no leading zero, at
 * most 15 digits), with a few native calls; `-1` for anything else (then `decimalToMinor` decides,
 * and says why). No regex, no intermediate strings, no loop over the characters: in QuickJS those
 * were most of the cost of a line.
 */
export const plainMinor = (value: unknown, exponent: number): number => {
  if (typeof value !== 'string') return -1
  const dot = value.indexOf('.')
  const decimals = dot < 0 ? 0 : value.length - dot - 1
  const whole = dot < 0 ? value.length : dot
  // Up to 15 digits in all: a Number holds them exactly, and `x × 10^decimals` rounds back to them.
  if (exponent > decimals ? whole + exponent > 15 : whole + decimals > 15) return -1
  const x = +value
  // A plain Decimal is its own toFixed: digits only, no sign, no leading zero, no exponent, no space.
  if (!(x >= 0) || x.toFixed(decimals) !== value) return -1
  const scaled = Math.round(x * (POW10[decimals] as number))
  if (decimals <= exponent) return scaled * (POW10[exponent - decimals] as number)
  // More decimals than the currency has: only trailing zeros are taken off (decimalToMinor's rule).
  const drop = POW10[decimals - exponent] as number
  return scaled % drop === 0 ? scaled / drop : -1
}

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k)

const hasNul = (s: string) => s.includes('\u0000')

/**
 * The basket of a cart whose every field is plainly good, built directly, or `undefined`: the
 * slow path (`cartCurrency`, `basketLineOf`, the core's `decodeBasket`) then decides, and names the
 * field. For any input it gives a basket for, it gives the very basket of the slow path (the same
 * value, keys in the codec's order): it accepts only what every check of that path accepts (one
 * currency, plain Decimals, every basket field as `BasketCodec` wants it, unique line ids, the
 * total within `MAX_MINOR_UNITS`), and `basket.test.ts` holds the two together on random and
 * damaged carts. The basket's own fields (id, store, time, card, code) still go through
 * `decodeBasket`, once.
 *
 * Why: on a 200-line cart with one campaign, the slow path was half of a run in QuickJS
 * (paths and regexes per money field, a document per line, then the codec over it again).
 */
export const leanCartBasket = (
  config: ShopifyConfig,
  cartLines: readonly CartLine[],
  at: string,
  extra: { readonly card?: string; readonly code?: string | null },
): { readonly currency: CurrencyCode; readonly basket: Basket } | undefined => {
  const n = cartLines.length
  let currency: string | undefined = config.currency
  for (let i = 0; i < n; i++) {
    const cost = (cartLines[i] as CartLine).cost
    const a = cost.subtotalAmount.currencyCode
    if (a !== undefined) {
      if (currency === undefined) {
        if (!isCurrencyCode(a)) return undefined
        currency = a
      } else if (a !== currency) return undefined
    }
    const b = cost.amountPerQuantity?.currencyCode
    if (b !== undefined) {
      if (currency === undefined) {
        if (!isCurrencyCode(b)) return undefined
        currency = b
      } else if (b !== currency) return undefined
    }
  }
  if (currency === undefined) return undefined
  const code = currency as CurrencyCode
  const exponent = exponentOf(code)
  const lines = new Array<BasketLine>(n)
  const ids = new Set<string>()
  let total = 0
  for (let i = 0; i < n; i++) {
    const line = cartLines[i] as CartLine
    const amount = plainMinor(line.cost.subtotalAmount.amount, exponent)
    if (amount < 0 || amount > MAX_MINOR_UNITS) return undefined
    const quantity = line.quantity ?? 1
    const perQuantity = line.cost.amountPerQuantity
    let unitPrice: number
    if (perQuantity === undefined) unitPrice = Math.floor(amount / quantity)
    else {
      unitPrice = plainMinor(perQuantity.amount, exponent)
      if (unitPrice < 0 || unitPrice > MAX_MINOR_UNITS) return undefined
    }
    const m = line.merchandise
    const product = m?.product
    const sku = m?.sku || m?.id || line.id
    if (hasNul(sku)) return undefined
    const type = product?.productType
    if (type && hasNul(type)) return undefined
    const out: Record<string, unknown> = {
      id: line.id,
      sku,
      quantity,
      unitPrice,
      amount,
      categories: type ? [type] : [],
    }
    // The codec's order of the optional fields: discountable, tags, brand.
    if (product?.isGiftCard === true) out.discountable = false
    const hasTags = product?.hasTags
    if (hasTags !== undefined && hasTags.length > 0) {
      const tags: string[] = []
      for (const t of hasTags) {
        if (!t.hasTag || t.tag === '') continue
        if (hasNul(t.tag)) return undefined
        tags.push(t.tag)
      }
      if (tags.length > 0) out.tags = tags
    }
    const vendor = product?.vendor
    if (vendor) {
      if (hasNul(vendor)) return undefined
      out.brand = vendor
    }
    if (ids.has(line.id)) return undefined
    ids.add(line.id)
    total += amount
    lines[i] = out as unknown as BasketLine
  }
  if (total > MAX_MINOR_UNITS) return undefined
  const envelope = decodeBasket(basketDocument(config, code, at, extra, []))
  if (envelope._tag === 'Left') return undefined
  return { currency: code, basket: { ...envelope.right, lines } }
}
