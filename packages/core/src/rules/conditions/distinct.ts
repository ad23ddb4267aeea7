import { compileSelector } from '../../catalog/selector.js'
import type { Selector } from '../campaign.codec.js'
import { type ConditionFn, fail, OK, selection } from '../context.js'

/** `{ "distinct": { "of": sel, "atLeast": 3 } }`: at least n different SKUs among the lines. */
export const distinct = (spec: { readonly of: Selector; readonly atLeast: number }): ConditionFn => {
  const match = compileSelector(spec.of)
  const sel = selection(spec.of)
  return (ctx) => {
    const skus = new Set<string>()
    for (const line of ctx.lines) if (match(line)) skus.add(line.sku)
    return skus.size >= spec.atLeast
      ? OK
      : fail(
          { code: 'MIN_DISTINCT', required: spec.atLeast, actual: skus.size },
          { kind: 'distinct', value: spec.atLeast - skus.size, of: sel },
        )
  }
}
