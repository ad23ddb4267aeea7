import {
  type Basket,
  type CurrencyCode,
  type DecodeError,
  decodeBasket,
  decodeError,
  decodeWith,
  exponentOf,
  type FieldProblem,
  IsoDateTimeCodec,
  isCurrencyCode,
  looseObject,
  NonEmptyString,
} from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { type CtCart, CtCartCodec, type CtMoney, type CtPrice, type RoundingMode } from './cart.codec.js'
import { totalOf } from './money.js'

/** The name of a commercetools cart in error messages. @category commercetools */
export const CART_DOCUMENT = 'commercetools cart'

/**
 * How the adapter writes Tessera's discounts onto the cart:
 * - `directDiscounts` (default): one `setDirectDiscounts` action; line prices stay the platform's.
 * - `externalPrice`: `setLineItemPrice` with an external unit price per discounted line, whose total
 *   the platform rounds back to Tessera's net (high precision when a cent does not divide).
 * @category commercetools
 */
export type Strategy = 'directDiscounts' | 'externalPrice'

/**
 * What the adapter knows of a SKU that the cart does not say: its categories, brand and tags (a
 * commercetools line item carries no category), and whether it is discountable.
 * @category commercetools
 */
export const CtCatalogEntryCodec = looseObject(
  'CommercetoolsCatalogEntry',
  {},
  {
    categories: t.readonlyArray(NonEmptyString),
    brand: NonEmptyString,
    tags: t.readonlyArray(NonEmptyString),
    discountable: t.boolean,
  },
)
/** @category commercetools */
export type CtCatalogEntry = t.TypeOf<typeof CtCatalogEntryCodec>
/** The catalog: entries by SKU. @category commercetools */
export const CtCatalogCodec = t.record(t.string, CtCatalogEntryCodec)
/** @category commercetools */
export type CtCatalog = Readonly<Record<string, CtCatalogEntry>>

/** The names of the cart's custom fields Tessera reads. @category commercetools */
export interface CustomFieldNames {
  /** The loyalty card number, a String field (default `tesseraCard`). */
  readonly card?: string
  /** Tessera's coupon codes, a Set of String field (default `tesseraCodes`). */
  readonly codes?: string
}

/**
 * Options of {@link cartToBasket}: what the cart does not carry.
 * @category commercetools
 */
export interface CartToBasketOptions {
  /** The time of the sale; default the cart's `lastModifiedAt`, then `createdAt`. The server passes now. */
  readonly at?: string
  /** The shop; default the cart's `store.key`, else `commercetools`. */
  readonly storeId?: string
  /** Default `commercetools`. */
  readonly terminalId?: string
  /** The loyalty card; default the cart's custom field (`fields.card`). */
  readonly card?: string
  readonly catalog?: CtCatalog
  readonly fields?: CustomFieldNames
  /** Default `directDiscounts`. It decides how a line in `ExternalPrice` mode is priced (see README). */
  readonly strategy?: Strategy
}

/** One line of the cart as the adapter priced it. */
export interface ReadLine {
  readonly kind: 'lineItem' | 'customLineItem'
  /** Its index in `lineItems` or `customLineItems`. */
  readonly index: number
  readonly id: string
  readonly sku: string | undefined
  readonly quantity: number
  readonly unitPrice: number
  /** `price × quantity` rounded with the cart's `priceRoundingMode`: the line before cart discounts. */
  readonly gross: number
  readonly priceMode: string
}

/** A decoded cart, its currency and rounding, its lines priced as the platform prices them. */
export interface ReadCart {
  readonly cart: CtCart
  readonly currency: CurrencyCode
  readonly exponent: number
  readonly rounding: RoundingMode
  readonly lines: readonly ReadLine[]
  readonly basket: Record<string, unknown>
}

const DEFAULT_FIELDS = { card: 'tesseraCard', codes: 'tesseraCodes' } as const

/** A variant price the platform would select for the cart, as far as the cart shows it. */
const platformPrice = (prices: readonly CtPrice[], currency: string, country: string | undefined, at: number) =>
  prices.find(
    (p) =>
      p.value.currencyCode === currency &&
      (p.country === undefined || p.country === country) &&
      p.customerGroup === undefined &&
      p.channel === undefined &&
      (p.validFrom === undefined || Date.parse(p.validFrom) <= at) &&
      (p.validUntil === undefined || at < Date.parse(p.validUntil)),
  )

/** Reads a decoded cart; problems are named under `prefix` (`resource.obj.` in an extension input). */
export const readCart = (cart: CtCart, options: CartToBasketOptions, prefix = ''): Either<DecodeError, ReadCart> => {
  const problems: FieldProblem[] = []
  const at = (o: string) => `${prefix}${o}`
  const strategy = options.strategy ?? 'directDiscounts'
  const rawCurrency = cart.totalPrice.currencyCode
  if (!isCurrencyCode(rawCurrency)) {
    return left(
      decodeError(CART_DOCUMENT, [
        { path: at('totalPrice.currencyCode'), reason: `${rawCurrency} is not an ISO 4217 currency known to Tessera` },
      ]),
    )
  }
  const currency = rawCurrency
  const exponent = exponentOf(currency)
  const rounding = cart.priceRoundingMode ?? 'HalfEven'
  const when = options.at ?? cart.lastModifiedAt ?? cart.createdAt
  if (when === undefined) {
    problems.push({
      path: at('lastModifiedAt'),
      reason: 'is required: the cart has no time, so pass the time of the sale',
    })
  } else if (IsoDateTimeCodec.decode(when)._tag === 'Left') {
    problems.push({
      path: options.at === undefined ? at(cart.lastModifiedAt === undefined ? 'createdAt' : 'lastModifiedAt') : 'at',
      reason: `must be an ISO-8601 date-time with an offset, got ${JSON.stringify(when)}`,
    })
  }
  const checkMoney = (money: CtMoney, path: string) => {
    if (money.currencyCode !== currency) {
      problems.push({
        path: at(`${path}.currencyCode`),
        reason: `is ${money.currencyCode}, but the cart is in ${currency}: a cart has one currency`,
      })
      return false
    }
    if (money.type === 'highPrecision') {
      if (money.preciseAmount === undefined || money.fractionDigits === undefined || money.fractionDigits < exponent) {
        problems.push({
          path: at(`${path}.preciseAmount`),
          reason: `a highPrecision money needs preciseAmount and fractionDigits ≥ ${exponent} (${currency})`,
        })
        return false
      }
    } else if (money.fractionDigits !== undefined && money.fractionDigits !== exponent) {
      problems.push({
        path: at(`${path}.fractionDigits`),
        reason: `is ${money.fractionDigits}, but ${currency} has ${exponent} fraction digits (ISO 4217)`,
      })
      return false
    }
    return true
  }
  if ((cart.discountCodes ?? []).length > 0) {
    problems.push({
      path: at('discountCodes'),
      reason:
        'the cart carries commercetools discount codes: the platform would apply them on top of Tessera (and refuses setDirectDiscounts beside them); give Tessera codes in the custom field instead',
    })
  }
  const taxIncluded = new Set<boolean>()
  const lines: ReadLine[] = []
  const basketLines: Record<string, unknown>[] = []
  const instant = when === undefined ? Number.NaN : Date.parse(when)
  for (const [i, item] of cart.lineItems.entries()) {
    const path = `lineItems.${i}`
    const priceMode = item.priceMode ?? 'Platform'
    if (priceMode === 'ExternalTotal') {
      problems.push({
        path: at(`${path}.priceMode`),
        reason: 'is ExternalTotal: the line total was set outside the platform price, so Tessera cannot know its gross',
      })
      continue
    }
    let base: CtMoney
    let basePath: string
    if (priceMode === 'ExternalPrice' && strategy === 'externalPrice') {
      // The external price is the one the adapter wrote: the gross is the platform price again.
      const chosen = platformPrice(item.variant.prices ?? [], currency, cart.country, instant)
      if (chosen === undefined) {
        problems.push({
          path: at(`${path}.variant.prices`),
          reason: `has no ${currency} price for the cart's country without customer group or channel: Tessera cannot know the line's platform price`,
        })
        continue
      }
      base = chosen.discounted?.value ?? chosen.value
      basePath = `${path}.variant.prices.${(item.variant.prices ?? []).indexOf(chosen)}.value`
    } else {
      base = item.price.discounted?.value ?? item.price.value
      basePath = item.price.discounted === undefined ? `${path}.price.value` : `${path}.price.discounted.value`
    }
    if (!checkMoney(base, basePath)) continue
    if (item.taxRate !== undefined) taxIncluded.add(item.taxRate.includedInPrice)
    const sku = item.variant.sku === undefined || item.variant.sku === '' ? undefined : item.variant.sku
    const entry = sku === undefined ? undefined : options.catalog?.[sku]
    const gross = totalOf(base, item.quantity, exponent, rounding)
    lines.push({
      kind: 'lineItem',
      index: i,
      id: item.id,
      sku,
      quantity: item.quantity,
      unitPrice: base.centAmount,
      gross,
      priceMode,
    })
    const rate = item.taxRate === undefined ? undefined : Math.round(item.taxRate.amount * 10_000) / 100
    basketLines.push({
      id: item.id,
      sku: sku ?? item.productId,
      quantity: item.quantity,
      unitPrice: base.centAmount,
      amount: gross,
      categories: entry?.categories ?? [],
      ...(entry?.brand === undefined ? {} : { brand: entry.brand }),
      ...(entry?.tags === undefined ? {} : { tags: entry.tags }),
      ...((entry?.discountable ?? item.lineItemMode !== 'GiftLineItem') ? {} : { discountable: false }),
      ...(rate === undefined ? {} : { taxRate: rate }),
    })
  }
  for (const [i, item] of (cart.customLineItems ?? []).entries()) {
    const path = `customLineItems.${i}`
    if (!checkMoney(item.money, `${path}.money`)) continue
    if (item.taxRate !== undefined) taxIncluded.add(item.taxRate.includedInPrice)
    const gross = totalOf(item.money, item.quantity, exponent, rounding)
    lines.push({
      kind: 'customLineItem',
      index: i,
      id: item.id,
      sku: item.slug,
      quantity: item.quantity,
      unitPrice: item.money.centAmount,
      gross,
      priceMode: 'Platform',
    })
    // A custom line (a fee, a service) is in the total but never discounted by Tessera.
    basketLines.push({
      id: item.id,
      sku: item.slug,
      quantity: item.quantity,
      unitPrice: item.money.centAmount,
      amount: gross,
      categories: [],
      discountable: false,
    })
  }
  if (taxIncluded.size > 1) {
    problems.push({
      path: at('lineItems'),
      reason: 'mixes tax rates included in the price and not: a basket either includes tax or does not',
    })
  }
  const fields = { ...DEFAULT_FIELDS, ...options.fields }
  const custom = cart.custom?.fields ?? {}
  const cardField = custom[fields.card]
  if (cardField !== undefined && (typeof cardField !== 'string' || cardField === '')) {
    problems.push({
      path: at(`custom.fields.${fields.card}`),
      reason: 'must be a non-empty string: the loyalty card number',
    })
  }
  const codesField = custom[fields.codes]
  const codes =
    codesField === undefined
      ? []
      : Array.isArray(codesField) && codesField.every((c) => typeof c === 'string' && c !== '')
        ? (codesField as string[])
        : undefined
  if (codes === undefined) {
    problems.push({
      path: at(`custom.fields.${fields.codes}`),
      reason: 'must be a set of non-empty strings: the coupon codes',
    })
  }
  if (problems.length > 0) return left(decodeError(CART_DOCUMENT, problems))
  const card = options.card ?? (typeof cardField === 'string' ? cardField : undefined)
  return right({
    cart,
    currency,
    exponent,
    rounding,
    lines,
    basket: {
      id: cart.id,
      storeId: options.storeId ?? (cart.store?.key || 'commercetools'),
      terminalId: options.terminalId ?? 'commercetools',
      channel: 'online',
      currency,
      pricesIncludeTax: taxIncluded.has(true),
      at: when,
      ...(card === undefined ? {} : { card }),
      ...(codes === undefined || codes.length === 0 ? {} : { codes }),
      lines: basketLines,
    },
  })
}

// A basket path (`lines.2.amount`) as the cart path it came from.
const cartPathOf = (read: ReadCart, prefix: string) => (path: string) => {
  const m = /^lines\.(\d+)(?:\.(.*))?$/.exec(path)
  if (m === null) {
    const top = path === 'card' ? `custom.fields.${DEFAULT_FIELDS.card}` : path === 'id' ? 'id' : path
    return `${prefix}${top}`
  }
  const line = read.lines[Number(m[1])]
  if (line === undefined) return `${prefix}${path}`
  const field =
    m[2] === 'quantity' ? '.quantity' : m[2] === 'id' ? '.id' : m[2] === undefined ? '' : ` (basket ${m[2]})`
  return `${prefix}${line.kind}s.${line.index}${field}`
}

/** The read cart checked by the core's basket codec, its problems named at the cart's fields. */
export const basketOfRead = (read: ReadCart, prefix = ''): Either<DecodeError, Basket> => {
  const basket = decodeBasket(read.basket)
  if (basket._tag === 'Right') return basket
  const name = cartPathOf(read, prefix)
  return left(
    decodeError(
      CART_DOCUMENT,
      basket.left.problems.map((p) => ({ path: name(p.path), reason: p.reason })),
    ),
  )
}

const decodeCart = decodeWith(CtCartCodec, CART_DOCUMENT)

/**
 * A commercetools `Cart` as a Tessera `Basket` (wire contract v1), decoded by the core's
 * `decodeBasket`. A line's `amount` is the platform's line total before cart discounts: the price
 * (a product discount's `discounted` value when there is one) × quantity, rounded with the cart's
 * `priceRoundingMode`. Custom line items are lines Tessera does not discount.
 *
 * Bad input (a missing or mistyped field, a currency other than the cart's, fraction digits that are
 * not the currency's, commercetools discount codes) is a `DecodeError` naming each field
 * (`lineItems.2.quantity`) and why; it never throws.
 * @category commercetools
 */
export const cartToBasket = (cart: unknown, options: CartToBasketOptions = {}): Either<DecodeError, Basket> => {
  const decoded = decodeCart(cart)
  if (decoded._tag === 'Left') return decoded
  const read = readCart(decoded.right, options)
  if (read._tag === 'Left') return read
  return basketOfRead(read.right)
}
