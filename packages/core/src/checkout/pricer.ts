import type { Campaign, Program } from '../rules/campaign.codec.js'
import { type Compiled, type CompileOptions, compile } from '../rules/compile.js'
import { codeInPool } from '../rules/conditions/code.js'
import { evaluate } from '../rules/evaluate.js'
import type { Pricer } from './model.js'

const CACHE_SIZE = 64

/**
 * The checkout's {@link Pricer} over the rules engine: `evaluate` on the campaigns compiled without
 * the excluded ones (compilations are cached per exclusion set, at most 64). Accepted codes are
 * handed to the engine so that it matches each to its pool: a code that does not already read
 * `POOL-…` (a signed checkout coupon) is passed as `POOL-<code>`. Limits and budgets are judged by
 * the checkout, not by the engine, so no usage is passed to it.
 * @category checkout
 */
export const enginePricer = (
  campaigns: readonly Campaign[],
  options: CompileOptions = {},
  program?: Program,
): Pricer => {
  const cache = new Map<string, Compiled>()
  return (input) => {
    const key = [...input.exclude].sort().join('\n')
    let compiled = cache.get(key)
    if (compiled === undefined) {
      compiled = compile(
        campaigns.filter((c) => !input.exclude.has(c.id)),
        options,
      )
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string)
      cache.set(key, compiled)
    }
    const codes = input.codes.map((c) => (codeInPool(c.code, c.pool) ? c.code : `${c.pool}-${c.code}`))
    const { codes: _typed, ...rest } = input.basket
    return evaluate(compiled, codes.length > 0 ? { ...rest, codes } : rest, input.customer, program)
  }
}
