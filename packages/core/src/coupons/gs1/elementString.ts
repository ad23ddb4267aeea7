import { type Either, right } from 'fp-ts/lib/Either.js'
import { type DataBar8110Coupon, type DataBar8112Coupon, parse8110, parse8112 } from './databar.js'
import { checkDigitOf } from './ean13.js'
import { fail, type Gs1Error, Malformed, Unsupported } from './errors.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** A Global Coupon Number, AI 255 (with AI 8111 points or AI 394n percent off if present). @category gs1 */
export interface GlobalCouponNumber {
  readonly kind: 'coupon'
  readonly scheme: 'gcn-255'
  readonly gcn: string
  readonly serial?: string
  readonly loyaltyPoints?: number
  /** Percent off as a decimal string (`12.5`). */
  readonly percentOff?: string
}

/** What a GS1 element string (AI 8110, 8112, or 255 with 8111/394n) is. @category gs1 */
export type ElementStringCoupon = DataBar8110Coupon | DataBar8112Coupon | GlobalCouponNumber

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/** Application identifiers this parser reads: fixed length, or max length of a variable field. */
const AIS: { readonly [ai: string]: { readonly fixed?: number; readonly max?: number } } = {
  '255': { max: 25 },
  '8110': { max: 70 },
  '8111': { fixed: 4 },
  '8112': { max: 70 },
  '3940': { fixed: 4 },
  '3941': { fixed: 4 },
  '3942': { fixed: 4 },
  '3943': { fixed: 4 },
}

/** The GS1 group separator (FNC1 in a raw element string). */
export const GS = '\u001d'

const elementsOf = (text: string): Map<string, string> => {
  const elements = new Map<string, string>()
  if (text.startsWith('(')) {
    const re = /\((\d{2,4})\)([^(]*)/gy
    let m: RegExpExecArray | null
    let end = 0
    // biome-ignore lint/suspicious/noAssignInExpressions: a regex scan loop
    while ((m = re.exec(text)) !== null) {
      elements.set(m[1] as string, m[2] as string)
      end = re.lastIndex
    }
    if (end !== text.length) throw new Malformed(`cannot read ${JSON.stringify(text.slice(end))} as "(AI)data"`)
  } else {
    let at = 0
    while (at < text.length) {
      if (text[at] === GS) {
        at++
        continue
      }
      const ai = ['255', '8110', '8111', '8112', '3940', '3941', '3942', '3943'].find((a) => text.startsWith(a, at))
      if (ai === undefined)
        throw new Unsupported(
          `application identifier at ${JSON.stringify(text.slice(at, at + 4))} is not one this parser reads`,
        )
      at += ai.length
      const spec = AIS[ai] as { fixed?: number; max?: number }
      const end =
        spec.fixed !== undefined ? at + spec.fixed : text.indexOf(GS, at) < 0 ? text.length : text.indexOf(GS, at)
      elements.set(ai, text.slice(at, end))
      at = end
    }
  }
  for (const [ai, data] of elements) {
    const spec = AIS[ai]
    if (spec === undefined) throw new Unsupported(`AI ${ai} is not one this parser reads`)
    if (!/^\d+$/.test(data)) throw new Malformed(`AI ${ai}: data must be digits, got ${JSON.stringify(data)}`)
    if (spec.fixed !== undefined && data.length !== spec.fixed)
      throw new Malformed(`AI ${ai}: must be ${spec.fixed} digits, got ${data.length}`)
    if (spec.max !== undefined && data.length > spec.max)
      throw new Malformed(`AI ${ai}: at most ${spec.max} digits, got ${data.length}`)
  }
  return elements
}

/**
 * Reads a GS1 element string (raw with GS separators, or written `(8110)…`): a DataBar coupon or a
 * Global Coupon Number (internal: see `parseBarcode`).
 */
export const parseElementString = (barcode: string, text: string): Either<Gs1Error, ElementStringCoupon> => {
  try {
    const e = elementsOf(text)
    const points = e.has('8111') ? Number(e.get('8111')) : undefined
    if (e.has('8110')) {
      const coupon = parse8110(e.get('8110') as string)
      return right(points === undefined ? coupon : { ...coupon, loyaltyPoints: points })
    }
    if (e.has('8112')) return right(parse8112(e.get('8112') as string))
    const gcnData = e.get('255')
    if (gcnData !== undefined) {
      if (gcnData.length < 13)
        throw new Malformed(`AI 255: the Global Coupon Number needs 13 digits, got ${gcnData.length}`)
      const gcn = gcnData.slice(0, 13)
      const checked = checkDigitOf(barcode, gcn)
      if (checked._tag === 'Left') return checked
      const percentAi = ['3940', '3941', '3942', '3943'].find((ai) => e.has(ai))
      let percentOff: string | undefined
      if (percentAi !== undefined) {
        const decimals = Number(percentAi[3])
        const raw = e.get(percentAi) as string
        const whole = raw.slice(0, 4 - decimals).replace(/^0+(?=\d)/, '')
        percentOff = decimals === 0 ? whole : `${whole}.${raw.slice(4 - decimals)}`.replace(/\.?0+$/, '')
      }
      return right({
        kind: 'coupon',
        scheme: 'gcn-255',
        gcn,
        ...(gcnData.length > 13 ? { serial: gcnData.slice(13) } : {}),
        ...(points !== undefined ? { loyaltyPoints: points } : {}),
        ...(percentOff !== undefined ? { percentOff } : {}),
      })
    }
    throw new Malformed(`AI ${[...e.keys()].join(', ')} needs AI 255 (a Global Coupon Number)`)
  } catch (err) {
    if (err instanceof Malformed) return fail(barcode, 'MALFORMED', err.message)
    if (err instanceof Unsupported) return fail(barcode, 'UNSUPPORTED', err.message)
    throw err
  }
}
