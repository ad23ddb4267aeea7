import type { Selector } from '../campaign.codec.js'
import { type ConditionFn, failShort, lastShortfall, linesOf, OK, selection } from '../context.js'

/** `{ "quantity": { "of": sel, "atLeast": n } }`: at least n units of `each` lines (measured lines do not count). */
export const quantity = (spec: { readonly of: Selector; readonly atLeast: number }): ConditionFn => {
  const sel = selection(spec.of)
  const short = lastShortfall((count) =>
    failShort({ code: 'MIN_QUANTITY', required: spec.atLeast, actual: count }, 'quantity', spec.atLeast - count, sel),
  )
  return (ctx) => {
    let count = 0
    for (const i of linesOf(ctx, sel)) count += ctx.units[i]!
    return count >= spec.atLeast ? OK : short(count)
  }
}
