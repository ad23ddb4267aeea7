import type { Selector } from '../campaign.codec.js'
import { type BasketContext, linesOf, type Selection, type State, selection } from '../context.js'

/** The selection of the lines a reward may discount (see {@link rewardableLines}). */
export const rewardable = (selector: Selector | 'basket'): Selection => selection(selector)

/** The selected lines that are discountable and not yet at zero, and their remaining amounts (the allocation weights). */
export const rewardableLines = (
  ctx: BasketContext,
  state: State,
  sel: Selection,
): { lines: number[]; weights: number[]; total: number } => {
  const lines: number[] = []
  const weights: number[] = []
  let total = 0
  for (const i of linesOf(ctx, sel)) {
    if (ctx.discountable[i] !== true || (state.remaining[i] as number) === 0) continue
    lines.push(i)
    const r = state.remaining[i] as number
    weights.push(r)
    total += r
  }
  return { lines, weights, total }
}
