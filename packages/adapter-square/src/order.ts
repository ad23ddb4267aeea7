import {
  type CurrencyCode,
  type DecodeError,
  decodeError,
  decodeWith,
  type FieldProblem,
  type Unit,
} from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { isWhole, mulHalfEven, parseDecimal, type Scaled } from './decimal.js'
import { type SquareLineItem, type SquareMoney, type SquareOrder, SquareOrderCodec } from './order.codec.js'

/** The name of a Square order in error messages. */
export const ORDER_DOCUMENT = 'square order'

/** One Square line item, priced: its basket line id, quantity, unit and gross amount. */
export interface PricedLine {
  readonly index: number
  readonly id: string
  readonly item: SquareLineItem
  readonly quantity: Scaled
  readonly unit: Unit
  /** The price of one unit with its modifiers. */
  readonly unitPrice: number
  /** Square's `gross_sales_money`: variation total plus modifier totals, each rounded half to even. */
  readonly gross: number
}

/** A decoded Square order, its one currency and its lines priced as Square prices them. */
export interface ReadOrder {
  readonly order: SquareOrder
  readonly currency: CurrencyCode
  readonly lines: readonly PricedLine[]
}

// Square's MeasurementUnit values that a Tessera basket line can carry.
const UNIT_OF: Readonly<Record<string, Unit>> = {
  METRIC_KILOGRAM: 'kg',
  METRIC_GRAM: 'g',
  IMPERIAL_POUND: 'lb',
  IMPERIAL_WEIGHT_OUNCE: 'oz',
  METRIC_LITER: 'l',
  METRIC_MILLILITER: 'ml',
  METRIC_METER: 'm',
  METRIC_CENTIMETER: 'cm',
  UNIT: 'each',
}

const ONE: Scaled = { digits: 1n, scale: 0 }

const decodeOrder = decodeWith(SquareOrderCodec, ORDER_DOCUMENT)

/** Every Money of the order with its path, in document order. */
const moniesOf = (order: SquareOrder): { path: string; money: SquareMoney }[] => {
  const out: { path: string; money: SquareMoney }[] = []
  const add = (path: string, money: SquareMoney | undefined) => {
    if (money !== undefined) out.push({ path, money })
  }
  for (const [i, line] of order.line_items.entries()) {
    add(`line_items.${i}.base_price_money`, line.base_price_money)
    for (const [j, m] of (line.modifiers ?? []).entries())
      add(`line_items.${i}.modifiers.${j}.base_price_money`, m.base_price_money)
    for (const [j, a] of (line.applied_discounts ?? []).entries())
      add(`line_items.${i}.applied_discounts.${j}.applied_money`, a.applied_money)
  }
  for (const [i, d] of (order.discounts ?? []).entries()) {
    add(`discounts.${i}.amount_money`, d.amount_money)
    add(`discounts.${i}.applied_money`, d.applied_money)
  }
  return out
}

const unitOf = (line: SquareLineItem, path: string, problems: FieldProblem[]): Unit => {
  const unit = line.quantity_unit?.measurement_unit
  if (unit === undefined) return 'each'
  const names = [unit.weight_unit, unit.volume_unit, unit.length_unit, unit.generic_unit].filter(
    (n): n is string => n !== undefined,
  )
  const other = unit.area_unit ?? unit.time_unit ?? (unit.custom_unit !== undefined ? 'a custom unit' : undefined)
  const name = names[0] ?? other
  const mapped = name === undefined ? 'each' : UNIT_OF[name]
  if (mapped === undefined) {
    problems.push({
      path: `${path}.quantity_unit.measurement_unit`,
      reason: `${JSON.stringify(name)} has no Tessera unit; supported: ${Object.keys(UNIT_OF).join(', ')}`,
    })
    return 'each'
  }
  return mapped
}

/**
 * Decodes a Square order and prices its lines as Square does: a line's gross is
 * `base_price × quantity` plus, for each modifier, `modifier price × modifier quantity × quantity`,
 * each product rounded half to even (Square's documented rounding). Every Money must be in one
 * known currency.
 */
export const readOrder = (u: unknown): Either<DecodeError, ReadOrder> => {
  const decoded = decodeOrder(u)
  if (decoded._tag === 'Left') return decoded
  const order = decoded.right
  const problems: FieldProblem[] = []
  const monies = moniesOf(order)
  const first = monies[0]
  for (const { path, money } of monies) {
    if (first !== undefined && money.currency !== first.money.currency) {
      problems.push({
        path: `${path}.currency`,
        reason: `is ${money.currency}, but ${first.path}.currency is ${first.money.currency}: an order has one currency`,
      })
    }
  }
  const lines: PricedLine[] = []
  const ids = new Map<string, number>()
  for (const [index, item] of order.line_items.entries()) {
    const path = `line_items.${index}`
    const quantity = parseDecimal(item.quantity, 5) as Scaled // checked by the codec
    const unit = unitOf(item, path, problems)
    const precision = item.quantity_unit?.precision
    if (precision !== undefined && quantity.scale > precision && !isWhole(quantity)) {
      problems.push({
        path: `${path}.quantity`,
        reason: `has ${quantity.scale} decimals, but quantity_unit.precision allows ${precision}`,
      })
    }
    if (unit === 'each' && !isWhole(quantity)) {
      problems.push({
        path: `${path}.quantity`,
        reason: `must be a whole number for a line sold by the unit, got "${item.quantity}"; give quantity_unit.measurement_unit (e.g. METRIC_KILOGRAM) for measured goods`,
      })
    }
    if (item.base_price_money === undefined) {
      problems.push({
        path: `${path}.base_price_money`,
        reason:
          'is required: Tessera prices the line from it (for a catalog line, read the order back from Square, which fills it in)',
      })
      continue
    }
    let unitPrice = item.base_price_money.amount as number
    let gross = mulHalfEven(item.base_price_money.amount, quantity)
    for (const [j, modifier] of (item.modifiers ?? []).entries()) {
      if (modifier.base_price_money === undefined) {
        problems.push({
          path: `${path}.modifiers.${j}.base_price_money`,
          reason: 'is required: a modifier adds its price times its quantity to the line',
        })
        continue
      }
      const modifierQuantity = modifier.quantity === undefined ? ONE : (parseDecimal(modifier.quantity, 5) as Scaled)
      unitPrice += mulHalfEven(modifier.base_price_money.amount, modifierQuantity)
      gross += mulHalfEven(modifier.base_price_money.amount, modifierQuantity, quantity)
    }
    const id = item.uid ?? String(index)
    const seen = ids.get(id)
    if (seen !== undefined) {
      problems.push({
        path: `${path}.uid`,
        reason: `line id ${JSON.stringify(id)} is also line_items.${seen}'s; each line needs its own uid`,
      })
    }
    ids.set(id, index)
    lines.push({ index, id, item, quantity, unit, unitPrice, gross })
  }
  if (first === undefined && problems.length === 0) {
    problems.push({ path: 'line_items', reason: 'holds no priced line, so the order has no currency' })
  }
  if (problems.length > 0) return left(decodeError(ORDER_DOCUMENT, problems))
  return right({ order, currency: (first as { money: SquareMoney }).money.currency, lines })
}
