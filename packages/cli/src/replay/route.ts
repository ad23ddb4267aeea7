/**
 * What the calling thread of `tessera simulate --workers N` reads of a history text to route it to
 * its customer shard: the customer key (member, else card), the sale a return is of, and the time.
 *
 * By `JSON.parse`: a scanner that kept only these strings and stepped over the basket's lines
 * (checking the JSON grammar, so as to answer exactly as JSON.parse does) was tried and measured
 * no cheaper in `pnpm bench:simulate` (24.2 µs a 40-line text against 23.8 µs): touching each of a
 * text's 4,000 characters once in JavaScript already costs about 9 µs, and V8's JSON.parse is native.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** What routing needs of a history text; every field `undefined` (and `atMs` NaN) for a text that is not a JSON object. */
export interface Route {
  /** The customer key of a sale (member, else card, as `customerKeyOf` makes it), else `undefined`. */
  readonly key: string | undefined
  readonly basketId: string | undefined
  /** The sale a return is of; `undefined` for a sale. */
  readonly of: string | undefined
  /** The sale's or the return's time (`Date.parse`), NaN when it has none. */
  readonly atMs: number
}

const NOTHING: Route = { key: undefined, basketId: undefined, of: undefined, atMs: Number.NaN }

// ── routing ──────────────────────────────────────────────────────────────────────────────────────

const str = (u: unknown): string | undefined => (typeof u === 'string' ? u : undefined)
/** A property bag of a value that is an object (arrays too, as `typeof` says), else undefined. */
const bag = (u: unknown): Record<string, unknown> | undefined =>
  typeof u === 'object' && u !== null ? (u as Record<string, unknown>) : undefined

/**
 * The route of a history text: a text that does not parse, or is not an object, has nothing to
 * route by (it goes anywhere, and its shard reports it).
 */
export const routeOf = (text: string): Route => {
  let u: unknown
  try {
    u = JSON.parse(text)
  } catch {
    return NOTHING
  }
  const o = bag(u) ?? {}
  const r = bag(o.return)
  if (r !== undefined) return { key: undefined, basketId: undefined, of: str(r.of), atMs: Date.parse(str(r.at) ?? '') }
  const basket = bag(o.basket) ?? {}
  const customer = bag(o.customer) ?? {}
  const memberId = str(customer.memberId)
  const card = str(customer.card) ?? str(basket.card)
  return {
    key: memberId !== undefined ? `member:${memberId}` : card !== undefined ? `card:${card}` : undefined,
    basketId: str(basket.id),
    of: undefined,
    atMs: Date.parse(str(basket.at) ?? ''),
  }
}
