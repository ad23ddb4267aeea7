import type { Discount, Receipt, ReturnReceipt } from '@tessera/core'
import { writeCouponBarcode } from './barcode.js'
import type { ReceiptCoupon, ReceiptData, ReceiptLine, ReceiptLoyalty, TierProgress } from './receipt.js'

/**
 * The checkout's receipt blocks (`close()` and `return()` in `@tessera/core`) mapped onto
 * {@link ReceiptData}, so the till prints what the checkout booked.
 */

/** What a checkout receipt does not carry and the till knows. @category receipt */
export interface CheckoutReceiptContext {
  readonly store: ReceiptData['store']
  readonly terminalId: string
  readonly nameOf: (sku: string) => string | undefined
  /** The VAT rate of a SKU in percent, for the receipt's VAT breakdown. */
  readonly taxRateOf?: (sku: string) => number | undefined
  /** The discounts with their allocations (the close snapshot), to label each line's discount. */
  readonly allocations?: readonly Discount[]
  readonly memberName?: string
  readonly tierProgress?: TierProgress
  /** Write each coupon's Code 128 SVG here. */
  readonly barcodeDir?: string
  /** For a return: the sold lines' units and unit prices, by line id. */
  readonly soldLines?: ReadonlyMap<string, { readonly sku: string; readonly unit: string; readonly unitPrice: number }>
}

/**
 * Maps the receipt of `close()` onto the printable receipt: lines with their discounts (labelled
 * by campaign when the allocations are given), tenders with the change, points and balance, the
 * issued coupons (their Code 128 payload written as SVG when `barcodeDir` is given), and the
 * notes (what was not given, and why).
 * @category receipt
 */
export const receiptFromCheckout = (receipt: Receipt, context: CheckoutReceiptContext): ReceiptData => {
  const lines: ReceiptLine[] = receipt.lines.map((line) => {
    const labelled = (context.allocations ?? []).flatMap((d) =>
      d.allocations
        .filter((a) => a.lineId === line.id && a.amount > 0)
        .map((a) => ({ label: d.label || d.campaignId, amount: a.amount })),
    )
    const labelledTotal = labelled.reduce((s, d) => s + d.amount, 0)
    // Whatever the allocations do not explain is still shown, so the lines add up to the total.
    const rest = line.discount - labelledTotal
    return {
      id: line.id,
      name: context.nameOf(line.sku) ?? line.sku,
      quantity: line.quantity,
      unit: line.unit === 'kg' ? 'kg' : 'each',
      unitPrice: line.unitPrice,
      amount: line.amount,
      discounts: rest > 0 ? [...labelled, { label: 'Discount', amount: rest }] : labelled,
      ...(context.taxRateOf?.(line.sku) !== undefined ? { taxRate: context.taxRateOf(line.sku) as number } : {}),
    }
  })
  const paid = receipt.tenders.reduce((s, t) => s + t.amount, 0)
  const cash = receipt.tenders.find((t) => t.type === 'cash')
  const tenders = receipt.tenders.map((t) =>
    t === cash && paid > receipt.total
      ? { kind: 'cash' as const, amount: t.amount, change: paid - receipt.total }
      : { kind: t.type === 'cash' ? ('cash' as const) : ('card' as const), amount: t.amount },
  )
  const balance = receipt.points.balance
  const loyalty: ReceiptLoyalty | undefined =
    receipt.card === undefined
      ? undefined
      : {
          card: receipt.card,
          ...(context.memberName !== undefined ? { name: context.memberName } : {}),
          pointsEarned: receipt.points.earned,
          pointsBalance: balance?.available ?? 0,
          ...(receipt.points.pendingUntil !== undefined ? { pointsPending: receipt.points.earned } : {}),
          ...(context.tierProgress !== undefined ? { tierProgress: context.tierProgress } : {}),
        }
  const coupons: ReceiptCoupon[] = receipt.coupons.map((c) => ({
    label: c.label,
    code: c.code,
    validUntil: c.validUntil,
    ...(context.barcodeDir !== undefined
      ? { barcodeFile: writeCouponBarcode(c.barcode.code128 || c.code, context.barcodeDir) }
      : {}),
  }))
  const notes = receipt.notes.map((n) => `Not given: ${n.campaignId} (${n.reason.code})`)
  return {
    kind: 'sale',
    store: context.store,
    terminalId: context.terminalId,
    transactionId: receipt.transactionId,
    at: receipt.at,
    currency: receipt.currency,
    lines,
    subtotal: receipt.subtotal,
    discountTotal: receipt.discountTotal,
    total: receipt.total,
    tenders,
    ...(loyalty !== undefined ? { loyalty } : {}),
    coupons,
    ...(notes.length > 0 ? { notes } : {}),
  }
}

/**
 * Maps the result of `return()` onto a printable return receipt: each returned line with the
 * discount it gives back, the refund, and the points clawed back with the balance after.
 * @category receipt
 */
export const receiptFromCheckoutReturn = (
  result: ReturnReceipt,
  at: string,
  currency: string,
  context: CheckoutReceiptContext & { readonly card?: string; readonly tender?: 'cash' | 'card' },
): ReceiptData => {
  const gross = result.lines.reduce((s, l) => s + l.amount, 0)
  const discount = result.lines.reduce((s, l) => s + l.discount, 0)
  return {
    kind: 'return',
    store: context.store,
    terminalId: context.terminalId,
    transactionId: result.returnId,
    returnOf: result.transactionId,
    at,
    currency,
    lines: result.lines.map((l) => {
      const sold = context.soldLines?.get(l.lineId)
      return {
        id: l.lineId,
        name: sold ? (context.nameOf(sold.sku) ?? sold.sku) : `line ${l.lineId}`,
        quantity: l.quantity,
        unit: sold?.unit === 'kg' ? 'kg' : 'each',
        unitPrice: sold?.unitPrice ?? l.amount,
        amount: l.amount,
        discounts: l.discount > 0 ? [{ label: 'Discount given back', amount: l.discount }] : [],
      }
    }),
    subtotal: gross,
    discountTotal: discount,
    total: result.refund,
    tenders: [{ kind: context.tender ?? 'cash', amount: result.refund }],
    ...(context.card !== undefined
      ? {
          loyalty: {
            card: context.card,
            ...(context.memberName !== undefined ? { name: context.memberName } : {}),
            pointsEarned: -result.pointsClawedBack,
            pointsBalance: result.balance?.available ?? 0,
          },
        }
      : {}),
    coupons: [],
    ...(result.revokedCoupons.length > 0 ? { notes: [`Coupons revoked: ${result.revokedCoupons.join(', ')}`] } : {}),
  }
}
