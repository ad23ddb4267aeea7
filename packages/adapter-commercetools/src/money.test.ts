import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type CtMoney, ROUNDING_MODES } from './cart.codec.js'

const money = (m: object) => m as CtMoney

import { divRound, totalOf, unitPriceFor } from './money.js'

describe('commercetools money', () => {
  it('rounds a half per mode, and anything else to the nearest', () => {
    expect([5n, 15n, 25n].map((n) => divRound(n, 10n, 'HalfEven'))).toEqual([0n, 2n, 2n])
    expect([5n, 15n, 25n].map((n) => divRound(n, 10n, 'HalfUp'))).toEqual([1n, 2n, 3n])
    expect([5n, 15n, 25n].map((n) => divRound(n, 10n, 'HalfDown'))).toEqual([0n, 1n, 2n])
    expect(divRound(14n, 10n, 'HalfUp')).toBe(1n)
    expect(divRound(16n, 10n, 'HalfDown')).toBe(2n)
  })

  it('a high-precision price is totalled then rounded: 2.997 € × 3 = 8.991 € → 899', () => {
    const price = {
      type: 'highPrecision' as const,
      currencyCode: 'EUR',
      centAmount: 300,
      preciseAmount: 2997,
      fractionDigits: 3,
    }
    expect(totalOf(money(price), 3, 2, 'HalfEven')).toBe(899)
    expect(totalOf(money({ currencyCode: 'EUR', centAmount: 333 }), 3, 2, 'HalfEven')).toBe(999)
  })

  it('for any net and quantity, the unit price totals back to the net under every rounding mode', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.constantFrom(0, 2, 3),
        fc.constantFrom(...ROUNDING_MODES),
        (net, quantity, exponent, mode) => {
          const price = unitPriceFor(net, quantity, 'EUR', exponent)
          const drafted = money(
            price.type === 'centPrecision'
              ? { currencyCode: 'EUR', centAmount: price.centAmount }
              : { ...price, centAmount: 0 },
          )
          expect(totalOf(drafted, quantity, exponent, mode)).toBe(net)
          if (price.type === 'highPrecision') expect(price.fractionDigits).toBeLessThanOrEqual(20)
        },
      ),
      { numRuns: 2000 },
    )
  })
})
