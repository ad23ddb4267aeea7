import type { Basket, BasketLine } from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { importPosLogAll } from './import.js'
import { transactionIdOf } from './read.js'
import { writePosLog, writeReturnPosLog } from './write.js'

// Text with what XML must escape, accents, and inner spaces (the reader trims the ends).
const text = fc
  .stringMatching(/^[A-Za-z0-9 &<>"'éß€/_-]{1,12}$/)
  .map((s) => s.trim())
  .filter((s) => s.length > 0)

const UNITS = ['kg', 'g', 'lb', 'l', 'm'] as const

const lineArb = fc.record({
  sku: text,
  measured: fc.boolean(),
  unit: fc.constantFrom(...UNITS),
  quantity: fc.integer({ min: 1, max: 9 }),
  thousandths: fc.integer({ min: 1, max: 9999 }),
  unitPrice: fc.integer({ min: 0, max: 50_000 }),
  categories: fc.uniqueArray(text, { maxLength: 3 }),
  brand: fc.option(text, { nil: undefined }),
  tags: fc.uniqueArray(text, { maxLength: 2 }),
  discountable: fc.boolean(),
  taxRate: fc.option(
    fc.integer({ min: 0, max: 2500 }).map((h) => h / 100),
    { nil: undefined },
  ),
})

const transactionArb = fc
  .record({
    currency: fc.constantFrom('EUR', 'JPY', 'KWD', 'GBP', 'USD'),
    storeId: fc.stringMatching(/^[0-9A-Z]{1,5}$/),
    terminalId: fc.stringMatching(/^[0-9]{1,3}$/),
    sequence: fc.integer({ min: 1, max: 999_999 }).map(String),
    offset: fc.constantFrom('+01:00', '-04:00', 'Z', '+05:30'),
    fraction: fc.constantFrom('', '.5', '.1234567'),
    pricesIncludeTax: fc.boolean(),
    card: fc.option(fc.stringMatching(/^[0-9A-Z]{4,25}$/), { nil: undefined }),
    codes: fc.uniqueArray(fc.stringMatching(/^[A-Z0-9-]{3,14}$/), { maxLength: 2 }),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 8 }),
    discounts: fc.array(
      fc.record({
        campaignId: text,
        label: fc.oneof(text, fc.constant('')),
        shares: fc.array(fc.nat(), { maxLength: 8 }),
      }),
      { maxLength: 4 },
    ),
    points: fc.option(fc.record({ earned: fc.integer({ min: -500, max: 5000 }), balance: fc.nat(100_000) }), {
      nil: undefined,
    }),
  })
  .map((g) => {
    const lines: BasketLine[] = g.lines.map((l, i) => {
      const quantity = l.measured ? l.thousandths / 1000 : l.quantity
      const amount = l.measured ? Math.round((l.unitPrice * l.thousandths) / 1000) : l.unitPrice * l.quantity
      return {
        id: String(i + 1),
        sku: l.sku as BasketLine['sku'],
        quantity,
        ...(l.measured ? { unit: l.unit } : {}),
        unitPrice: l.unitPrice as BasketLine['unitPrice'],
        amount: amount as BasketLine['amount'],
        categories: l.categories,
        ...(l.brand !== undefined ? { brand: l.brand } : {}),
        ...(l.tags.length > 0 ? { tags: l.tags } : {}),
        ...(l.discountable ? {} : { discountable: false }),
        ...(l.taxRate !== undefined ? { taxRate: l.taxRate } : {}),
      }
    })
    const day = '2026-11-26'
    const basket: Basket = {
      id: transactionIdOf(g.storeId, g.terminalId, day, g.sequence),
      storeId: g.storeId,
      terminalId: g.terminalId,
      channel: 'store',
      currency: g.currency as Basket['currency'],
      pricesIncludeTax: g.pricesIncludeTax,
      at: `${day}T10:15:00${g.fraction}${g.offset}` as Basket['at'],
      ...(g.card !== undefined ? { card: g.card } : {}),
      ...(g.codes.length > 0 ? { codes: g.codes } : {}),
      lines,
    }
    // Each discount takes a share of what is left of each line, so no line goes below zero.
    const left = lines.map((l) => l.amount as number)
    const seen = new Set<string>()
    const discounts = g.discounts.flatMap((d) => {
      if (seen.has(d.campaignId)) return []
      seen.add(d.campaignId)
      const allocations = lines.flatMap((l, i) => {
        const share = Math.min(d.shares[i] ?? 0, left[i] as number)
        left[i] = (left[i] as number) - share
        return share > 0 ? [{ lineId: l.id, amount: share }] : []
      })
      const amount = allocations.reduce((s, a) => s + a.amount, 0)
      return amount > 0 ? [{ campaignId: d.campaignId, label: d.label, amount, allocations }] : []
    })
    return { basket, sequence: g.sequence, discounts, points: g.points }
  })

// A return of some units of a sale: the sale is another till's (or the same), any day before.
const returnArb = fc
  .record({
    currency: fc.constantFrom('EUR', 'JPY', 'KWD', 'GBP', 'USD'),
    storeId: fc.stringMatching(/^[0-9A-Z]{1,5}$/),
    terminalId: fc.stringMatching(/^[0-9]{1,3}$/),
    sequence: fc.integer({ min: 1, max: 999_999 }).map(String),
    // Tessera's own ids (a till's receipt number), or none: then the header makes the id.
    returnId: fc.option(fc.stringMatching(/^R-[0-9A-Z-]{1,20}$/), { nil: undefined }),
    originalId: fc.option(fc.stringMatching(/^T-[0-9A-Z-]{1,20}$/), { nil: undefined }),
    originalStore: fc.stringMatching(/^[0-9A-Z]{1,5}$/),
    originalTerminal: fc.stringMatching(/^[0-9]{1,3}$/),
    originalSequence: fc.integer({ min: 1, max: 999_999 }).map(String),
    originalDay: fc.constantFrom('2026-11-20', '2026-11-25', '2026-11-26'),
    offset: fc.constantFrom('+01:00', '-04:00', 'Z', '+05:30'),
    fraction: fc.constantFrom('', '.5', '.1234567'),
    card: fc.option(fc.stringMatching(/^[0-9A-Z]{4,25}$/), { nil: undefined }),
    lines: fc.array(
      fc.record({
        originalLineId: fc.stringMatching(/^[0-9]{1,3}$/),
        sku: text,
        measured: fc.boolean(),
        unit: fc.constantFrom(...UNITS),
        quantity: fc.integer({ min: 1, max: 9 }),
        thousandths: fc.integer({ min: 1, max: 9999 }),
        amount: fc.integer({ min: 0, max: 500_000 }),
        description: fc.option(text, { nil: undefined }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    refunds: fc.array(fc.record({ type: fc.constantFrom('Cash', 'CreditDebit', 'voucher'), amount: fc.nat(500_000) }), {
      maxLength: 2,
    }),
    points: fc.option(fc.record({ clawedBack: fc.integer({ min: 0, max: 5000 }), balance: fc.nat(100_000) }), {
      nil: undefined,
    }),
  })
  .map((g) => {
    const day = '2026-11-27'
    const originalId =
      g.originalId ?? transactionIdOf(g.originalStore, g.originalTerminal, g.originalDay, g.originalSequence)
    return {
      toWrite: {
        returnId: g.returnId ?? transactionIdOf(g.storeId, g.terminalId, day, g.sequence),
        storeId: g.storeId,
        workstationId: g.terminalId,
        sequenceNumber: g.sequence,
        at: `${day}T16:45:00${g.fraction}${g.offset}`,
        currency: g.currency,
        original: {
          transactionId: originalId,
          storeId: g.originalStore,
          workstationId: g.originalTerminal,
          sequenceNumber: g.originalSequence,
          businessDayDate: g.originalDay,
        },
        lines: g.lines.map((l) => ({
          originalLineId: l.originalLineId,
          sku: l.sku,
          quantity: l.measured ? l.thousandths / 1000 : l.quantity,
          ...(l.measured ? { unit: l.unit } : {}),
          amount: l.amount,
          ...(l.description !== undefined ? { description: l.description } : {}),
        })),
        ...(g.card !== undefined ? { card: g.card } : {}),
        refunds: g.refunds,
        ...(g.points !== undefined ? { points: g.points } : {}),
      },
    }
  })

describe('POSLog round trip', () => {
  it('reads back what it writes: the same basket, the same discounts per line, the same points', async () => {
    await fc.assert(
      fc.asyncProperty(transactionArb, async (t) => {
        const written = writePosLog({
          basket: t.basket,
          sequenceNumber: t.sequence,
          discounts: t.discounts,
          ...(t.points !== undefined ? { points: t.points } : {}),
        })
        if (written._tag === 'Left') throw new Error(written.left.message)
        const records = await importPosLogAll(written.right)
        expect(records).toHaveLength(1)
        const [r] = records
        if (r?.kind !== 'sale') throw new Error(`not a sale: ${JSON.stringify(r)}`)
        expect(r.basket).toEqual(t.basket)
        expect(r.dialect).toBe('arts')
        const byId = (a: { campaignId: string }, b: { campaignId: string }) => (a.campaignId < b.campaignId ? -1 : 1)
        expect([...r.discounts].sort(byId)).toEqual([...t.discounts].sort(byId))
        if (t.points !== undefined) expect(r.points).toEqual(t.points)
        // The log's own totals agree with the lines: gross − savings = net.
        const gross = t.basket.lines.reduce((s, l) => s + l.amount, 0)
        const savings = t.discounts.reduce((s, d) => s + d.amount, 0)
        expect(r.totals).toMatchObject({
          TransactionGrossAmount: gross,
          TransactionTotalSavings: savings,
          TransactionNetAmount: gross - savings,
        })
      }),
      { numRuns: 200 },
    )
  })

  it('reads back a return it writes: the same return id, lines, links to the original sale, refunds and points', async () => {
    await fc.assert(
      fc.asyncProperty(returnArb, async ({ toWrite }) => {
        const written = writeReturnPosLog(toWrite)
        if (written._tag === 'Left') throw new Error(written.left.message)
        const records = await importPosLogAll(written.right)
        expect(records).toHaveLength(1)
        const [r] = records
        if (r?.kind !== 'return') throw new Error(`not a return: ${JSON.stringify(r)}`)
        expect(r.transactionId).toBe(toWrite.returnId)
        expect(r.dialect).toBe('arts')
        expect(r.return).toEqual({
          returnId: toWrite.returnId,
          at: toWrite.at,
          lines: toWrite.lines.map((l, i) => ({
            lineId: String(i + 1),
            sku: l.sku,
            quantity: l.quantity,
            unit: l.unit ?? 'each',
            amount: l.amount,
            original: { transactionId: toWrite.original.transactionId, lineId: l.originalLineId },
          })),
        })
        expect(r.refunds).toEqual(toWrite.refunds)
        expect(r.tenders).toEqual([])
        expect(r.customer).toEqual(toWrite.card !== undefined ? { card: toWrite.card } : undefined)
        if (toWrite.points !== undefined)
          expect(r.points).toEqual({ earned: -toWrite.points.clawedBack || 0, balance: toWrite.points.balance })
        expect(r.header).toEqual({
          storeId: toWrite.storeId,
          workstationId: toWrite.workstationId,
          sequenceNumber: toWrite.sequenceNumber,
          businessDayDate: '2026-11-27',
        })
        const refund = toWrite.lines.reduce((s, l) => s + l.amount, 0)
        expect(r.totals).toEqual({ TransactionGrandAmount: refund === 0 ? 0 : -refund })
        const descriptions = Object.fromEntries(
          toWrite.lines.flatMap((l, i) => (l.description !== undefined ? [[String(i + 1), l.description]] : [])),
        )
        expect(r.descriptions).toEqual(descriptions)
      }),
      { numRuns: 200 },
    )
  })
})
