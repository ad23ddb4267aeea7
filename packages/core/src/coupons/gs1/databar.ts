import { Malformed } from './errors.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** One purchase requirement of a GS1 DataBar coupon (AI 8110). @category gs1 */
export interface CouponRequirement {
  /** How many (units, or cents: see `requirementCode`). */
  readonly requirement: number
  /** 0 units, 1 cash value (cents), 2 total transaction, 3 product weight, 4 total units, 9 free. */
  readonly requirementCode: number
  readonly familyCode: string
  /** The company prefix of the items; absent = the primary company prefix. */
  readonly companyPrefix?: string
}

/** A North American coupon carried in GS1 DataBar Expanded, AI 8110. @category gs1 */
export interface DataBar8110Coupon {
  readonly kind: 'coupon'
  readonly scheme: 'databar-8110'
  readonly companyPrefix: string
  readonly offerCode: string
  /** The save value: cents off when `saveValueCode` is 0 (the default). */
  readonly saveValue: number
  readonly requirements: readonly CouponRequirement[]
  /** How the extra requirements combine: 0 any one, 1 all, 2 the first and either other, 3 the first or the second. */
  readonly rulesCode?: number
  /** Last valid day `YYYY-MM-DD` (from `YYMMDD`, century 20). */
  readonly expiry?: string
  readonly start?: string
  readonly serial?: string
  readonly retailerId?: string
  /** 0 cents off, 1 free item, 2 multiple buy, 5 percent off, 6 …; default 0. */
  readonly saveValueCode: number
  /** 0 the first qualifying item, 1 the second, 2 the third; default 0. */
  readonly appliesToItem: number
  readonly storeCoupon: boolean
  readonly dontMultiply: boolean
  readonly loyaltyPoints?: number
}

/** A GS1 DataBar positive-offer coupon, AI 8112 (paperless, looked up by the retailer). @category gs1 */
export interface DataBar8112Coupon {
  readonly kind: 'coupon'
  readonly scheme: 'databar-8112'
  readonly formatCode: string
  readonly funderId: string
  readonly offerCode: string
  readonly serial: string
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/** A cursor over the digits of an AI's data, failing with MALFORMED and the field name. */
class Reader {
  at = 0
  constructor(
    readonly data: string,
    readonly ai: string,
  ) {}
  get done() {
    return this.at >= this.data.length
  }
  peek() {
    return this.data[this.at]
  }
  take(n: number, field: string): string {
    if (this.at + n > this.data.length) throw new Malformed(`AI ${this.ai}: ${field} is cut short (${n} digits needed)`)
    const s = this.data.slice(this.at, this.at + n)
    this.at += n
    return s
  }
  digit(field: string, allowed: string): number {
    const d = this.take(1, field)
    if (!allowed.includes(d))
      throw new Malformed(`AI ${this.ai}: ${field} must be one of ${[...allowed].join(', ')}, got ${d}`)
    return Number(d)
  }
  /** A VLI digit in `allowed`, then VLI + `plus` digits. */
  vli(field: string, allowed: string, plus: number): string {
    const n = this.digit(`${field} length indicator`, allowed)
    return this.take(n + plus, field)
  }
}

const yymmdd = (s: string, ai: string, field: string): string => {
  const y = 2000 + Number(s.slice(0, 2))
  const m = Number(s.slice(2, 4))
  const d = Number(s.slice(4, 6))
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    throw new Malformed(`AI ${ai}: ${field} ${s} is not a date YYMMDD`)
  return `${y}-${s.slice(2, 4)}-${s.slice(4, 6)}`
}

const requirementOf = (r: Reader, which: string, withPrefix: boolean): CouponRequirement => {
  const requirement = Number(r.vli(`${which} purchase requirement`, '12345', 0))
  const requirementCode = r.digit(`${which} purchase requirement code`, '012349')
  const familyCode = r.take(3, `${which} family code`)
  if (!withPrefix) return { requirement, requirementCode, familyCode }
  const vli = r.digit(`${which} company prefix length indicator`, '01234569')
  if (vli === 9) return { requirement, requirementCode, familyCode }
  return { requirement, requirementCode, familyCode, companyPrefix: r.take(vli + 6, `${which} company prefix`) }
}

/** Reads the data of AI 8110 (a North American coupon); throws Malformed (internal). */
export const parse8110 = (data: string): DataBar8110Coupon => {
  const r = new Reader(data, '8110')
  const companyPrefix = r.vli('company prefix', '0123456', 6)
  const offerCode = r.take(6, 'offer code')
  const saveValue = Number(r.vli('save value', '12345', 0))
  const requirements: CouponRequirement[] = [requirementOf(r, 'first', false)]
  let rulesCode: number | undefined
  let expiry: string | undefined
  let start: string | undefined
  let serial: string | undefined
  let retailerId: string | undefined
  let saveValueCode = 0
  let appliesToItem = 0
  let storeCoupon = false
  let dontMultiply = false
  let last = 0
  while (!r.done) {
    const group = Number(r.peek())
    if (!'123456789'.includes(String(group)) || group <= last || group === 7 || group === 8) {
      throw new Malformed(
        `AI 8110: unexpected ${r.data.slice(r.at)} after the fields (optional groups 1–6 and 9, in order)`,
      )
    }
    r.take(1, 'group')
    last = group
    if (group === 1) {
      rulesCode = r.digit('additional purchase rules code', '0123')
      requirements.push(requirementOf(r, 'second', true))
    } else if (group === 2) requirements.push(requirementOf(r, 'third', true))
    else if (group === 3) expiry = yymmdd(r.take(6, 'expiration date'), '8110', 'expiration date')
    else if (group === 4) start = yymmdd(r.take(6, 'start date'), '8110', 'start date')
    else if (group === 5) serial = r.vli('serial number', '0123456789', 6)
    else if (group === 6) retailerId = r.vli('retailer company prefix or GLN', '1234567', 6)
    else {
      saveValueCode = r.digit('save value code', '01256')
      appliesToItem = r.digit('save value applies to item', '012')
      storeCoupon = r.digit('store coupon flag', '0123456789') !== 0
      dontMultiply = r.digit("don't multiply flag", '01') === 1
    }
  }
  if (expiry !== undefined && start !== undefined && start > expiry) {
    throw new Malformed(`AI 8110: start date ${start} is after the expiration date ${expiry}`)
  }
  return {
    kind: 'coupon',
    scheme: 'databar-8110',
    companyPrefix,
    offerCode,
    saveValue,
    requirements,
    ...(rulesCode !== undefined ? { rulesCode } : {}),
    ...(expiry !== undefined ? { expiry } : {}),
    ...(start !== undefined ? { start } : {}),
    ...(serial !== undefined ? { serial } : {}),
    ...(retailerId !== undefined ? { retailerId } : {}),
    saveValueCode,
    appliesToItem,
    storeCoupon,
    dontMultiply,
  }
}

/** Reads the data of AI 8112 (a positive-offer coupon); throws Malformed (internal). */
export const parse8112 = (data: string): DataBar8112Coupon => {
  const r = new Reader(data, '8112')
  const formatCode = String(r.digit('format code', '01'))
  const funderId = r.vli('funder id', '0123456', 6)
  const offerCode = r.take(6, 'offer code')
  const serial = r.vli('serial number', '0123456789', 6)
  if (!r.done) throw new Malformed(`AI 8112: unexpected ${data.slice(r.at)} after the serial number`)
  return { kind: 'coupon', scheme: 'databar-8112', formatCode, funderId, offerCode, serial }
}
