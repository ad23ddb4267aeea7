import type { Campaign, Program } from '../rules/campaign.codec.js'
import { type CompileOptions, compile } from '../rules/compile.js'
import { codeInPool } from '../rules/conditions/code.js'
import { evaluate } from '../rules/evaluate.js'
import type { Pricer } from './model.js'

/**
 * The checkout's {@link Pricer} over the rules engine: the campaigns compiled once, then `evaluate`
 * with the usage snapshot, so that limits and budgets are judged by the engine itself (a used-up
 * limit stops its campaign, a partly covered budget is cut before points are computed) — the one
 * limits engine that `tessera evaluate --usage`, `price()` and `close()` share. Accepted codes are
 * handed to the engine so that it matches each to its pool: a code that does not already read
 * `POOL-…` (a signed checkout coupon) is passed as `POOL-<code>`.
 * @category checkout
 */
export const enginePricer = (
  campaigns: readonly Campaign[],
  options: CompileOptions = {},
  program?: Program,
): Pricer => {
  const compiled = compile(campaigns, options)
  return (input) => {
    const codes = input.codes.map((c) => (codeInPool(c.code, c.pool) ? c.code : `${c.pool}-${c.code}`))
    const { codes: _typed, ...rest } = input.basket
    return evaluate(compiled, codes.length > 0 ? { ...rest, codes } : rest, input.customer, program, input.usage)
  }
}
