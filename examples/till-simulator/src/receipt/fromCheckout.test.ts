import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Discount, Receipt, ReturnReceipt } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { receiptFromCheckout, receiptFromCheckoutReturn } from './fromCheckout.js'
import { renderReceipt, vatBreakdown } from './receipt.js'

// Worked numbers: yogurts 3 × 2,49 = 7,47 with 2,49 off (3 for 2) and 0,50 off (gold 5 € split);
// cheese 12,18 with 4,50 off (gold). Subtotal 19,65, discounts 7,49, total 12,16; cash 20,00 → 7,84.
const receipt = {
  transactionId: 'T-0042-01-000007',
  at: '2026-11-26T10:15:00+01:00',
  currency: 'EUR',
  card: '2900000000018',
  lines: [
    { id: '1', sku: 'y', quantity: 3, unit: 'each', unitPrice: 249, amount: 747, discount: 299, net: 448 },
    { id: '2', sku: 'c', quantity: 0.532, unit: 'kg', unitPrice: 2290, amount: 1218, discount: 450, net: 768 },
  ],
  discounts: [
    { campaignId: 'yogurt-3-for-2', label: 'Yogurts 3 for 2', amount: 249 },
    { campaignId: 'gold-5-off-50', label: 'Gold 5 € off', amount: 500 },
  ],
  subtotal: 1965,
  discountTotal: 749,
  total: 1216,
  savings: 749,
  tenders: [{ type: 'cash', amount: 2000 }],
  points: {
    earned: 24,
    pendingUntil: '2026-12-10T10:15:00+01:00',
    balance: { accountId: 'a', asOf: 0, available: 1240, pending: 24, reserved: 0 },
  },
  coupons: [
    {
      campaignId: 'cross-sell-pasta-sauce',
      template: 'sauce-30',
      pool: 'SAUCE',
      label: 'Your next sauce -30%',
      code: 'SAUCE-7KQ2-X9PDR',
      card: '2900000000018',
      validFrom: '2026-11-26T10:15:00+01:00',
      validUntil: '2026-12-10T10:15:00+01:00',
      barcode: { code128: 'SAUCE-7KQ2-X9PDR', qrcode: 'SAUCE-7KQ2-X9PDR' },
    },
  ],
  notes: [{ campaignId: 'tote-bag-gift', reason: { code: 'LIMIT_REACHED' } }],
} as unknown as Receipt

const allocations = [
  { campaignId: 'yogurt-3-for-2', label: 'Yogurts 3 for 2', amount: 249, allocations: [{ lineId: '1', amount: 249 }] },
  // Gold's 500 is 50 on line 1 and 450 on line 2; only line 2's share is given here, to check
  // that an unexplained rest is still printed.
  { campaignId: 'gold-5-off-50', label: 'Gold 5 € off', amount: 500, allocations: [{ lineId: '2', amount: 450 }] },
] as unknown as Discount[]

const context = {
  store: { name: 'Marché Tessera', address: ['12 rue des Lices'], storeId: '0042' },
  terminalId: '01',
  nameOf: (sku: string) => ({ y: 'Greek yogurt 4 x 125 g', c: 'Comté 18 months' })[sku],
  memberName: 'Pierre Schmidt',
}

describe('receiptFromCheckout', () => {
  it('labels line discounts from the allocations and shows any rest, so lines add up', () => {
    const data = receiptFromCheckout(receipt, { ...context, allocations })
    expect(data.lines[0]?.discounts).toEqual([
      { label: 'Yogurts 3 for 2', amount: 249 },
      { label: 'Discount', amount: 50 },
    ])
    expect(data.lines[1]?.discounts).toEqual([{ label: 'Gold 5 € off', amount: 450 }])
    const shown = data.lines.flatMap((l) => l.discounts).reduce((s, d) => s + d.amount, 0)
    expect(shown).toBe(receipt.discountTotal)
  })
  it('gives cash change, points with the available balance, the coupon and the notes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-checkout-receipt-'))
    const data = receiptFromCheckout(receipt, { ...context, barcodeDir: dir })
    expect(data.tenders).toEqual([{ kind: 'cash', amount: 2000, change: 784 }])
    expect(data.loyalty).toMatchObject({
      card: '2900000000018',
      pointsEarned: 24,
      pointsBalance: 1240,
      pointsPending: 24,
    })
    expect(data.coupons[0]).toMatchObject({ code: 'SAUCE-7KQ2-X9PDR', label: 'Your next sauce -30%' })
    expect(existsSync(join(dir, 'SAUCE-7KQ2-X9PDR.svg'))).toBe(true)
    const text = renderReceipt(data)
    expect(text).toMatch(/^TOTAL EUR +12,16$/m)
    expect(text).toMatch(/^CHANGE +7,84$/m)
    expect(text).toContain('Not given: tote-bag-gift (LIMIT_REACHED)')
  })
  it('prints a weighed line with its price per kg, and weight × price per kg rounds half-up to the amount', () => {
    const data = receiptFromCheckout(receipt, context)
    const cheese = data.lines[1]!
    expect(cheese).toMatchObject({ unit: 'kg', quantity: 0.532, unitPrice: 2290, amount: 1218 })
    expect(Math.round(cheese.quantity * cheese.unitPrice)).toBe(cheese.amount)
    const text = renderReceipt(data)
    expect(text).toContain('0,532 kg x 22,90/kg')
    expect(text).toContain('3 x 2,49')
  })
  it('breaks VAT down per rate on what was paid after discounts (prices include tax, the French way)', () => {
    const rates: Record<string, number> = { y: 5.5, c: 20 }
    const data = receiptFromCheckout(receipt, { ...context, allocations, taxRateOf: (sku) => rates[sku] })
    // yogurts paid 747 − 299 = 448 at 5.5 %: tax 448 × 5.5 / 105.5 = 23.35 → 23; cheese 1218 − 450 = 768 at 20 %: 128
    expect(vatBreakdown(data.lines, true)).toEqual([
      { rate: 5.5, base: 425, tax: 23 },
      { rate: 20, base: 640, tax: 128 },
    ])
    const text = renderReceipt(data)
    expect(text).toMatch(/^VAT \(included\) +BASE {4}VAT$/m)
    expect(text).toMatch(/^ {2}5,5 % +4,25 {2}0,23$/m)
    // A shop whose prices exclude tax adds it on top.
    expect(vatBreakdown(data.lines, false)).toEqual([
      { rate: 5.5, base: 448, tax: 25 },
      { rate: 20, base: 768, tax: 154 },
    ])
  })
  it('prints an anonymous card-paid sale without a loyalty block', () => {
    const anonymous = { ...receipt, card: undefined, tenders: [{ type: 'card', amount: 1216 }] } as unknown as Receipt
    const data = receiptFromCheckout(anonymous, context)
    expect(data.loyalty).toBeUndefined()
    expect(data.tenders).toEqual([{ kind: 'card', amount: 1216 }])
  })
})

describe('receiptFromCheckoutReturn', () => {
  it('prints the refund, the discount given back and the points clawed back', () => {
    const result = {
      returnId: 'R-0042-01-000001',
      transactionId: 'T-0042-01-000007',
      lines: [{ lineId: '1', quantity: 1, fromUnit: 0, units: 1, amount: 249, discount: 100, refund: 149, points: 3 }],
      refund: 149,
      pointsClawedBack: 3,
      full: false,
      revokedCoupons: [],
      balance: { accountId: 'a', asOf: 0, available: 1237, pending: 0, reserved: 0 },
    } as unknown as ReturnReceipt
    const data = receiptFromCheckoutReturn(result, '2026-11-26T11:00:00+01:00', 'EUR', {
      ...context,
      card: '2900000000018',
      soldLines: new Map([['1', { sku: 'y', unit: 'each', unitPrice: 249 }]]),
    })
    const text = renderReceipt(data)
    expect(text).toContain('Return of T-0042-01-000007')
    expect(text).toContain('R-0042-01-000001')
    expect(text).toContain('TAKEN BACK: 1 ITEM, REFUND 1,49 EUR')
    expect(text).not.toContain('YOU SAVED')
    expect(text).toMatch(/Discount given back +-1,00/)
    expect(text).toMatch(/^TOTAL EUR +1,49$/m)
    expect(text).toMatch(/^Points reversed +-3$/m)
    expect(text).toMatch(/^New balance +1237$/m)
  })
})
