import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { describeValue } from './object.js'

/**
 * One refused field: where it is (`lines.1.quantity`) and why.
 * @category errors
 */
export interface FieldProblem {
  readonly path: string
  readonly reason: string
}

/**
 * A document that could not be decoded. `problems` names every refused field; `message` is the
 * same in one readable paragraph, ready for a CLI or an HTTP 400.
 * @category errors
 */
export interface DecodeError {
  readonly _tag: 'DecodeError'
  readonly document: string
  readonly problems: readonly FieldProblem[]
  readonly message: string
}

/** Builds a {@link DecodeError} from problems. @category errors */
export const decodeError = (document: string, problems: readonly FieldProblem[]): DecodeError => ({
  _tag: 'DecodeError',
  document,
  problems,
  message: `invalid ${document}: ${problems.map((p) => `${p.path || '(root)'}: ${p.reason}`).join('; ')}`,
})

const PASS_THROUGH = new Set(['IntersectionType', 'UnionType'])

/** The dotted path of an io-ts context, without the indexes io-ts adds for unions and intersections. */
export const pathOf = (context: t.Context): string => {
  const keys: string[] = []
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1]?.type as { _tag?: string } | undefined
    if (parent?._tag !== undefined && PASS_THROUGH.has(parent._tag)) continue
    const key = context[i]?.key
    if (key !== undefined && key !== '') keys.push(key)
  }
  return keys.join('.')
}

/** Turns io-ts errors into field problems, deduplicated, at most 20. @category errors */
export const problemsOf = (errors: t.Errors): FieldProblem[] => {
  const seen = new Set<string>()
  const problems: FieldProblem[] = []
  for (const e of errors) {
    const path = pathOf(e.context)
    const last = e.context[e.context.length - 1]
    const reason = e.message ?? `must be ${last?.type.name ?? 'valid'}, got ${describeValue(e.value)}`
    const id = `${path}\u0000${reason}`
    if (seen.has(id)) continue
    seen.add(id)
    problems.push({ path, reason })
    if (problems.length >= 20) break
  }
  return problems
}

/**
 * Decodes an untrusted value with a codec. The boundary of Tessera: after this, the types are trusted.
 * @category codecs
 */
export const decodeWith =
  <A>(codec: t.Decoder<unknown, A>, document: string) =>
  (u: unknown): Either<DecodeError, A> => {
    const r = codec.decode(u)
    return r._tag === 'Right' ? right(r.right) : left(decodeError(document, problemsOf(r.left)))
  }

/**
 * Parses JSON text; malformed text is a {@link DecodeError} at the root with the parser's reason.
 * @category codecs
 */
export const parseJson = (text: string, document: string): Either<DecodeError, unknown> => {
  try {
    return right(JSON.parse(text) as unknown)
  } catch (e) {
    return left(decodeError(document, [{ path: '', reason: `malformed JSON (${(e as Error).message})` }]))
  }
}
