import { basename } from 'node:path'
import { type CurrencyCode, formatMoney, minor } from '@tessera/core'
import { drawQrCode } from './barcode.js'

/**
 * The receipt of a sale or a return, rendered as a fixed-width till receipt: store header, lines
 * with their discounts inline, totals, tender, points, tier progress and the checkout coupons with
 * their barcodes. `ReceiptData` follows the receipt block of DESIGN §2; the checkout's receipt maps
 * onto it.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** A discount shown under the line it applies to (cents, positive). @category receipt */
export interface ReceiptLineDiscount {
  readonly label: string
  readonly amount: number
}

/** One line of the receipt. @category receipt */
export interface ReceiptLine {
  readonly id: string
  readonly name: string
  readonly quantity: number
  readonly unit: 'each' | 'kg'
  /** Cents per unit, or per kg. */
  readonly unitPrice: number
  /** Cents before discounts. */
  readonly amount: number
  readonly discounts: readonly ReceiptLineDiscount[]
  /** The VAT rate of the line, in percent (5.5, 20); absent: not shown in the VAT breakdown. */
  readonly taxRate?: number
  /** A gift added at zero by a `freeItem` reward (its `amount` is 0; its discounts name the campaign). */
  readonly gift?: boolean
}

/** How the customer paid (cents); `change` for cash. @category receipt */
export interface ReceiptTender {
  readonly kind: 'cash' | 'card'
  readonly amount: number
  readonly change?: number
}

/** Where the member stands on the tier ladder. @category receipt */
export interface TierProgress {
  readonly tier?: string
  /** The next tier, absent at the top of the ladder. */
  readonly next?: string
  /** Qualifying spend so far in the window (cents). */
  readonly spend: number
  /** The spend the next tier needs (cents). */
  readonly nextAt?: number
}

/** The loyalty block of an identified sale. @category receipt */
export interface ReceiptLoyalty {
  readonly card: string
  readonly name?: string
  readonly pointsEarned: number
  /** The balance after this sale (available points). */
  readonly pointsBalance: number
  /** Points earned now that become available after the return window. */
  readonly pointsPending?: number
  readonly tierProgress?: TierProgress
}

/** A checkout coupon handed over with the receipt. @category receipt */
export interface ReceiptCoupon {
  readonly label: string
  readonly code: string
  /** ISO-8601 with offset. */
  readonly validUntil: string
  /** The path of its barcode file, when one was written. */
  readonly barcodeFile?: string
}

/** Everything a receipt shows. Amounts are integer cents. @category receipt */
export interface ReceiptData {
  readonly kind: 'sale' | 'return'
  /** Whether prices include tax (the French way, the default) or tax comes on top. */
  readonly pricesIncludeTax?: boolean
  readonly store: { readonly name: string; readonly address: readonly string[]; readonly storeId: string }
  readonly terminalId: string
  readonly transactionId: string
  /** For a return, the receipt being returned. */
  readonly returnOf?: string
  /** ISO-8601 with offset; printed as its local wall-clock time. */
  readonly at: string
  readonly currency: string
  readonly lines: readonly ReceiptLine[]
  readonly subtotal: number
  readonly discountTotal: number
  readonly total: number
  readonly tenders: readonly ReceiptTender[]
  readonly loyalty?: ReceiptLoyalty
  readonly coupons: readonly ReceiptCoupon[]
  /** Lines such as "Reprint" or refusal reasons of codes. */
  readonly notes?: readonly string[]
}

/** Rendering options. @category receipt */
export interface ReceiptOptions {
  /** Columns; default 42 (an 80 mm printer in font B). */
  readonly width?: number
  /** Draw coupon barcodes in the terminal; default true. */
  readonly barcodes?: boolean
  readonly locale?: string
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/** Formats cents without a currency sign, e.g. `1214` → `12,14` (fr-FR), with plain spaces. */
const amountText = (cents: number, currency: string, locale: string): string =>
  formatMoney({ amount: minor(Math.abs(cents)), currency: currency as CurrencyCode }, locale)
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\s*[^\d\s.,]+\s*/g, '')
    .replace(/^/, cents < 0 ? '-' : '')

const clip = (text: string, width: number): string => (text.length <= width ? text : `${text.slice(0, width - 1)}…`)

/** A left text and a right text on one line of `width`, truncating the left. */
const row = (left: string, right: string, width: number): string => {
  const room = width - right.length - 1
  const l = clip(left, Math.max(1, room))
  return `${l}${' '.repeat(Math.max(1, width - l.length - right.length))}${right}`
}

/** `text` cut into pieces of at most `width` characters. */
const chunks = (text: string, width: number): string[] => {
  const out: string[] = []
  for (let i = 0; i < text.length; i += width) out.push(text.slice(i, i + width))
  return out.length === 0 ? [''] : out
}

const center = (text: string, width: number): string => {
  const t = clip(text, width)
  return `${' '.repeat(Math.floor((width - t.length) / 2))}${t}`.trimEnd()
}

const wallClock = (at: string): string => {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(at)
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}` : at
}

const quantityText = (line: ReceiptLine, currency: string, locale: string): string =>
  line.unit === 'kg'
    ? `${new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(line.quantity)} kg x ${amountText(line.unitPrice, currency, locale)}/kg`
    : `${line.quantity} x ${amountText(line.unitPrice, currency, locale)}`

/** A progress bar of `width` cells for `done` out of `total`. */
const bar = (done: number, total: number, width: number): string => {
  const filled = total <= 0 ? width : Math.min(width, Math.floor((done * width) / total))
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`
}

/**
 * Renders a receipt as plain text, `width` columns wide (42 by default, at least 24): every line
 * fits; long names are cut with an ellipsis. Throws a `RangeError` on a narrower width.
 *
 * @example
 * console.log(renderReceipt(receipt))
 * @category receipt
 */
/** One VAT rate of a receipt: what was paid at that rate after discounts, split into base and tax. @category receipt */
export interface VatLine {
  readonly rate: number
  /** Net of VAT (minor units). */
  readonly base: number
  readonly tax: number
}

/**
 * The VAT breakdown per rate of a receipt's lines, on what was paid after discounts. Prices that
 * include tax (France): tax = paid × rate / (100 + rate), rounded half-up per rate, base = paid − tax.
 * Prices without tax (a US-style shop): the base is what the lines cost and the tax is added on top,
 * rounded half-up per rate. Exact: rates have at most 2 decimals and are computed in hundredths.
 * @category receipt
 */
export const vatBreakdown = (lines: readonly ReceiptLine[], pricesIncludeTax: boolean): readonly VatLine[] => {
  const paidByRate = new Map<number, number>()
  for (const l of lines) {
    if (l.taxRate === undefined || l.gift === true) continue
    const paid = l.amount - l.discounts.reduce((s, d) => s + d.amount, 0)
    paidByRate.set(l.taxRate, (paidByRate.get(l.taxRate) ?? 0) + paid)
  }
  return [...paidByRate]
    .sort(([a], [b]) => a - b)
    .map(([rate, paid]) => {
      const r = BigInt(Math.round(rate * 100))
      const divide = (n: bigint, d: bigint) => Number((2n * n + d) / (2n * d))
      if (pricesIncludeTax) {
        const tax = divide(BigInt(paid) * r, 10_000n + r)
        return { rate, base: paid - tax, tax }
      }
      return { rate, base: paid, tax: divide(BigInt(paid) * r, 10_000n) }
    })
}

export const renderReceipt = (data: ReceiptData, options: ReceiptOptions = {}): string => {
  const width = options.width ?? 42
  if (!Number.isInteger(width) || width < 24)
    throw new RangeError(`renderReceipt: width must be a whole number ≥ 24, got ${width}`)
  const locale = options.locale ?? 'fr-FR'
  const money = (cents: number) => amountText(cents, data.currency, locale)
  const rule = '-'.repeat(width)
  const out: string[] = []
  out.push(center(data.store.name.toUpperCase(), width))
  for (const line of data.store.address) out.push(center(line, width))
  out.push(rule)
  // The whole id, always: a till reads it back to find the sale (a return id is longer than the row).
  const stamp = wallClock(data.at)
  if (data.transactionId.length + stamp.length + 1 > width) {
    out.push(data.transactionId)
    out.push(row('', stamp, width))
  } else out.push(row(data.transactionId, stamp, width))
  out.push(
    row(`Store ${data.store.storeId}  Till ${data.terminalId}`, data.kind === 'return' ? 'RETURN' : 'SALE', width),
  )
  if (data.returnOf !== undefined) out.push(clip(`Return of ${data.returnOf}`, width))
  for (const note of data.notes ?? []) out.push(clip(note, width))
  out.push(rule)
  for (const line of data.lines) {
    if (line.gift === true) {
      // A gift is added at zero by the till (a freeItem reward): no price, just the label.
      out.push(row(line.quantity === 1 ? line.name : `${line.quantity} x ${line.name}`, 'GIFT', width))
      for (const d of line.discounts) out.push(clip(`  ${d.label}`, width))
      continue
    }
    const simple = line.unit === 'each' && line.quantity === 1
    out.push(row(line.name, simple ? money(line.amount) : '', width).trimEnd())
    if (!simple) out.push(row(`  ${quantityText(line, data.currency, locale)}`, money(line.amount), width))
    for (const d of line.discounts) out.push(row(`  ${d.label}`, money(-d.amount), width))
  }
  out.push(rule)
  out.push(row('SUBTOTAL', money(data.subtotal), width))
  if (data.discountTotal > 0) out.push(row('DISCOUNTS', money(-data.discountTotal), width))
  out.push(row(`TOTAL ${data.currency}`, money(data.total), width))
  for (const tender of data.tenders) {
    out.push(row(tender.kind === 'cash' ? 'CASH' : 'CARD', money(tender.amount), width))
    if (tender.change !== undefined && tender.change > 0) out.push(row('CHANGE', money(tender.change), width))
  }
  const vat = vatBreakdown(data.lines, data.pricesIncludeTax ?? true)
  if (vat.length > 0) {
    out.push(rule)
    out.push(row(data.pricesIncludeTax === false ? 'VAT (added)' : 'VAT (included)', 'BASE    VAT', width))
    for (const v of vat)
      out.push(row(`  ${v.rate.toLocaleString(locale)} %`, `${money(v.base)}  ${money(v.tax)}`, width))
  }
  if (data.kind === 'return') {
    const units = data.lines.reduce((n, l) => n + (l.unit === 'kg' ? 1 : l.quantity), 0)
    out.push('')
    out.push(
      center(`TAKEN BACK: ${units} ITEM${units === 1 ? '' : 'S'}, REFUND ${money(data.total)} ${data.currency}`, width),
    )
  } else if (data.discountTotal > 0) {
    out.push('')
    out.push(center(`YOU SAVED ${money(data.discountTotal)} ${data.currency} TODAY`, width))
  }
  if (data.loyalty !== undefined) {
    const l = data.loyalty
    out.push(rule)
    out.push(row(`Card ${l.card}`, l.name ?? '', width))
    out.push(
      row(
        data.kind === 'return' ? 'Points reversed' : 'Points earned',
        `${l.pointsEarned >= 0 ? '+' : ''}${l.pointsEarned}`,
        width,
      ),
    )
    if (l.pointsPending !== undefined && l.pointsPending > 0) {
      out.push(row('  of which pending (return window)', String(l.pointsPending), width))
    }
    out.push(row('New balance', String(l.pointsBalance), width))
    const t = l.tierProgress
    if (t !== undefined) {
      if (t.next !== undefined && t.nextAt !== undefined && t.nextAt > 0) {
        const percent = Math.min(100, Math.floor((t.spend * 100) / t.nextAt))
        const label = `${t.tier ?? 'member'} > ${t.next} `
        out.push(`${label}${bar(t.spend, t.nextAt, width - label.length - 5)} ${String(percent).padStart(3)}%`)
        out.push(clip(`  ${money(Math.max(0, t.nextAt - t.spend))} ${data.currency} more to reach ${t.next}`, width))
      } else {
        out.push(clip(`Tier: ${t.tier ?? 'member'} (top tier)`, width))
      }
    }
  }
  for (const coupon of data.coupons) {
    out.push('')
    out.push('='.repeat(width))
    out.push(center('YOUR COUPON', width))
    out.push(center(coupon.label, width))
    out.push(center(`valid until ${wallClock(coupon.validUntil).slice(0, 10)}`, width))
    if (options.barcodes !== false) {
      for (const line of drawQrCode(coupon.code)) out.push(center(line, width))
    }
    // A signed coupon's text is longer than the receipt is wide: print it whole, wrapped, so it can be typed.
    for (const part of chunks(coupon.code, width)) out.push(center(part, width))
    if (coupon.barcodeFile !== undefined) {
      out.push('barcode file:')
      for (const part of chunks(basename(coupon.barcodeFile), width)) out.push(part)
    }
    out.push('='.repeat(width))
  }
  out.push('')
  out.push(center('Thank you, see you soon!', width))
  return `${out.join('\n')}\n`
}
