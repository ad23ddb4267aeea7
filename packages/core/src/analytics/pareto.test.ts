import { describe, expect, it } from 'vitest'
import { paretoShare } from './pareto.js'

describe('paretoShare', () => {
  it('takes the top fifth of customers: one of five brings half the revenue', () => {
    // top ⌈5 / 5⌉ = 1 customer: 100 of 200 = 50 %
    expect(paretoShare([10, 50, 100, 30, 10])).toEqual({
      _tag: 'Right',
      right: { topCustomers: 1, customers: 5, topSpend: 100, totalSpend: 200, share: 0.5, shareHundredths: 5000 },
    })
  })

  it('rounds the top group up: two of seven customers bring 80 %', () => {
    // top ⌈7 / 5⌉ = 2 customers: 700 + 100 = 800 of 1000 = 80 %
    expect(paretoShare([100, 700, 25, 100, 50, 25, 0])).toMatchObject({
      right: { topCustomers: 2, topSpend: 800, totalSpend: 1000, shareHundredths: 8000 },
    })
  })

  it('rounds the share half-up in hundredths of a percent', () => {
    // 1 / 3 = 33.3333 % → 3333; 2 / 3 = 66.6667 % → 6667
    expect(paretoShare([1, 1, 1])).toMatchObject({ right: { shareHundredths: 3333 } })
    expect(paretoShare([2, 1])).toMatchObject({ right: { shareHundredths: 6667 } })
  })

  it('adds large spends exactly', () => {
    // 2^52 + 1 + 2^52 - 1: exactly 2^53 would overflow, so 2^52 + 1 and 2^52 - 3
    const big = 2 ** 52
    expect(paretoShare([big + 1, big - 3])).toMatchObject({ right: { topSpend: big + 1, totalSpend: 2 * big - 2 } })
    expect(paretoShare([big, big])).toMatchObject({ left: { _tag: 'InvalidAnalyticsInput', path: 'spends' } })
  })

  it('refuses a negative or fractional spend, naming it', () => {
    expect(paretoShare([10, -1])).toMatchObject({ left: { _tag: 'InvalidAnalyticsInput', path: 'spends.1' } })
    expect(paretoShare([10.5])).toMatchObject({ left: { path: 'spends.0' } })
  })

  it('refuses an empty population or one without revenue', () => {
    expect(paretoShare([])).toMatchObject({ left: { _tag: 'InsufficientSample' } })
    expect(paretoShare([0, 0])).toMatchObject({ left: { _tag: 'InsufficientSample' } })
  })
})
