import { describe, expect, it } from 'vitest'
import { basket, line, run } from '../testkit.js'
import { codeInPool } from './code.js'

describe('code condition and pools', () => {
  it('a code belongs to a pool when it equals it or its prefix before the first "-" is the pool', () => {
    expect(codeInPool('XMAS26', 'XMAS26')).toBe(true)
    expect(codeInPool('XMAS26-7KQ2-X9PD', 'XMAS26')).toBe(true)
    expect(codeInPool('XMAS266-7KQ2', 'XMAS26')).toBe(false)
    expect(codeInPool('XMAS-26', 'XMAS26')).toBe(false)
  })

  it('the trigger `code` needs a basket code of the pool, and says which one was missing', () => {
    const doc = { trigger: { code: 'WELCOME' }, reward: { amountOff: { of: 'basket', amount: 100 } } }
    expect(run([doc], basket([line('1', 'a', 1, 500)], { codes: ['WELCOME-AB12'] })).discountTotal).toBe(100)
    const e = run([doc], basket([line('1', 'a', 1, 500)], { codes: ['OTHER-1'] }))
    expect(e.explanations[0]?.reasons).toEqual([{ code: 'CODE_REQUIRED', required: 'WELCOME', actual: ['OTHER-1'] }])
  })

  it('a campaign `code` block tells the user why the coupon did not apply', () => {
    const doc = { code: { required: true, pool: 'XMAS26' }, reward: { amountOff: { of: 'basket', amount: 100 } } }
    const e = run([doc], basket([line('1', 'a', 1, 500)], { codes: ['XMAS25-AAAA'] }))
    expect(e.explanations[0]).toEqual({
      campaignId: 'c1',
      applied: false,
      reasons: [{ code: 'CODE_REQUIRED', required: 'XMAS26', actual: ['XMAS25-AAAA'] }],
    })
  })
})

describe('a scanned code always brings its campaign into the answer', () => {
  it('explains a coupon whose product is not in the basket', () => {
    // The campaign is indexed by SKU "jar", which the basket lacks; the scanned code still makes it concern the basket.
    const doc = {
      code: { pool: 'JAR' },
      trigger: { quantity: { of: { sku: ['jar'] }, atLeast: 1 } },
      reward: { percentOff: { of: { sku: ['jar'] }, percent: 50 } },
    }
    const e = run([doc], basket([line('1', 'bread', 1, 200)], { codes: ['JAR-1234'] }))
    expect(e.explanations).toEqual([
      { campaignId: 'c1', applied: false, reasons: [{ code: 'MIN_QUANTITY', required: 1, actual: 0 }] },
    ])
  })
})
