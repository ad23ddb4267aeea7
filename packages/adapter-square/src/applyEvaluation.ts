import { type DecodeError, decodeError, type Evaluation, type FieldProblem } from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { ORDER_DOCUMENT, readOrder } from './order.js'

/** The prefix of the uid of every discount the adapter writes, so a second apply replaces them. @category square */
export const TESSERA_UID_PREFIX = 'tessera-'

/** A Square order as JSON: the input order with Tessera's discounts. @category square */
export type SquareOrderJson = { readonly [key: string]: unknown }

type Json = Record<string, unknown>

const isTessera = (uid: unknown): boolean => typeof uid === 'string' && uid.startsWith(TESSERA_UID_PREFIX)

/**
 * Writes a Tessera `Evaluation` of the order (from {@link orderToBasket}'s basket) onto the
 * Square order: one `FIXED_AMOUNT`, `LINE_ITEM`-scope discount per (campaign, line) allocation, with
 * `amount_money` and `applied_money` equal to Tessera's allocation, applied to that line only
 * through its `applied_discounts`. Square then computes Tessera's net for every line, and its taxes
 * on that net (taxes stay Square's). Every other field of the order is kept as it came.
 *
 * - `pricing_options.auto_apply_discounts` is set to `false`: Square's own automatic discounts would
 *   come on top of Tessera's.
 * - Discounts a previous apply wrote (uid `tessera-…`) are replaced; any other discount on the order
 *   is refused (`discounts.0`), since Square would add it to Tessera's and the totals would differ.
 * - The evaluation must be of this order: its lines are the order's lines (same ids, same gross
 *   amounts), and its allocations add up to each line's discount; otherwise the error names the
 *   field of the evaluation.
 * @category square
 */
export const applyEvaluation = (order: unknown, evaluation: Evaluation): Either<DecodeError, SquareOrderJson> => {
  const read = readOrder(order)
  if (read._tag === 'Left') return read
  const { currency, lines } = read.right
  const raw = order as Json
  const orderProblems: FieldProblem[] = []
  const rawDiscounts = (raw.discounts ?? []) as readonly Json[]
  for (const [i, d] of rawDiscounts.entries()) {
    if (!isTessera(d.uid)) {
      orderProblems.push({
        path: `discounts.${i}`,
        reason: `the order already carries a discount Tessera did not make (${JSON.stringify(d.name ?? d.uid ?? i)}); Square would apply it on top of Tessera's, so remove it or make it a Tessera campaign`,
      })
    }
  }
  if (orderProblems.length > 0) return left(decodeError(ORDER_DOCUMENT, orderProblems))

  const problems: FieldProblem[] = []
  const byId = new Map(lines.map((l) => [l.id, l]))
  const covered = new Set<string>()
  for (const [k, line] of evaluation.lines.entries()) {
    const own = byId.get(line.id)
    if (own === undefined) {
      problems.push({ path: `lines.${k}.id`, reason: `names no line of the order (${JSON.stringify(line.id)})` })
      continue
    }
    covered.add(line.id)
    if (own.gross !== line.amount) {
      problems.push({
        path: `lines.${k}.amount`,
        reason: `is ${line.amount}, but the order's line_items.${own.index} grosses ${own.gross}: the evaluation is of another order`,
      })
    }
  }
  for (const l of lines) {
    if (!covered.has(l.id))
      problems.push({ path: 'lines', reason: `misses the order's line_items.${l.index} (id ${JSON.stringify(l.id)})` })
  }
  const allocated = new Map<string, number>()
  const added: { discount: Json; lineIndex: number; applied: Json }[] = []
  for (const [i, d] of evaluation.discounts.entries()) {
    let sum = 0
    for (const [j, a] of d.allocations.entries()) {
      sum += a.amount
      const own = byId.get(a.lineId)
      if (own === undefined) {
        problems.push({
          path: `discounts.${i}.allocations.${j}.lineId`,
          reason: `names no line of the order (${JSON.stringify(a.lineId)})`,
        })
        continue
      }
      allocated.set(a.lineId, (allocated.get(a.lineId) ?? 0) + a.amount)
      if (a.amount === 0) continue
      const uid = `${TESSERA_UID_PREFIX}${i}-${own.index}`
      const amount = { amount: a.amount, currency }
      added.push({
        lineIndex: own.index,
        discount: {
          uid,
          name: d.label === '' ? d.campaignId : d.label,
          type: 'FIXED_AMOUNT',
          scope: 'LINE_ITEM',
          amount_money: amount,
          applied_money: amount,
          metadata: { tessera_campaign_id: d.campaignId.slice(0, 255) },
        },
        applied: { uid: `${uid}-applied`, discount_uid: uid, applied_money: amount },
      })
    }
    if (sum !== d.amount) {
      problems.push({ path: `discounts.${i}.amount`, reason: `is ${d.amount}, but its allocations add up to ${sum}` })
    }
  }
  for (const [k, line] of evaluation.lines.entries()) {
    const sum = allocated.get(line.id) ?? 0
    if (byId.has(line.id) && sum !== line.discount) {
      problems.push({
        path: `lines.${k}.discount`,
        reason: `is ${line.discount}, but the allocations to this line add up to ${sum}`,
      })
    }
  }
  if (problems.length > 0) return left(decodeError('evaluation', problems))

  const rawLines = raw.line_items as readonly Json[]
  const lineItems = rawLines.map((item, index) => {
    const kept = ((item.applied_discounts ?? []) as readonly Json[]).filter((a) => !isTessera(a.discount_uid))
    const mine = added.filter((a) => a.lineIndex === index).map((a) => a.applied)
    const { applied_discounts: _old, ...rest } = item
    return kept.length + mine.length === 0 ? rest : { ...rest, applied_discounts: [...kept, ...mine] }
  })
  const { discounts: _oldDiscounts, ...withoutDiscounts } = raw
  return right({
    ...withoutDiscounts,
    line_items: lineItems,
    ...(added.length === 0 ? {} : { discounts: added.map((a) => a.discount) }),
    pricing_options: { ...((raw.pricing_options ?? {}) as Json), auto_apply_discounts: false },
  })
}
