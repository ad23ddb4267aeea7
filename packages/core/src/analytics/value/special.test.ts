import { describe, expect, it } from 'vitest'
import { digammaOf, hyp2f1, logGamma, logHyp2f1 } from './special.js'

const close = (actual: number, expected: number, relative = 1e-12) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected))

describe('hyp2f1', () => {
  it('matches ₂F₁(1, 1; 2; z) = −ln(1 − z) / z across (−1, 1)', () => {
    for (const z of [-0.9, -0.5, -0.1, 0.001, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999]) {
      close(hyp2f1(1, 1, 2, z), -Math.log(1 - z) / z, 1e-12)
    }
  })

  it('matches ₂F₁(a, b; b; z) = (1 − z)^−a, including large a where the terms pass 1e250', () => {
    for (const [a, z] of [
      [0.243, 0.3],
      [2.5, 0.9],
      [30.243, 0.95],
      [400, 0.99],
    ] as const) {
      const r = logHyp2f1(a, 7.3, 7.3, z)
      expect(r?.sign).toBe(1)
      close(r?.log ?? Number.NaN, -a * Math.log(1 - z), 1e-10)
    }
  })

  it('matches ₂F₁(½, ½; 3/2; z²) = arcsin(z) / z and ₂F₁(½, 1; 3/2; −z²) = arctan(z) / z', () => {
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      close(hyp2f1(0.5, 0.5, 1.5, z * z), Math.asin(z) / z, 1e-12)
      close(hyp2f1(0.5, 1, 1.5, -z * z), Math.atan(z) / z, 1e-12)
    }
  })

  it('matches a polynomial case (a a negative integer): ₂F₁(−3, 2; 5; z)', () => {
    // Σ_{k=0..3} (−3)_k (2)_k / ((5)_k k!) z^k = 1 − 6z/5 + 3z²/5 − 4z³/35
    const z = 0.4
    close(hyp2f1(-3, 2, 5, z), 1 - (6 * z) / 5 + (3 * z * z) / 5 - (4 * z * z * z) / 35, 1e-14)
  })

  it('matches a BG/NBD-range value against the closed form ₂F₁(a, b; a; z) with a negative c-path (c < 0)', () => {
    // c = a + b + x − 1 can be negative for x = 0 and a + b < 1: ₂F₁(r, b; c; z) with b = c is still (1 − z)^−r.
    close(hyp2f1(0.243, -0.3, -0.3, 0.6), (1 - 0.6) ** -0.243, 1e-12)
  })

  it('is undefined outside |z| < 1 and at the poles c = 0, −1, …', () => {
    expect(logHyp2f1(1, 1, 2, 1)).toBeUndefined()
    expect(logHyp2f1(1, 1, 2, -1.5)).toBeUndefined()
    expect(logHyp2f1(1, 1, -2, 0.5)).toBeUndefined()
    expect(hyp2f1(1, 1, 0, 0.5)).toBeNaN()
  })
})

describe('logGamma and digammaOf (@stdlib)', () => {
  it('give ln Γ and ψ at known points', () => {
    close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14)
    close(logGamma(10), Math.log(362880), 1e-14)
    close(digammaOf(1), -0.5772156649015329, 1e-14)
    close(digammaOf(0.5), -0.5772156649015329 - 2 * Math.LN2, 1e-14)
  })
})
