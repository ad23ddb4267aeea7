import type { Selector } from '../campaign.codec.js'
import { type BasketContext, linesOf, type Selection, type State, selection } from '../context.js'

/** The selection of the lines a reward may discount (see {@link rewardableLines}). */
export const rewardable = (selector: Selector | 'basket'): Selection => selection(selector)

/** The selected lines that are discountable and not yet at zero, and their remaining amounts (the allocation weights). */
export const rewardableLines = (
  ctx: BasketContext,
  state: State,
  sel: Selection,
): { lines: readonly number[]; weights: number[]; total: number } => {
  const selected = linesOf(ctx, sel)
  // Sized once for every selected line, then cut to the lines kept (no growth while filling).
  // When every selected line is kept, the selection itself is the list of lines.
  const n = selected.length
  const weights = new Array<number>(n)
  let lines: number[] | undefined
  let kept = 0
  let total = 0
  for (let k = 0; k < n; k++) {
    const i = selected[k] as number
    const r = state.remaining[i] as number
    if (r === 0 || ctx.discountable[i] !== true) {
      if (lines === undefined) lines = selected.slice(0, k)
      continue
    }
    if (lines !== undefined) lines.push(i)
    weights[kept] = r
    kept++
    total += r
  }
  weights.length = kept
  return { lines: lines ?? selected, weights, total }
}
