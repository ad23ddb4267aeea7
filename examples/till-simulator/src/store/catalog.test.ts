import { isValidGs1 } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { generateCatalog, lookupBarcode, scaleLabel } from './catalog.js'

const catalog = generateCatalog()

describe('generateCatalog', () => {
  it('has 500+ products with unique, valid EAN-13 SKUs', () => {
    expect(catalog.products.length).toBeGreaterThanOrEqual(500)
    expect(new Set(catalog.products.map((p) => p.sku)).size).toBe(catalog.products.length)
    for (const p of catalog.products) expect(isValidGs1(p.sku), p.sku).toBe(true)
  })
  it('is the same catalog for the same seed and a different one for another seed', () => {
    expect(generateCatalog().products).toEqual(catalog.products)
    expect(generateCatalog('other').products.map((p) => p.unitPrice)).not.toEqual(
      catalog.products.map((p) => p.unitPrice),
    )
  })
  it('writes categories in the a/b form with their parent first', () => {
    const yogurt = catalog.products.find((p) => p.categories.includes('dairy/yogurt'))
    expect(yogurt?.categories).toEqual(['dairy', 'dairy/yogurt'])
  })
  it('sells fresh goods by weight under variable-measure prefixes with the measure zeroed', () => {
    const weighed = catalog.products.filter((p) => p.unit === 'kg')
    expect(weighed.length).toBeGreaterThanOrEqual(40)
    for (const p of weighed) expect(p.sku).toMatch(/^(28|22)\d{4}0{6}\d$/)
  })
  it('pairs competitor brands with a brand of ours on the same shelf', () => {
    expect(catalog.competitorPairs.length).toBeGreaterThanOrEqual(5)
    for (const pair of catalog.competitorPairs) {
      const shelf = catalog.products.filter((p) => p.categories.includes(pair.category))
      expect(
        shelf.some((p) => p.brand === pair.competitor),
        pair.competitor,
      ).toBe(true)
      expect(
        shelf.some((p) => p.brand === pair.ours),
        pair.ours,
      ).toBe(true)
    }
  })
  it('keeps tobacco and gift cards out of discounts, and prices in whole cents', () => {
    for (const p of catalog.products) {
      expect(Number.isInteger(p.unitPrice) && p.unitPrice > 0).toBe(true)
      if (p.categories[0] === 'tobacco' || p.categories[0] === 'gift-cards') expect(p.discountable).toBe(false)
    }
    expect(catalog.bySku.get(catalog.giftSku)?.name).toMatch(/tote bag/)
  })
})

describe('scaleLabel and lookupBarcode', () => {
  const byWeight = catalog.products.find((p) => p.barcode === 'weight')!
  const byPrice = catalog.products.find((p) => p.barcode === 'price')!

  it('embeds the weight in grams under prefix 28 and reads it back', () => {
    const label = scaleLabel(byWeight, 532)
    expect(isValidGs1(label.barcode)).toBe(true)
    expect(label.barcode.slice(7, 12)).toBe('00532')
    const scan = lookupBarcode(catalog, label.barcode)
    expect(scan?.product.sku).toBe(byWeight.sku)
    expect(scan?.quantity).toBe(0.532)
    // amount = unit price per kg × 0.532, half-up to the cent
    expect(scan?.amount).toBe(Math.floor((byWeight.unitPrice * 532 + 500) / 1000))
  })
  it('embeds the price in cents under prefix 22, which is the authoritative amount', () => {
    const label = scaleLabel(byPrice, 250)
    const scan = lookupBarcode(catalog, label.barcode)
    expect(scan?.amount).toBe(label.amount)
    expect(label.barcode.slice(7, 12)).toBe(String(label.amount).padStart(5, '0'))
    expect(scan?.quantity).toBeCloseTo(0.25, 2)
  })
  it('refuses a label whose verifier digit was altered, and an unknown or malformed code', () => {
    const label = scaleLabel(byWeight, 532).barcode
    const wrongVerifier = `${label.slice(0, 6)}${(Number(label[6]) + 1) % 10}${label.slice(7, 12)}`
    const tampered = `${wrongVerifier}${(10 - ([...wrongVerifier].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0) % 10)) % 10}`
    expect(isValidGs1(tampered)).toBe(true)
    expect(lookupBarcode(catalog, tampered)).toBeUndefined()
    expect(lookupBarcode(catalog, '4006381333931')).toBeUndefined()
    expect(lookupBarcode(catalog, '12345')).toBeUndefined()
  })
  it('refuses to print a scale label for a product sold by the unit', () => {
    const each = catalog.products.find((p) => p.barcode === 'gtin')!
    expect(() => scaleLabel(each, 100)).toThrow(/not a variable-measure/)
  })
})
