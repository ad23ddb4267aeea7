import { left } from 'fp-ts/lib/Either.js'

// ── errors ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Why a barcode was refused: `BAD_CHECK_DIGIT` (with `expected` and `actual`),
 * `BAD_PRICE_CHECK_DIGIT` (the verifier digit of an embedded price/weight, with `expected` and
 * `actual`), `UNSUPPORTED` (a well-formed code this parser does not read) or `MALFORMED`.
 * @category gs1
 */
export interface Gs1Error {
  readonly _tag: 'Gs1Error'
  readonly reason: 'BAD_CHECK_DIGIT' | 'BAD_PRICE_CHECK_DIGIT' | 'UNSUPPORTED' | 'MALFORMED'
  readonly barcode: string
  readonly message: string
  readonly expected?: number
  readonly actual?: number
}

/** A Gs1Error as a Left (internal to the GS1 readers). */
export const fail = (barcode: string, reason: Gs1Error['reason'], message: string, extra: Partial<Gs1Error> = {}) =>
  left<Gs1Error>({ _tag: 'Gs1Error', reason, barcode, message, ...extra })

/** Thrown inside a reader for a MALFORMED barcode, caught at its door (internal). */
export class Malformed extends Error {}

/** Thrown inside a reader for an UNSUPPORTED barcode, caught at its door (internal). */
export class Unsupported extends Error {}
