import * as t from 'io-ts'
import { describeValue } from './object.js'

/** A fragment of JSON Schema (draft 2020-12). @category codecs */
export type JsonSchema = { readonly [key: string]: unknown }

/**
 * A scalar codec with a precise error message and the JSON Schema that says the same thing.
 * Every Tessera scalar (minor units, percent, ISO time, currency…) is one of these, so the
 * printed schema and the decoder cannot drift apart.
 * @category codecs
 */
export class PrimitiveCodec<A> extends t.Type<A, A, unknown> {
  readonly _tag = 'TesseraPrimitive' as const
  constructor(
    name: string,
    readonly accepts: (u: unknown) => string | undefined,
    readonly schema: JsonSchema,
  ) {
    super(
      name,
      (u): u is A => accepts(u) === undefined,
      (u, c) => {
        const problem = accepts(u)
        return problem === undefined ? t.success(u as A) : t.failure(u, c, `${problem}, got ${describeValue(u)}`)
      },
      t.identity,
    )
  }
}

/**
 * Declares a scalar codec from a check that returns the reason a value is refused, or nothing.
 * @category codecs
 */
export const primitive = <A>(name: string, accepts: (u: unknown) => string | undefined, schema: JsonSchema) =>
  new PrimitiveCodec<A>(name, accepts, schema)

/**
 * Why a string is refused as text Tessera stores: it holds a NUL character (U+0000), which
 * PostgreSQL cannot store in `text` and which no till, card or code legitimately carries.
 * `undefined` when the string is fine.
 * @category codecs
 */
export const textProblem = (s: string): string | undefined =>
  s.includes('\u0000') ? 'must not contain a NUL character (U+0000)' : undefined

/** A non-empty string without NUL characters (see {@link textProblem}). @category codecs */
export const NonEmptyString = primitive<string>(
  'NonEmptyString',
  (u) => (typeof u === 'string' && u.length > 0 ? textProblem(u) : 'must be a non-empty string'),
  { type: 'string', minLength: 1, pattern: '^[^\\u0000]+$' },
)

/** Any string without NUL characters (labels, messages). @category codecs */
export const Text = primitive<string>('Text', (u) => (typeof u === 'string' ? textProblem(u) : 'must be a string'), {
  type: 'string',
  pattern: '^[^\\u0000]*$',
})

/** A finite number. @category codecs */
export const FiniteNumber = primitive<number>(
  'FiniteNumber',
  (u) => (typeof u === 'number' && Number.isFinite(u) ? undefined : 'must be a number'),
  { type: 'number' },
)

/** A whole number ≥ 0. @category codecs */
export const Count = primitive<number>(
  'Count',
  (u) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 ? undefined : 'must be a whole number ≥ 0'),
  { type: 'integer', minimum: 0 },
)

/** A whole number ≥ 1. @category codecs */
export const PositiveCount = primitive<number>(
  'PositiveCount',
  (u) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= 1 ? undefined : 'must be a whole number ≥ 1'),
  { type: 'integer', minimum: 1 },
)

/**
 * A string enumeration, with the allowed values in its error message.
 * @category codecs
 */
export const oneOf = <const V extends readonly string[]>(name: string, values: V) =>
  primitive<V[number]>(
    name,
    (u) =>
      typeof u === 'string' && (values as readonly string[]).includes(u)
        ? undefined
        : `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
    { type: 'string', enum: [...values] },
  )

/** A JSON scalar type, as `typeof` names it. @category codecs */
export type ScalarKind = 'string' | 'number' | 'boolean'

const KIND_NAMES: Record<ScalarKind, string> = { string: 'a string', number: 'a number', boolean: 'a boolean' }
const PLURAL: Record<ScalarKind, string> = { string: 'strings', number: 'numbers', boolean: 'booleans' }
const ofKind = (u: unknown, kinds: readonly ScalarKind[]) => (kinds as readonly string[]).includes(typeof u)
const listed = (words: readonly string[]) =>
  words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`

/**
 * A value of one of the JSON scalar types `kinds`, or, with `listOf`, a list of values of those
 * types (customer attributes, the values an attribute condition accepts, a reason's `required` and
 * `actual`). One check and one message where io-ts would take a union (whose machinery to find a
 * union's tags was 3 KB of the engine bundle).
 * @category codecs
 */
export const scalarOf = <A>(name: string, kinds: readonly ScalarKind[], listOf?: readonly ScalarKind[]) => {
  const expected = listed([
    ...kinds.map((k) => KIND_NAMES[k]),
    ...(listOf === undefined ? [] : [`a list of ${listed(listOf.map((k) => PLURAL[k]))}`]),
  ])
  const schemaOf = (ks: readonly ScalarKind[]) => (ks.length === 1 ? { type: ks[0] } : { type: [...ks] })
  return primitive<A>(
    name,
    (u) => {
      if (ofKind(u, kinds)) return undefined
      if (listOf !== undefined && Array.isArray(u)) {
        // A loop, not every(): a hole of a sparse array is refused.
        for (let i = 0; i < u.length; i++) if (!ofKind(u[i], listOf)) return `must be ${expected}`
        return undefined
      }
      return `must be ${expected}`
    },
    listOf === undefined ? schemaOf(kinds) : { anyOf: [schemaOf(kinds), { type: 'array', items: schemaOf(listOf) }] },
  )
}
