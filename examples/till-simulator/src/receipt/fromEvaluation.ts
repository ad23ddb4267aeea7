import type { Basket, Evaluation } from '@tessera/core'
import type { ReceiptCoupon, ReceiptData, ReceiptLine, ReceiptLoyalty, ReceiptTender } from './receipt.js'

/** What {@link receiptOf} needs beside the basket and its evaluation. @category receipt */
export interface ReceiptSource {
  readonly basket: Basket
  readonly evaluation: Evaluation
  readonly store: ReceiptData['store']
  /** The display name of a SKU (falls back to the SKU). */
  readonly nameOf: (sku: string) => string | undefined
  readonly tender: 'cash' | 'card'
  /** For cash: what the customer handed over (cents); default the total. */
  readonly tendered?: number
  readonly loyalty?: ReceiptLoyalty
  /** The issued coupons with their codes (from close); default none. */
  readonly coupons?: readonly ReceiptCoupon[]
  readonly notes?: readonly string[]
}

/**
 * Maps a priced basket onto a receipt: each line with the discounts allocated to it (by campaign
 * label), gifts added as zero-priced lines, totals and tender.
 * @category receipt
 */
export const receiptOf = (source: ReceiptSource): ReceiptData => {
  const { basket, evaluation } = source
  const lines: ReceiptLine[] = basket.lines.map((line) => ({
    id: line.id,
    name: source.nameOf(line.sku) ?? line.sku,
    quantity: line.quantity,
    unit: line.unit === 'kg' ? 'kg' : 'each',
    unitPrice: line.unitPrice,
    amount: line.amount,
    discounts: evaluation.discounts.flatMap((d) =>
      d.allocations
        .filter((a) => a.lineId === line.id && a.amount > 0)
        .map((a) => ({ label: d.label || d.campaignId, amount: a.amount })),
    ),
  }))
  const gifts: ReceiptLine[] = evaluation.gifts.map((g, i) => ({
    id: `gift-${i + 1}`,
    name: source.nameOf(g.sku) ?? g.sku,
    quantity: g.quantity,
    unit: 'each',
    unitPrice: 0,
    amount: 0,
    discounts: g.label ? [{ label: g.label, amount: 0 }] : [],
    gift: true,
  }))
  const total = evaluation.total
  const tendered = source.tender === 'cash' ? Math.max(total, source.tendered ?? total) : total
  const tender: ReceiptTender =
    source.tender === 'cash'
      ? { kind: 'cash', amount: tendered, change: tendered - total }
      : { kind: 'card', amount: total }
  return {
    kind: 'sale',
    store: source.store,
    terminalId: basket.terminalId,
    transactionId: basket.id,
    at: basket.at,
    currency: basket.currency,
    lines: [...lines, ...gifts],
    subtotal: evaluation.subtotal,
    discountTotal: evaluation.discountTotal,
    total,
    tenders: [tender],
    ...(source.loyalty !== undefined ? { loyalty: source.loyalty } : {}),
    coupons: source.coupons ?? [],
    ...(source.notes !== undefined ? { notes: source.notes } : {}),
  }
}
