import { allocate, type CurrencyCode, type DecodeError, decodeError, type FieldProblem } from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { divHalfEven, mulHalfEven, parseDecimal, type Scaled } from './decimal.js'
import type { SquareDiscount } from './order.codec.js'
import { ORDER_DOCUMENT, readOrder } from './order.js'

/** A Money as Square writes it. @category square */
export interface Money {
  readonly amount: number
  readonly currency: CurrencyCode
}

/** Square's totals of one line. @category square */
export interface CalculatedLine {
  readonly uid?: string
  readonly gross_sales_money: Money
  readonly total_discount_money: Money
  readonly total_tax_money: Money
  readonly total_money: Money
}

/** Square's totals of an order, with the field names of `CalculateOrderResponse.order`. @category square */
export interface SquareCalculation {
  readonly line_items: readonly CalculatedLine[]
  readonly total_discount_money: Money
  readonly total_tax_money: Money
  readonly total_money: Money
}

interface Kind {
  readonly percentage?: Scaled
  readonly amount?: number
}

const kindOf = (d: SquareDiscount, path: string, problems: FieldProblem[]): Kind | undefined => {
  const type =
    d.type ??
    (d.percentage !== undefined ? 'FIXED_PERCENTAGE' : d.amount_money !== undefined ? 'FIXED_AMOUNT' : undefined)
  if (type === 'FIXED_PERCENTAGE' || type === 'VARIABLE_PERCENTAGE') {
    if (d.percentage !== undefined) return { percentage: parseDecimal(d.percentage, 8) as Scaled }
    problems.push({ path: `${path}.percentage`, reason: `is required for a ${type} discount` })
    return undefined
  }
  if (type === 'FIXED_AMOUNT' || type === 'VARIABLE_AMOUNT') {
    if (d.amount_money !== undefined) return { amount: d.amount_money.amount }
    problems.push({ path: `${path}.amount_money`, reason: `is required for a ${type} discount` })
    return undefined
  }
  problems.push({
    path: `${path}.type`,
    reason:
      type === undefined
        ? 'is required: without percentage or amount_money (a catalog discount) the amount is only known to Square'
        : `must be FIXED_PERCENTAGE, FIXED_AMOUNT, VARIABLE_PERCENTAGE or VARIABLE_AMOUNT, got ${JSON.stringify(type)}`,
  })
  return undefined
}

/**
 * Square's calculation of an order, as the Orders API documents its order of operations, in exact
 * integers with Square's rounding (half to even):
 *
 * 1. each line's gross: `base_price × quantity` + each modifier's `price × its quantity × quantity`;
 * 2. percentage discounts on the gross (a LINE_ITEM one per line; an ORDER one on the order's gross,
 *    spread over the lines in proportion to their gross), then fixed amounts on what remains (a
 *    LINE_ITEM one on each line that applies it, an ORDER one spread in proportion to what remains);
 *    a line is never discounted below zero;
 * 3. taxes on each line's amount after discounts: an ADDITIVE tax adds `net × rate`, an INCLUSIVE
 *    one is the part `net × rate / (100 + rate)` already in the price.
 *
 * A LINE_ITEM discount or tax applies to the lines whose `applied_discounts` / `applied_taxes` name
 * it; an ORDER one to every line. Every spread goes through the core's `allocate`. It is a model
 * for tests and previews: Square's own `CalculateOrder` stays the authority.
 * @category square
 */
export const calculateOrder = (order: unknown): Either<DecodeError, SquareCalculation> => {
  const read = readOrder(order)
  if (read._tag === 'Left') return read
  const { order: o, currency, lines } = read.right
  const problems: FieldProblem[] = []
  const money = (amount: number): Money => ({ amount, currency })
  const referenced = (
    field: 'applied_discounts' | 'applied_taxes',
    key: 'discount_uid' | 'tax_uid',
    uid: string | undefined,
  ) =>
    lines.map(
      ({ item }) =>
        uid !== undefined && (item[field] ?? []).some((a) => (a as unknown as Record<string, unknown>)[key] === uid),
    )
  const gross = lines.map((l) => l.gross)
  const discount = lines.map(() => 0)
  const discounts = (o.discounts ?? []).map((d, i) => {
    const applies = referenced('applied_discounts', 'discount_uid', d.uid)
    const scope = d.scope ?? (applies.some(Boolean) ? 'LINE_ITEM' : 'ORDER')
    if (scope !== 'ORDER' && scope !== 'LINE_ITEM') {
      problems.push({
        path: `discounts.${i}.scope`,
        reason: `must be "ORDER" or "LINE_ITEM", got ${JSON.stringify(scope)}`,
      })
    }
    return {
      kind: kindOf(d, `discounts.${i}`, problems),
      applies: scope === 'ORDER' ? lines.map(() => true) : applies,
      scope,
    }
  })
  for (const [i, line] of lines.entries()) {
    for (const [j, a] of (line.item.applied_discounts ?? []).entries()) {
      if (!(o.discounts ?? []).some((d) => d.uid === a.discount_uid)) {
        problems.push({
          path: `line_items.${i}.applied_discounts.${j}.discount_uid`,
          reason: `names no discount of the order (${JSON.stringify(a.discount_uid)})`,
        })
      }
    }
  }
  for (const [i, tax] of (o.taxes ?? []).entries()) {
    if (tax.percentage === undefined) {
      problems.push({
        path: `taxes.${i}.percentage`,
        reason: 'is required: a catalog tax without its rate is only known to Square',
      })
    }
    if (tax.type !== undefined && tax.type !== 'ADDITIVE' && tax.type !== 'INCLUSIVE') {
      problems.push({
        path: `taxes.${i}.type`,
        reason: `must be "ADDITIVE" or "INCLUSIVE", got ${JSON.stringify(tax.type)}`,
      })
    }
  }
  if (problems.length > 0) return left(decodeError(ORDER_DOCUMENT, problems))
  const spread = (total: number, weights: number[], applies: boolean[]) => {
    const w = weights.map((x, k) => (applies[k] ? x : 0))
    if (w.every((x) => x === 0)) return
    const shares = allocate(total, w)
    for (const [k, share] of shares.entries()) discount[k] = (discount[k] as number) + share
  }
  // Percentages first, on the gross.
  for (const { kind, applies, scope } of discounts) {
    const percentage = kind?.percentage
    if (percentage === undefined) continue
    if (scope === 'ORDER') {
      const base = gross.reduce((s, g, k) => s + (applies[k] ? g : 0), 0)
      spread(mulHalfEven(base, percentage, { digits: 1n, scale: 2 }), gross, applies)
    } else {
      for (const k of gross.keys()) {
        if (applies[k])
          discount[k] = (discount[k] as number) + mulHalfEven(gross[k] as number, percentage, { digits: 1n, scale: 2 })
      }
    }
  }
  const remaining = () => gross.map((g, k) => Math.max(0, g - (discount[k] as number)))
  // Then fixed amounts, on what remains.
  for (const { kind, applies, scope } of discounts) {
    const amount = kind?.amount
    if (amount === undefined) continue
    const left = remaining()
    if (scope === 'ORDER') {
      const room = left.reduce((s, r, k) => s + (applies[k] ? r : 0), 0)
      spread(Math.min(amount, room), left, applies)
    } else {
      for (const k of gross.keys())
        if (applies[k]) discount[k] = (discount[k] as number) + Math.min(amount, left[k] as number)
    }
  }
  const net = remaining()
  const taxes = (o.taxes ?? []).map((tax) => {
    const applies = referenced('applied_taxes', 'tax_uid', tax.uid)
    const scope = tax.scope ?? (applies.some(Boolean) ? 'LINE_ITEM' : 'ORDER')
    return {
      rate: tax.percentage === undefined ? undefined : (parseDecimal(tax.percentage, 8) as Scaled),
      inclusive: tax.type === 'INCLUSIVE',
      applies: scope === 'ORDER' ? lines.map(() => true) : applies,
    }
  })
  const lineItems = lines.map((line, k): CalculatedLine => {
    const n = net[k] as number
    let tax = 0
    let added = 0
    for (const { rate, inclusive, applies } of taxes) {
      if (rate === undefined || !applies[k]) continue
      const scale = 10n ** BigInt(rate.scale)
      const part = inclusive
        ? Number(divHalfEven(BigInt(n) * rate.digits, 100n * scale + rate.digits))
        : mulHalfEven(n, rate, { digits: 1n, scale: 2 })
      tax += part
      if (!inclusive) added += part
    }
    return {
      ...(line.item.uid === undefined ? {} : { uid: line.item.uid }),
      gross_sales_money: money(line.gross),
      total_discount_money: money((gross[k] as number) - n),
      total_tax_money: money(tax),
      total_money: money(n + added),
    }
  })
  const sum = (f: (l: CalculatedLine) => Money) => money(lineItems.reduce((s, l) => s + f(l).amount, 0))
  return right({
    line_items: lineItems,
    total_discount_money: sum((l) => l.total_discount_money),
    total_tax_money: sum((l) => l.total_tax_money),
    total_money: sum((l) => l.total_money),
  })
}
