import type { Selector, SpendBasis } from '../campaign.codec.js'
import { type ConditionFn, failShort, lastShortfall, linesOf, OK, selection } from '../context.js'

/**
 * `{ "spend": { "of": sel?, "atLeast": 2000, "basis": "net" } }`: the money spent on the lines
 * (default: the whole basket). `net` (the default) counts what is left after the campaigns applied
 * before this one, so a threshold never counts money the customer does not pay; `gross` counts line
 * amounts before any discount.
 */
export const spend = (spec: {
  readonly of?: Selector
  readonly atLeast: number
  readonly basis?: SpendBasis
}): ConditionFn => {
  const sel = selection(spec.of ?? '*')
  const gross = spec.basis === 'gross'
  const short = lastShortfall((total) =>
    failShort(
      {
        code: 'MIN_SPEND',
        required: spec.atLeast,
        actual: total,
        message: gross ? 'spend before any discount' : 'spend after the discounts applied before this campaign',
      },
      'amount',
      spec.atLeast - total,
      sel,
    ),
  )
  return (ctx, state) => {
    let total = 0
    if (sel.match === undefined) total = gross ? ctx.gross : state.total
    else for (const i of linesOf(ctx, sel)) total += gross ? ctx.lines[i]!.amount : state.remaining[i]!
    return total >= spec.atLeast ? OK : short(total)
  }
}
