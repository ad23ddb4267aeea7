import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import bwipjs from 'bwip-js/node'
import { describe, expect, it } from 'vitest'
import { drawQrCode, qrModules, writeCouponBarcode } from './barcode.js'
import { type ReceiptData, renderReceipt } from './receipt.js'

// Worked numbers: yogurts 3 × 2,49 = 7,47 with one free (−2,49); Comté 0,532 kg × 22,90 = 12,18;
// subtotal 7,47 + 12,18 = 19,65; discounts 2,49; total 17,16; cash 20,00 so change 2,84.
const sale: ReceiptData = {
  kind: 'sale',
  store: { name: 'Marché Tessera', address: ['12 rue des Lices', '49100 Angers'], storeId: '0042' },
  terminalId: '03',
  transactionId: 'T-0042-03-000187',
  at: '2026-11-26T10:15:00+01:00',
  currency: 'EUR',
  lines: [
    {
      id: '1',
      name: 'Laiterie Morvan Greek yogurt 4 x 125 g',
      quantity: 3,
      unit: 'each',
      unitPrice: 249,
      amount: 747,
      discounts: [{ label: 'Yogurts 3 for 2', amount: 249 }],
    },
    {
      id: '2',
      name: 'Fromagerie Vallon Comté 18 months',
      quantity: 0.532,
      unit: 'kg',
      unitPrice: 2290,
      amount: 1218,
      discounts: [],
    },
    {
      id: '3',
      name: 'Maison Tessera Reusable tote bag',
      quantity: 1,
      unit: 'each',
      unitPrice: 0,
      amount: 0,
      discounts: [{ label: 'Free tote bag', amount: 0 }],
      gift: true,
    },
  ],
  subtotal: 1965,
  discountTotal: 249,
  total: 1716,
  tenders: [{ kind: 'cash', amount: 2000, change: 284 }],
  loyalty: {
    card: '2900000001234',
    name: 'Camille Martin',
    pointsEarned: 25,
    pointsBalance: 1265,
    tierProgress: { tier: 'silver', next: 'gold', spend: 163250, nextAt: 240000 },
  },
  coupons: [{ label: 'Coupon: sauce -30%', code: 'SAUCE-7KQ2-X9PD', validUntil: '2026-12-10T23:59:59+01:00' }],
}

describe('renderReceipt', () => {
  const text = renderReceipt(sale)
  const lines = text.split('\n')

  it('fits every line in 42 columns', () => {
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(42)
  })
  it('prints each line with its discount inline under it', () => {
    const yogurt = lines.findIndex((l) => l.startsWith('Laiterie Morvan Greek'))
    expect(lines[yogurt + 1]).toMatch(/^ {2}3 x 2,49 +7,47$/)
    expect(lines[yogurt + 2]).toMatch(/^ {2}Yogurts 3 for 2 +-2,49$/)
    expect(text).toMatch(/0,532 kg x 22,90\/kg +12,18/)
    expect(text).toMatch(/Maison Tessera Reusable tote bag +GIFT/)
  })
  it('prints subtotal, discounts, total, tender, change and the savings', () => {
    expect(text).toMatch(/^SUBTOTAL +19,65$/m)
    expect(text).toMatch(/^DISCOUNTS +-2,49$/m)
    expect(text).toMatch(/^TOTAL EUR +17,16$/m)
    expect(text).toMatch(/^CASH +20,00$/m)
    expect(text).toMatch(/^CHANGE +2,84$/m)
    expect(text).toContain('YOU SAVED 2,49 EUR TODAY')
  })
  it('prints points earned, the new balance and the progress to the next tier', () => {
    expect(text).toMatch(/^Points earned +\+25$/m)
    expect(text).toMatch(/^New balance +1265$/m)
    // 163 250 of 240 000 = 68 %, 76 750 cents to go.
    expect(text).toMatch(/silver > gold █+░+ +68%/)
    expect(text).toContain('767,50 EUR more to reach gold')
  })
  it('prints each coupon with its label, validity, code and barcode', () => {
    expect(text).toContain('Coupon: sauce -30%')
    expect(text).toContain('valid until 10/12/2026')
    expect(text).toMatch(/^ +SAUCE-7KQ2-X9PD$/m)
    expect(text).toContain(drawQrCode('SAUCE-7KQ2-X9PD')[0]?.trimEnd())
    expect(renderReceipt(sale, { barcodes: false })).not.toContain('█▀▀▀▀▀█')
  })
  it('prints a signed coupon longer than the width whole, wrapped over lines, so it can be typed', () => {
    const signed = `TSR1.DEMO.${'NMEAKN3LEO2LOD2DKEWU'.repeat(3)}.ABCDEFGHIJKLMNOP`
    const printed = renderReceipt(
      { ...sale, coupons: [{ ...sale.coupons[0]!, code: signed, barcodeFile: `/tmp/${signed}.svg` }] },
      { barcodes: false },
    )
    const lines = printed.split('\n')
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(42)
    const start = lines.findIndex((l) => l.trim().startsWith('TSR1.DEMO.'))
    // 86 characters: 42 + 42 + 2, joined back they are the code.
    expect(
      lines
        .slice(start, start + 3)
        .map((l) => l.trim())
        .join(''),
    ).toBe(signed)
    expect(printed).not.toContain('…')
  })
  it('cuts a name too long for the width with an ellipsis instead of overflowing', () => {
    const long = renderReceipt({ ...sale, lines: [{ ...sale.lines[1]!, name: 'X'.repeat(80) }] }, { width: 32 })
    for (const line of long.split('\n')) expect([...line].length).toBeLessThanOrEqual(32)
    expect(long).toContain('…')
  })
  it('refuses a width too narrow for a receipt', () => {
    expect(() => renderReceipt(sale, { width: 10 })).toThrow(/width must be a whole number ≥ 24, got 10/)
  })
  it('marks a return and the receipt it returns, with the points reversed', () => {
    const text = renderReceipt({
      ...sale,
      kind: 'return',
      returnOf: 'T-0042-03-000100',
      loyalty: { ...sale.loyalty!, pointsEarned: -7 },
      coupons: [],
    })
    expect(text).toContain('RETURN')
    expect(text).toContain('Return of T-0042-03-000100')
    expect(text).toMatch(/^Points reversed +-7$/m)
  })
})

describe('drawQrCode', () => {
  it('draws the QR symbol two module rows per line, within the receipt width', () => {
    const modules = qrModules('SAUCE-7KQ2-X9PD')
    const drawn = drawQrCode('SAUCE-7KQ2-X9PD')
    expect(drawn.length).toBe(Math.ceil(modules.length / 2))
    for (const line of drawn) expect([...line].length).toBe(modules[0]!.length)
    expect(modules[0]!.length).toBeLessThanOrEqual(42)
    // The top-left finder pattern: 7 dark modules after the 2-module quiet zone.
    expect(modules[2]!.slice(2, 9)).toEqual([true, true, true, true, true, true, true])
    // Rows 2 (all dark) and 3 (dark, 5 light, dark) share text line 1.
    expect(drawn[1]!.slice(2, 9)).toBe('█▀▀▀▀▀█')
  })
  it('differs for different codes', () => {
    expect(drawQrCode('SAUCE-7KQ2-X9PD')).not.toEqual(drawQrCode('SAUCE-7KQ2-X9PE'))
  })
  it('fits a full-length signed coupon (133 characters) on a 42-column receipt, uncut', () => {
    const signed =
      'TSR1.DEMO.NMD5SKTLEOEKUD2DKEWUIQKJKJMS2WKPI5KVEVA3KQWTAMBUGIWTAMJNGIYDENRRGEZDMLJQGAYDAMBRF4YQ2MRZGAYDAMBQGAYTAOBUGA.EFQ7QUBFUESB6GEJ'
    for (const line of drawQrCode(signed)) {
      expect([...line].length).toBeLessThanOrEqual(42)
      expect(line).not.toContain('…')
    }
  })
})

describe('writeCouponBarcode', () => {
  it('writes a Code 128 SVG whose bars are the encoding of the code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-barcode-'))
    const path = writeCouponBarcode('SAUCE-7KQ2-X9PD', join(dir, 'coupons'))
    expect(path).toBe(join(dir, 'coupons', 'SAUCE-7KQ2-X9PD.svg'))
    expect(existsSync(path)).toBe(true)
    const svg = readFileSync(path, 'utf8')
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/)
    expect(svg.trimEnd()).toMatch(/<\/svg>$/)
    // Read the bars back (one stroke per bar, grouped by width) and compare, left to right, with the
    // bar widths of the Code 128 encoding (the even entries of bar/space/bar…), at scale 3.
    const [encoding] = bwipjs.raw('code128', 'SAUCE-7KQ2-X9PD', '') as { sbs: number[] }[]
    const expected = encoding!.sbs.filter((_, i) => i % 2 === 0)
    const bars: { x: number; width: number }[] = []
    for (const m of svg.matchAll(/<path stroke="#000000" stroke-width="(\d+)" d="([^"]+)"/g)) {
      for (const x of m[2]!.matchAll(/M([\d.]+) /g)) bars.push({ x: Number(x[1]), width: Number(m[1]) / 3 })
    }
    expect(bars.sort((a, b) => a.x - b.x).map((b) => b.width)).toEqual(expected)
  })
  it('keeps the file name safe whatever the code holds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-barcode-'))
    expect(writeCouponBarcode('A/B C', dir)).toBe(join(dir, 'A_B_C.svg'))
  })
  it('refuses an empty code', () => {
    expect(() => writeCouponBarcode('', tmpdir())).toThrow(/empty code/)
  })
})
