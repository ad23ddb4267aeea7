import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { type DecodeError, decodeError, decodeWith, type FieldProblem } from '../codec/decode.js'
import { fieldError, strictObject } from '../codec/object.js'
import { Count, NonEmptyString, oneOf, PositiveCount } from '../codec/primitive.js'
import type { CodePool } from './model.js'

// The checks a store applies before writing a pool or a batch of codes: a database outlives its
// caller, so what goes into it is decoded first.

const PoolKindCodec = strictObject(
  'CodePoolKind',
  { type: oneOf('CodePoolKindType', ['singleUse', 'multiUse'] as const) },
  { perCustomerLimit: PositiveCount },
  {
    check: (k, c) =>
      k.type === 'multiUse' && k.perCustomerLimit === undefined
        ? [fieldError(c, ['perCustomerLimit'], undefined, 'is required for a multiUse pool (PositiveCount)')]
        : k.type === 'singleUse' && k.perCustomerLimit !== undefined
          ? [fieldError(c, ['perCustomerLimit'], k.perCustomerLimit, 'applies to multiUse pools only')]
          : [],
  },
)

/** The code pool codec: strict, with a non-empty validity window. @category codecs */
export const CodePoolCodec = strictObject(
  'CodePool',
  { id: NonEmptyString, kind: PoolKindCodec },
  { pattern: NonEmptyString, campaignId: NonEmptyString, validFromMs: Count, validUntilMs: Count },
  {
    check: (p, c) =>
      typeof p.validFromMs === 'number' && typeof p.validUntilMs === 'number' && p.validFromMs >= p.validUntilMs
        ? [fieldError(c, ['validUntilMs'], p.validUntilMs, 'must be after validFromMs')]
        : [],
  },
)

/** A pool as `putPool` accepts it: a non-empty id, a known kind, a window that is not empty. @category checkout */
export const decodeCodePool = decodeWith(CodePoolCodec, 'code pool') as (u: unknown) => Either<DecodeError, CodePool>

/** A batch of codes as `addCodes` accepts it: an array of non-empty strings (the first 20 problems named). @category checkout */
export const decodeCodeBatch = (u: unknown): Either<DecodeError, readonly string[]> => {
  if (!Array.isArray(u)) return left(decodeError('code batch', [{ path: '', reason: 'must be an array of codes' }]))
  const problems: FieldProblem[] = []
  for (let i = 0; i < u.length && problems.length < 20; i++) {
    const code: unknown = u[i]
    if (typeof code !== 'string' || code.length === 0)
      problems.push({ path: String(i), reason: 'must be a non-empty string' })
  }
  return problems.length > 0 ? left(decodeError('code batch', problems)) : right(u as readonly string[])
}
