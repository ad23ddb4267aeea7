import { describe, expect, it } from 'vitest'
import { routeOf } from './route.js'

const lines = Array.from({ length: 40 }, (_, k) => ({
  id: String(k + 1),
  sku: `SKU-${k}`,
  quantity: 1 + (k % 3),
  unitPrice: 250 + k,
  amount: (1 + (k % 3)) * (250 + k),
  categories: ['grocery', `aisle-${k % 5}`],
  // Names routing reads, where it must not read them: inside a line.
  ...(k === 7 ? { card: 'LINE-CARD', memberId: 'LINE-MEMBER', at: '1999-01-01T00:00:00Z' } : {}),
}))
const basket = { id: 'T-1', storeId: '0042', at: '2026-10-01T09:00:00+01:00', lines, card: '2900000000017' }

const route = routeOf

describe('routeOf', () => {
  it('finds the member when the customer comes last, after the 40 lines, and reads nothing inside a line', () => {
    const text = JSON.stringify({ basket, customer: { card: '2900000000017', memberId: 'M-17', tier: 'gold' } })
    expect(route(text)).toEqual({
      key: 'member:M-17',
      basketId: 'T-1',
      of: undefined,
      atMs: Date.parse('2026-10-01T09:00:00+01:00'),
    })
  })

  it("takes the customer's card, else the basket's, and leaves an anonymous basket without a key", () => {
    expect(route(JSON.stringify({ customer: { card: 'C-2' }, basket })).key).toBe('card:C-2')
    expect(route(JSON.stringify({ basket })).key).toBe('card:2900000000017')
    const anonymous = route(JSON.stringify({ basket: { ...basket, card: undefined } }))
    expect(anonymous).toEqual({ key: undefined, basketId: 'T-1', of: undefined, atMs: Date.parse(basket.at) })
  })

  it('reads keys and values written with escapes, and any JSON whitespace between the tokens', () => {
    const text = `\t{ "\\u0062asket" :\r\n{"id":"T-\\u0031\\"x","at" : "2026-10-01T09:00:00+01:00" , "lines":[ ] } ,\n "customer":{"memb\\u0065rId":"M\\/7\\\\"}}\r\n`
    expect(route(text)).toEqual({
      key: 'member:M/7\\',
      basketId: 'T-1"x',
      of: undefined,
      atMs: Date.parse('2026-10-01T09:00:00+01:00'),
    })
  })

  it('keeps the last of duplicate keys, as JSON.parse does, a non-string value reading as none', () => {
    const text =
      '{"basket":{"id":"A","card":"1","card":2,"at":"2026-10-01T09:00:00Z"},"customer":{"card":"9"},"customer":null}'
    expect(route(text)).toEqual({
      key: undefined,
      basketId: 'A',
      of: undefined,
      atMs: Date.parse('2026-10-01T09:00:00Z'),
    })
    expect(route('{"basket":{"id":"A"},"basket":{"id":"B"}}').basketId).toBe('B')
  })

  it('routes a return by its sale, whatever else the line has', () => {
    const text = JSON.stringify({
      basket,
      return: { id: 'R-1', of: 'T-1', at: '2026-10-02T10:00:00+01:00', full: true },
    })
    expect(route(text)).toEqual({
      key: undefined,
      basketId: undefined,
      of: 'T-1',
      atMs: Date.parse('2026-10-02T10:00:00+01:00'),
    })
  })

  it('gives nothing to route by for a text that is not a JSON object', () => {
    const nothing = { key: undefined, basketId: undefined, of: undefined, atMs: Number.NaN }
    for (const text of [
      '',
      '   ',
      '{"basket": {"id": "broken"',
      '{"basket":{"id":"T-1"}} trailing',
      '{"basket":{"id":"T-1","n":01}}',
      '{"basket":{"id":"T-1","n":1.}}',
      '{"basket":{"id":"T-1","n":-}}',
      '{"basket":{"id":"T-1","s":"\\x"}}',
      '{"basket":{"id":"T-1","s":"tab\there"}}',
      '{"basket":{"id":"T-1",}}',
      '{"basket":{"id":"T-1"},,}',
      '{"basket":{"id":"T-1"} "customer":{}}',
      '{"basket":{"id":"T-1","ok":tru}}',
      '\uFEFF{"basket":{"id":"T-1"}}',
      '[{"basket":{"id":"T-1"}}]',
      '"a string"',
      'null',
    ])
      expect(route(text)).toEqual(nothing)
  })
})
