import type { Selector } from '../campaign.codec.js'
import { type ConditionFn, fail, linesOf, OK, selection } from '../context.js'

/** `{ "contains": sel }`: the basket holds at least one line the selector picks. */
export const contains = (selector: Selector): ConditionFn => {
  const sel = selection(selector)
  return (ctx) => {
    if (linesOf(ctx, sel).length > 0) return OK
    return fail({ code: 'MISSING_ITEM', required: 1, actual: 0 }, { kind: 'quantity', value: 1, of: sel })
  }
}
