import * as t from 'io-ts'

/**
 * Options of an object codec: a description for the JSON Schema, and a check of the decoded object
 * as a whole (rules across fields), which returns the errors it finds.
 * @category codecs
 */
export interface ObjectOptions {
  readonly description?: string
  readonly check?: (decoded: Record<string, unknown>, context: t.Context) => t.Errors
}

/**
 * The error of a field found by an object's `check`, at `path` below the object.
 * @category codecs
 */
export const fieldError = (
  context: t.Context,
  path: readonly (string | number)[],
  value: unknown,
  message: string,
): t.ValidationError => ({
  value,
  message,
  context: [...context, ...path.map((key) => ({ key: String(key), type: t.unknown, actual: undefined }))],
})

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u)

const notAnObject = (u: unknown, c: t.Context, name: string) =>
  t.failure<never>(u, c, `must be an object (${name}), got ${describeValue(u)}`)

/**
 * The object codec every Tessera document uses: required and optional properties, and a policy for
 * fields it does not know.
 *
 * - `strip` (baskets, customers): unknown vendor fields are dropped, as `t.exact` would.
 * - `refuse` (campaigns, programs): an unknown field is an error at its path, with a suggestion,
 *   because a typo such as `rewrd` would silently change what a shop gives away.
 *
 * @category codecs
 */
export class ObjectCodec<R extends t.Props, O extends t.Props> extends t.Type<
  { readonly [K in keyof R]: t.TypeOf<R[K]> } & { readonly [K in keyof O]?: t.TypeOf<O[K]> },
  unknown,
  unknown
> {
  readonly _tag = 'TesseraObject' as const
  constructor(
    name: string,
    readonly required: R,
    readonly optional: O,
    readonly unknownFields: 'strip' | 'refuse',
    readonly options: ObjectOptions = {},
  ) {
    const known = new Set([...Object.keys(required), ...Object.keys(optional)])
    // Precomputed once: the fields, and for a scalar field its check, so that a good scalar costs
    // one call (no context array, no result object); a refused one goes through `validate` for the
    // same error. On a 200-line basket in QuickJS this is most of the codec's time.
    // A PrimitiveCodec (primitive.ts, which imports this module: told by its tag, not imported).
    const checkOf = (codec: t.Mixed) =>
      (codec as { _tag?: unknown })._tag === 'TesseraPrimitive'
        ? (codec as unknown as { accepts: (u: unknown) => string | undefined }).accepts
        : undefined
    // A readonly array of a primitive: io-ts gives back the same array when every element passes.
    const arrayCheckOf = (codec: t.Mixed) => {
      const item =
        (codec as { _tag?: unknown; type?: t.Mixed })._tag === 'ReadonlyArrayType'
          ? (codec as unknown as { type: t.Mixed }).type
          : undefined
      const accepts = item === undefined ? undefined : checkOf(item)
      return accepts === undefined
        ? undefined
        : (u: unknown) => {
            // A loop, not every(): a hole of a sparse array is refused, as io-ts refuses it.
            if (!Array.isArray(u)) return 'refused'
            for (let i = 0; i < u.length; i++) if (accepts(u[i]) !== undefined) return 'refused'
            return undefined
          }
    }
    const fieldsOf = (props: t.Props) =>
      Object.entries(props).map(([key, codec]) => ({ key, codec, accepts: checkOf(codec) ?? arrayCheckOf(codec) }))
    const requiredFields = fieldsOf(required)
    const optionalFields = fieldsOf(optional)
    super(
      name,
      (u): u is never => isObject(u),
      (u, c) => {
        if (!isObject(u)) return notAnObject(u, c, name)
        const input = u
        const errors: t.Errors = []
        const out: Record<string, unknown> = {}
        if (unknownFields === 'refuse') {
          for (const key of Object.keys(input)) {
            if (!known.has(key)) {
              const hint = closest(key, [...known])
              errors.push({
                value: input[key],
                context: [...c, { key, type: t.unknown, actual: input[key] }],
                message: `unknown field${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${[...known].join(', ')}`,
              })
            }
          }
        }
        for (const { key, codec, accepts } of requiredFields) {
          const value = input[key]
          if (accepts !== undefined && value !== undefined && accepts(value) === undefined) {
            out[key] = value
            continue
          }
          const ctx = [...c, { key, type: codec, actual: value }]
          if (value === undefined) {
            errors.push({ value, context: ctx, message: `is required (${codec.name})` })
            continue
          }
          const r = codec.validate(value, ctx)
          if (r._tag === 'Left') errors.push(...r.left)
          else out[key] = r.right
        }
        for (const { key, codec, accepts } of optionalFields) {
          const value = input[key]
          if (value === undefined) continue
          if (accepts !== undefined && accepts(value) === undefined) {
            out[key] = value
            continue
          }
          const r = codec.validate(value, [...c, { key, type: codec, actual: value }])
          if (r._tag === 'Left') errors.push(...r.left)
          else out[key] = r.right
        }
        if (errors.length > 0) return t.failures(errors)
        const problems = options.check?.(out, c) ?? []
        return problems.length > 0 ? t.failures(problems) : t.success(out as never)
      },
      t.identity,
    )
  }
}

/**
 * An object used as a map: any keys, each value decoded with `codomain` at its key's path. As
 * io-ts's `record(string, codomain)`, without the machinery for enumerated keys it brings along.
 * @category codecs
 */
export class RecordCodec<C extends t.Mixed> extends t.Type<{ readonly [key: string]: t.TypeOf<C> }, unknown, unknown> {
  readonly _tag = 'TesseraRecord' as const
  constructor(
    name: string,
    readonly codomain: C,
  ) {
    super(
      name,
      (u): u is never => isObject(u) && Object.values(u).every((v) => codomain.is(v)),
      (u, c) => {
        if (!isObject(u)) return notAnObject(u, c, name)
        const input = u
        const errors: t.Errors = []
        const out: Record<string, unknown> = {}
        for (const key of Object.keys(input)) {
          const r = codomain.validate(input[key], [...c, { key, type: codomain, actual: input[key] }])
          if (r._tag === 'Left') errors.push(...r.left)
          // Defined, not assigned: a key `__proto__` (JSON.parse makes it an own key) stays a key.
          else Object.defineProperty(out, key, { value: r.right, enumerable: true, writable: true, configurable: true })
        }
        return errors.length > 0 ? t.failures(errors) : t.success(out)
      },
      t.identity,
    )
  }
}

/** A map from any key to values of `codomain` (see {@link RecordCodec}). @category codecs */
export const recordOf = <C extends t.Mixed>(name: string, codomain: C) => new RecordCodec(name, codomain)

/**
 * An object that drops unknown fields: for documents that come from foreign systems.
 * @category codecs
 */
export const looseObject = <R extends t.Props, O extends t.Props = {}>(
  name: string,
  required: R,
  optional: O = {} as O,
  options: ObjectOptions = {},
) => new ObjectCodec(name, required, optional, 'strip', options)

/**
 * An object that refuses unknown fields, naming each with a suggestion.
 * @category codecs
 */
export const strictObject = <R extends t.Props, O extends t.Props = {}>(
  name: string,
  required: R,
  optional: O = {} as O,
  options: ObjectOptions = {},
) => new ObjectCodec(name, required, optional, 'refuse', options)

/** A short, safe rendering of a value for an error message. @category codecs */
export const describeValue = (u: unknown): string => {
  if (u === undefined) return 'nothing'
  if (typeof u === 'string') return JSON.stringify(u.length > 40 ? `${u.slice(0, 40)}…` : u)
  if (Array.isArray(u)) return 'an array'
  if (u === null) return 'null'
  if (typeof u === 'object') return 'an object'
  return String(u)
}

/**
 * The candidate closest to `key` (case-insensitive edit distance ≤ 2), for "did you mean" hints.
 * @category codecs
 */
export const closest = (key: string, candidates: readonly string[]): string | undefined => {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of candidates) {
    const d = levenshtein(key.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      bestDistance = d
      best = candidate
    }
  }
  return best
}

const levenshtein = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length] as number
}
