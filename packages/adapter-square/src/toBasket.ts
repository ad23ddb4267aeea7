import {
  type Basket,
  type DecodeError,
  decodeBasket,
  decodeError,
  type FieldProblem,
  IsoDateTimeCodec,
  looseObject,
  NonEmptyString,
} from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { toNumber } from './decimal.js'
import { ORDER_DOCUMENT, type ReadOrder, readOrder } from './order.js'

/**
 * What the adapter knows of a catalog item variation that the order does not say: its SKU (default:
 * the variation's `catalog_object_id`), categories, brand and tags, and whether it is discountable.
 * @category square
 */
export const SquareCatalogEntryCodec = looseObject(
  'SquareCatalogEntry',
  {},
  {
    sku: NonEmptyString,
    categories: t.readonlyArray(NonEmptyString),
    brand: NonEmptyString,
    tags: t.readonlyArray(NonEmptyString),
    discountable: t.boolean,
  },
)
/** @category square */
export type SquareCatalogEntry = t.TypeOf<typeof SquareCatalogEntryCodec>

/**
 * The catalog: entries by `catalog_object_id` (the item variation id a line carries). Categories
 * are not on a Square order line, so they come from here.
 * @category square
 */
export const SquareCatalogCodec = t.record(t.string, SquareCatalogEntryCodec)
/** @category square */
export type SquareCatalog = Readonly<Record<string, SquareCatalogEntry>>

/**
 * Options of {@link orderToBasket}: what the order does not carry.
 * @category square
 */
export interface OrderToBasketOptions {
  /** The basket id; default the order's `id`, then its `reference_id`. */
  readonly id?: string
  /** The time of the sale; default the order's `created_at` (a draft order has none). */
  readonly at?: string
  /** The loyalty card; default the order's `customer_id`. */
  readonly card?: string
  /** Default the order's `source.name`, else `square`. */
  readonly terminalId?: string
  /** Default `online`. */
  readonly channel?: 'store' | 'online'
  readonly catalog?: SquareCatalog
}

/** The decoded order turned into a basket document, before the basket codec checks it. */
export const basketDocument = (
  read: ReadOrder,
  options: OrderToBasketOptions,
): Either<DecodeError, Record<string, unknown>> => {
  const { order, currency, lines } = read
  const problems: FieldProblem[] = []
  const id = options.id ?? order.id ?? order.reference_id
  if (id === undefined)
    problems.push({ path: 'id', reason: 'is required: give the order an id or reference_id, or pass one' })
  const at = options.at ?? order.created_at
  if (at === undefined) {
    problems.push({ path: 'created_at', reason: 'is required: a draft order has none, so pass the time of the sale' })
  } else if (IsoDateTimeCodec.decode(at)._tag === 'Left') {
    problems.push({
      path: options.at === undefined ? 'created_at' : 'at',
      reason: `must be an ISO-8601 date-time with an offset, got ${JSON.stringify(at)}`,
    })
  }
  const taxTypes = new Set<string>()
  for (const [i, tax] of (order.taxes ?? []).entries()) {
    const type = tax.type ?? 'ADDITIVE'
    if (type !== 'ADDITIVE' && type !== 'INCLUSIVE') {
      problems.push({
        path: `taxes.${i}.type`,
        reason: `must be "ADDITIVE" or "INCLUSIVE", got ${JSON.stringify(type)}`,
      })
    } else if (taxTypes.size > 0 && !taxTypes.has(type)) {
      problems.push({
        path: `taxes.${i}.type`,
        reason: `is ${type}, but an earlier tax is ${[...taxTypes][0]}: a basket's prices either include tax or do not`,
      })
    }
    taxTypes.add(type)
  }
  const basketLines = lines.map(({ index, id: lineId, item, quantity, unit, unitPrice, gross }) => {
    const entry = item.catalog_object_id === undefined ? undefined : options.catalog?.[item.catalog_object_id]
    const sku =
      entry?.sku ?? item.catalog_object_id ?? (item.name === undefined || item.name === '' ? undefined : item.name)
    if (sku === undefined) {
      problems.push({
        path: `line_items.${index}.catalog_object_id`,
        reason: 'is required when the line has no name: Tessera needs a SKU for every line',
      })
    }
    const discountable = entry?.discountable ?? item.item_type !== 'GIFT_CARD'
    return {
      id: lineId,
      sku,
      quantity: toNumber(quantity),
      ...(unit === 'each' ? {} : { unit }),
      unitPrice,
      amount: gross,
      categories: entry?.categories ?? [],
      ...(entry?.brand === undefined ? {} : { brand: entry.brand }),
      ...(entry?.tags === undefined ? {} : { tags: entry.tags }),
      ...(discountable ? {} : { discountable: false }),
    }
  })
  if (problems.length > 0) return left(decodeError(ORDER_DOCUMENT, problems))
  const card = options.card ?? order.customer_id
  return right({
    id,
    storeId: order.location_id,
    terminalId: options.terminalId ?? (order.source?.name || 'square'),
    channel: options.channel ?? 'online',
    currency,
    pricesIncludeTax: taxTypes.has('INCLUSIVE'),
    at,
    ...(card === undefined ? {} : { card }),
    lines: basketLines,
  })
}

// A basket path (`lines.2.amount`) as the Square order path it came from (`line_items.2`).
const orderPathOf = (path: string): string => {
  const m = /^lines\.(\d+)(?:\.(.*))?$/.exec(path)
  if (m === null) return path === 'storeId' ? 'location_id' : path === 'card' ? 'customer_id' : path
  const field = m[2]
  const squareField =
    field === 'id' ? 'uid' : field === 'sku' ? 'catalog_object_id' : field === 'quantity' ? 'quantity' : undefined
  return `line_items.${m[1]}${squareField === undefined ? (field === undefined ? '' : ` (basket ${field})`) : `.${squareField}`}`
}

/**
 * A Square `Order` as a Tessera `Basket` (wire contract v1), decoded by the core's
 * `decodeBasket`, so the result is a valid basket. A line's `amount` is Square's gross sales:
 * `base_price_money × quantity` plus every modifier's price × its quantity × the line quantity,
 * rounded half to even as Square rounds. Quantities are Square's decimal strings; a measured line
 * (`quantity_unit.measurement_unit`) keeps its decimal quantity and unit.
 *
 * Bad input (a missing or mistyped field, mixed or unknown currencies) is a `DecodeError` naming
 * each field (`line_items.2.quantity`) and why; it never throws.
 * @category square
 */
export const orderToBasket = (order: unknown, options: OrderToBasketOptions = {}): Either<DecodeError, Basket> => {
  const read = readOrder(order)
  if (read._tag === 'Left') return read
  const document = basketDocument(read.right, options)
  if (document._tag === 'Left') return document
  const basket = decodeBasket(document.right)
  if (basket._tag === 'Left') {
    return left(
      decodeError(
        ORDER_DOCUMENT,
        basket.left.problems.map((p) => ({ path: orderPathOf(p.path), reason: p.reason })),
      ),
    )
  }
  return right(basket.right)
}
