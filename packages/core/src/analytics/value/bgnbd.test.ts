import { describe, expect, it } from 'vitest'
import { simulatePopulation } from '../../../bench/simulateBgNbd.js'
import { bgnbdLogLikelihood, expectedTransactions, fitBgNbd } from './bgnbd.js'
import { fitGammaGamma } from './gammaGamma.js'

const CDNOW_BGNBD = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }
const CDNOW_GG = { p: 6.25, q: 3.74, gamma: 1544 }

describe('fitBgNbd', () => {
  it('recovers known parameters from a seeded synthetic population of 60,000 members over two years', () => {
    // Over CDNOW's 39 weeks a and b are weakly identified (seeds move them by ±7 % even at 300,000
    // members); two years of calibration pin them down.
    const population = simulatePopulation(CDNOW_BGNBD, CDNOW_GG, 60_000, 7, { calibrationDays: 730 })
    const fit = fitBgNbd(population)
    if (fit._tag === 'Left') throw new Error(fit.left.message)
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.right[k] - CDNOW_BGNBD[k]) / CDNOW_BGNBD[k]).toBeLessThan(0.04)
    }
    // the grouped, analytic-gradient likelihood the fitter maximised is the direct one
    const direct = bgnbdLogLikelihood(fit.right, population)
    expect(direct._tag === 'Right' && direct.right).toBeCloseTo(fit.right.logLikelihood, 4)
    // Gamma-Gamma: p and γ trade off against each other, the mean spend p·γ / (q − 1) and q do not
    const spend = fitGammaGamma(population)
    if (spend._tag === 'Left') throw new Error(spend.left.message)
    const mean = ({ p, q, gamma }: typeof CDNOW_GG) => (p * gamma) / (q - 1)
    expect(Math.abs(mean(spend.right) - mean(CDNOW_GG)) / mean(CDNOW_GG)).toBeLessThan(0.02)
    expect(Math.abs(spend.right.q - CDNOW_GG.q) / CDNOW_GG.q).toBeLessThan(0.03)
    for (const k of ['p', 'gamma'] as const) {
      expect(Math.abs(spend.right[k] - CDNOW_GG[k]) / CDNOW_GG[k]).toBeLessThan(0.1)
    }
  })

  it('refuses a population without any repeat purchase with an InsufficientSample saying so', () => {
    const fit = fitBgNbd([
      { frequency: 0, recency: 0, T: 10 },
      { frequency: 0, recency: 0, T: 12 },
    ])
    expect(fit).toMatchObject({
      left: { _tag: 'InsufficientSample', reason: expect.stringContaining('no member made a repeat purchase') },
    })
  })

  it('refuses a single member, and a population all of age 0', () => {
    expect(fitBgNbd([{ frequency: 2, recency: 1, T: 3 }])).toMatchObject({ left: { _tag: 'InsufficientSample' } })
    expect(
      fitBgNbd([
        { frequency: 1, recency: 0, T: 0 },
        { frequency: 0, recency: 0, T: 0 },
      ]),
    ).toMatchObject({ left: { _tag: 'InsufficientSample', reason: expect.stringContaining('age 0') } })
  })

  it('refuses a degenerate history (everyone still buying on the last day) as ModelFitFailed, not NaN', () => {
    const members = Array.from({ length: 50 }, (_, i) => ({ frequency: 5 + (i % 3), recency: 20, T: 20 }))
    const fit = fitBgNbd(members)
    expect(fit._tag).toBe('Left')
    if (fit._tag === 'Right') return
    expect(fit.left._tag).toBe('ModelFitFailed')
    expect(fit.left.message).toMatch(/^cannot fit BG\/NBD: /)
  })

  it('names an impossible member: recency past T, a fractional frequency', () => {
    expect(
      fitBgNbd([
        { frequency: 1, recency: 5, T: 4 },
        { frequency: 0, recency: 0, T: 4 },
      ]),
    ).toMatchObject({
      left: { _tag: 'InvalidAnalyticsInput', path: 'members.0.recency' },
    })
    expect(bgnbdLogLikelihood(CDNOW_BGNBD, [{ frequency: 1.5, recency: 1, T: 4 }])).toMatchObject({
      left: { path: 'members.0.frequency' },
    })
    expect(bgnbdLogLikelihood({ ...CDNOW_BGNBD, r: -1 }, [])).toMatchObject({ left: { path: 'bgnbd.r' } })
  })

  it('expects no transaction over a zero horizon', () => {
    expect(expectedTransactions(CDNOW_BGNBD, { frequency: 3, recency: 10, T: 20 }, 0)).toBe(0)
  })
})
