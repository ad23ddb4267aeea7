import { decodeBasket, type LocalDate } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { type DaySale, generateTradingDay, tamperCode } from './baskets.js'
import { generateCatalog, lookupBarcode } from './catalog.js'
import { generateMembers } from './members.js'
import { seededRng } from './prng.js'

const day = '2026-11-26' as LocalDate
const catalog = generateCatalog()
const members = generateMembers({ asOf: day })
// Random-looking codes, far apart, so that a one-character tamper never lands on another issued code.
const codeRng = seededRng('codes')
const symbols = () => Array.from({ length: 4 }, () => codeRng.pick([...'23456789ABCDEFGHJKLMNPQRSTUVWXYZ'])).join('')
const issuedCoupons = members.slice(0, 200).map((m) => ({ code: `SAUCE-${symbols()}-${symbols()}`, card: m.card }))
const transactions = generateTradingDay({ catalog, members, day, issuedCoupons })
const sales = transactions.filter((t): t is DaySale => t.kind === 'sale')

describe('generateTradingDay', () => {
  it('makes 2,100 sales that all decode as wire-contract baskets', () => {
    expect(sales.length).toBe(2100)
    for (const sale of sales) {
      const decoded = decodeBasket(sale.basket)
      if (decoded._tag === 'Left') throw new Error(`${sale.basket.id}: ${decoded.left.message}`)
    }
  })
  it('spreads sales over 3 tills and the opening hours, in time order', () => {
    expect(new Set(sales.map((s) => s.basket.terminalId))).toEqual(new Set(['01', '02', '03']))
    const hours = sales.map((s) => Number(s.basket.at.slice(11, 13)))
    expect(Math.min(...hours)).toBe(8)
    expect(Math.max(...hours)).toBe(20)
    const times = transactions.map((t) => Date.parse(t.kind === 'sale' ? t.basket.at : t.at))
    expect(times).toEqual([...times].sort((a, b) => a - b))
    // The happy hour (18:00–20:00) is among the busiest of the day.
    expect(hours.filter((h) => h === 18 || h === 19).length).toBeGreaterThan(sales.length * 0.12)
  })
  it('mixes identified and anonymous customers, identified with known cards', () => {
    const identified = sales.filter((s) => s.basket.card !== undefined)
    expect(identified.length / sales.length).toBeGreaterThan(0.55)
    expect(identified.length / sales.length).toBeLessThan(0.8)
    const cards = new Set(members.map((m) => m.card))
    for (const s of identified) expect(cards.has(s.basket.card!)).toBe(true)
  })
  it('has line amounts that match the scanned barcodes, weighed goods included', () => {
    let weighed = 0
    for (const sale of sales) {
      for (const [i, scan] of sale.scans.entries()) {
        const line = sale.basket.lines[i]!
        const found = lookupBarcode(catalog, scan)
        expect(found?.product.sku).toBe(line.sku)
        if (line.unit === 'kg') {
          weighed++
          expect(found?.amount).toBe(line.amount)
        } else {
          expect(line.amount).toBe(line.quantity * line.unitPrice)
        }
      }
    }
    expect(weighed).toBeGreaterThan(500)
  })
  it('brings back earlier coupons with their holder’s card, and a few tampered codes', () => {
    const issued = new Map(issuedCoupons.map((c) => [c.code, c.card]))
    const codes = sales.flatMap((s) => (s.basket.codes ?? []).map((code) => ({ code, card: s.basket.card })))
    const redeemed = codes.filter((c) => issued.has(c.code))
    expect(redeemed.length).toBeGreaterThan(40)
    for (const r of redeemed) expect(r.card).toBe(issued.get(r.code))
    expect(codes.filter((c) => !issued.has(c.code)).length).toBe(6)
  })
  it('returns units of earlier sales of the same day', () => {
    const byId = new Map(sales.map((s) => [s.basket.id, s]))
    const returns = transactions.filter((t) => t.kind === 'return')
    expect(returns.length).toBeGreaterThanOrEqual(15)
    for (const r of returns) {
      const sale = byId.get(r.of)!
      expect(Date.parse(r.at)).toBeGreaterThan(Date.parse(sale.basket.at))
      for (const l of r.lines) {
        const line = sale.basket.lines.find((x) => x.id === l.lineId)!
        expect(l.quantity).toBeGreaterThan(0)
        expect(l.quantity).toBeLessThanOrEqual(line.quantity)
      }
    }
  })
  it('is deterministic in its seed', () => {
    const again = generateTradingDay({ catalog, members, day, issuedCoupons, sales: 50, seed: 3 })
    expect(generateTradingDay({ catalog, members, day, issuedCoupons, sales: 50, seed: 3 })).toEqual(again)
  })
})

describe('tamperCode', () => {
  it('changes exactly one character and keeps the layout', () => {
    const rng = seededRng(1)
    for (let i = 0; i < 50; i++) {
      const tampered = tamperCode('XMAS-7KQ2-X9PD', rng)
      expect(tampered).toHaveLength(14)
      expect([...tampered].filter((ch, j) => ch !== 'XMAS-7KQ2-X9PD'[j]).length).toBe(1)
      expect(tampered[4]).toBe('-')
    }
  })
})

describe('generateTradingDay on bad options', () => {
  it('refuses a sales count below 1 and shares outside [0, 1]', () => {
    expect(() => generateTradingDay({ catalog, members, day, sales: 0 })).toThrow(/sales must be a whole number ≥ 1/)
    expect(() => generateTradingDay({ catalog, members, day, identifiedShare: 1.5 })).toThrow(
      /identifiedShare must be between 0 and 1, got 1.5/,
    )
  })
})
