import { type ConditionFn, fail, OK } from '../context.js'

/**
 * Whether a scanned code belongs to a pool. A code belongs to pool `XMAS26` when it IS `XMAS26`
 * (a shared public code) or when its prefix before the first `-` is `XMAS26` (`XMAS26-7KQ2-X9PD`,
 * a generated code). Exact, case-sensitive.
 */
export const codeInPool = (code: string, pool: string): boolean =>
  code === pool || (code.length > pool.length && code.startsWith(pool) && code[pool.length] === '-')

/** The first of the basket's codes that belongs to the pool. */
export const findCode = (codes: readonly string[], pool: string): string | undefined => {
  for (const code of codes) if (codeInPool(code, pool)) return code
  return undefined
}

/** `{ "code": "XMAS26" }`: the basket carries a code of that pool (see {@link codeInPool}). */
export const code =
  (pool: string): ConditionFn =>
  (ctx) =>
    findCode(ctx.codes, pool) !== undefined
      ? OK
      : fail({ code: 'CODE_REQUIRED', required: pool, actual: [...ctx.codes] })
