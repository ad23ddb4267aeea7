import { type CodeRejection, checkCodeFormat, drawCode, parseCodePattern, type RandomSource } from '@tessera/core'

/**
 * An in-memory book of issued checkout coupons, judged as the coupon store would: the pool's
 * format and check character, existence, owner (personal coupons), validity and single use. The
 * till simulator and the engine-only day use it until the checkout's store judges codes.
 */

/** A coupon template: the campaign id and its code pool. @category simulate */
export interface CouponTemplate {
  readonly template: string
  readonly pool: string
}

/** One issued coupon. @category simulate */
export interface IssuedCode {
  readonly code: string
  readonly template: string
  readonly card?: string
  /** ISO-8601 with offset, exclusive. */
  readonly validUntil?: string
  redeemed: boolean
}

/** Codes of a pool look like `POOL-####-####` plus a check character. @category simulate */
export const couponPattern = (pool: string): string => `${pool}-####-####`

/** The book. @category simulate */
export interface CouponBook {
  readonly issue: (template: string, random: RandomSource, card?: string, validUntil?: string) => IssuedCode
  /** Why the code would be refused for this card at this instant, or the template it redeems. */
  readonly judge: (
    code: string,
    card: string | undefined,
    at: string,
  ) => { readonly ok: true; readonly template: string } | { readonly ok: false; readonly reason: CodeRejection }
  readonly redeem: (code: string) => void
  readonly get: (code: string) => IssuedCode | undefined
  readonly all: () => readonly IssuedCode[]
}

/**
 * A coupon book over templates; `issued` preloads coupons (e.g. read back from a file).
 * @category simulate
 */
export const couponBook = (templates: readonly CouponTemplate[], issued: readonly IssuedCode[] = []): CouponBook => {
  const codes = new Map(issued.map((c) => [c.code, { ...c }]))
  const byTemplate = new Map(templates.map((t) => [t.template, t]))
  // The longest pool that prefixes the code wins (pools may contain dashes).
  const poolOf = (code: string) =>
    templates.filter((t) => code.startsWith(`${t.pool}-`)).sort((a, b) => b.pool.length - a.pool.length)[0]
  return {
    issue: (template, random, card, validUntil) => {
      const t = byTemplate.get(template)
      if (t === undefined) throw new RangeError(`couponBook.issue: unknown template ${template}`)
      const pattern = parseCodePattern(couponPattern(t.pool))
      if (pattern._tag === 'Left') throw new RangeError(pattern.left.message)
      const issuedCode: IssuedCode = {
        code: drawCode(pattern.right, random),
        template,
        ...(card !== undefined ? { card } : {}),
        ...(validUntil !== undefined ? { validUntil } : {}),
        redeemed: false,
      }
      codes.set(issuedCode.code, issuedCode)
      return issuedCode
    },
    judge: (code, card, at) => {
      const pool = poolOf(code)
      if (pool === undefined) return { ok: false, reason: 'UNKNOWN' }
      const format = checkCodeFormat(couponPattern(pool.pool), code)
      if (format._tag === 'Left') return { ok: false, reason: format.left.reason }
      const record = codes.get(code)
      if (record === undefined) return { ok: false, reason: 'UNKNOWN' }
      if (record.validUntil !== undefined && Date.parse(at) >= Date.parse(record.validUntil)) {
        return { ok: false, reason: 'EXPIRED' }
      }
      if (record.card !== undefined && record.card !== card) return { ok: false, reason: 'NOT_YOURS' }
      if (record.redeemed) return { ok: false, reason: 'ALREADY_REDEEMED' }
      return { ok: true, template: record.template }
    },
    redeem: (code) => {
      const record = codes.get(code)
      if (record !== undefined) record.redeemed = true
    },
    get: (code) => codes.get(code),
    all: () => [...codes.values()],
  }
}
