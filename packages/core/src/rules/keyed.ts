import * as t from 'io-ts'
import { closest, describeValue } from '../codec/object.js'

/**
 * A union discriminated by the single key of an object (`{ "percentOff": {...} }`), plus optional
 * string literals (`"*"`). Unlike `t.union`, a mistake gives ONE clear error at the union's path:
 * `unknown reward "percentof" (did you mean "percentOff"?)`, or the errors of the one branch named
 * by the key. Cases are given lazily so unions can nest recursively (`{ "all": [...] }`).
 * @category codecs
 */
export class KeyedUnionCodec<A> extends t.Type<A, A, unknown> {
  readonly _tag = 'TesseraKeyedUnion' as const
  /** The codec of each key (resolved on first use, so unions can refer to themselves). @category codecs */
  readonly cases: () => Readonly<Record<string, t.Any>>
  constructor(
    name: string,
    readonly kind: string,
    lazyCases: () => Readonly<Record<string, t.Any>>,
    readonly literals: readonly string[] = [],
    readonly description?: string,
  ) {
    let resolved: Readonly<Record<string, t.Any>> | undefined
    const resolve = () => {
      if (resolved === undefined) resolved = lazyCases()
      return resolved
    }
    const validate = (u: unknown, c: t.Context): t.Validation<A> => {
      const cases = resolve()
      const keys = Object.keys(cases)
      const expected = [...literals.map((l) => JSON.stringify(l)), ...keys.map((k) => `{"${k}": …}`)].join(', ')
      if (typeof u === 'string') {
        if (literals.includes(u)) return t.success(u as A)
        const hint = closest(u, [...literals, ...keys])
        return t.failure(
          u,
          c,
          `unknown ${kind} ${JSON.stringify(u)}${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${expected}`,
        )
      }
      if (typeof u !== 'object' || u === null || Array.isArray(u)) {
        return t.failure(u, c, `must be a ${kind} (one of ${expected}), got ${describeValue(u)}`)
      }
      const own = Object.keys(u)
      if (own.length !== 1) {
        return t.failure(
          u,
          c,
          `a ${kind} must be an object with exactly one key (one of ${keys.join(', ')}), got ${own.length === 0 ? 'none' : own.map((k) => JSON.stringify(k)).join(', ')}`,
        )
      }
      const key = own[0] as string
      const codec = cases[key]
      if (codec === undefined) {
        const hint = closest(key, keys)
        return t.failure(
          u,
          c,
          `unknown ${kind} ${JSON.stringify(key)}${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${keys.join(', ')}`,
        )
      }
      const value = (u as Record<string, unknown>)[key]
      const r = codec.validate(value, [...c, { key, type: codec, actual: value }])
      return r._tag === 'Left' ? r : t.success({ [key]: r.right } as A)
    }
    super(name, (u): u is A => validate(u, [])._tag === 'Right', validate, t.identity)
    this.cases = resolve
  }
}

/**
 * Declares a {@link KeyedUnionCodec}.
 * @category codecs
 */
export const keyedUnion = <A>(
  name: string,
  kind: string,
  cases: () => Readonly<Record<string, t.Any>>,
  literals: readonly string[] = [],
  description?: string,
): KeyedUnionCodec<A> => new KeyedUnionCodec<A>(name, kind, cases, literals, description)
