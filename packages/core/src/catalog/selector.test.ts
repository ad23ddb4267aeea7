import { describe, expect, it } from 'vitest'
import type { BasketLine } from '../basket/basket.codec.js'
import { categoryAncestors, compileSelector, inCategory, isSatisfiable, selectorKeys } from './selector.js'

const jar = {
  id: '1',
  sku: '3017620422003',
  quantity: 1,
  unitPrice: 349,
  amount: 349,
  categories: ['grocery/spreads'],
  brand: 'Nutella',
  tags: ['promo'],
} as unknown as BasketLine

describe('selectors', () => {
  it('category matches the category and every category under it, not a mere prefix', () => {
    expect(inCategory(['grocery/spreads'], 'grocery')).toBe(true)
    expect(inCategory(['grocery/spreads'], 'grocery/spreads')).toBe(true)
    expect(inCategory(['grocery-bags'], 'grocery')).toBe(false)
    expect(inCategory(['grocery'], 'grocery/spreads')).toBe(false)
    expect(categoryAncestors('a/b/c')).toEqual(['a', 'a/b', 'a/b/c'])
  })

  it('sku, brand, tag, all, any, not and "*"', () => {
    expect(compileSelector({ sku: ['3017620422003'] })(jar)).toBe(true)
    expect(compileSelector({ sku: ['x', 'y'] })(jar)).toBe(false)
    expect(compileSelector({ brand: ['Nutella'] })(jar)).toBe(true)
    expect(compileSelector({ tag: ['organic', 'promo'] })(jar)).toBe(true)
    expect(compileSelector({ all: [{ category: ['grocery'] }, { not: { brand: ['Nutella'] } }] })(jar)).toBe(false)
    expect(compileSelector({ any: [{ sku: ['x'] }, { tag: ['promo'] }] })(jar)).toBe(true)
    expect(compileSelector('*')(jar)).toBe(true)
  })

  it('index keys: the narrowest part of an all, the union of an any, none for not or "*"', () => {
    expect(selectorKeys({ all: [{ category: ['a', 'b'] }, { sku: ['x'] }] })).toEqual({
      sku: ['x'],
      category: [],
      brand: [],
      tag: [],
    })
    expect(selectorKeys({ any: [{ sku: ['x'] }, { brand: ['B'] }] })).toEqual({
      sku: ['x'],
      category: [],
      brand: ['B'],
      tag: [],
    })
    expect(selectorKeys({ any: [{ sku: ['x'] }, '*'] })).toBeUndefined()
    expect(selectorKeys({ not: { sku: ['x'] } })).toBeUndefined()
  })

  it('knows selectors that can match nothing', () => {
    expect(isSatisfiable({ sku: [] })).toBe(false)
    expect(isSatisfiable({ not: '*' })).toBe(false)
    expect(isSatisfiable({ all: [{ sku: ['a'] }, { sku: ['b'] }] })).toBe(false)
    expect(isSatisfiable({ all: [{ sku: ['a', 'b'] }, { sku: ['b'] }] })).toBe(true)
    expect(isSatisfiable({ any: [{ sku: [] }, { brand: ['x'] }] })).toBe(true)
  })
})
