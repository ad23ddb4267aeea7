import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { expectedTransactions, fitBgNbd, probabilityAlive } from './bgnbd.js'
import { expectedAverageSpend, fitGammaGamma } from './gammaGamma.js'
import type { PurchaseLine } from './history.js'
import { summariseHistory } from './summary.js'

// The CDNOW 1/10 sample (Fader and Hardie), vendored from CamDavidsonPilon/lifetimes (MIT) beside its
// licence in test/fixtures/cdnow/. Columns: master id, sample id, date YYYYMMDD, CDs, dollars.
const cdnow: PurchaseLine[] = readFileSync(
  new URL('../../../test/fixtures/cdnow/CDNOW_sample.txt', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((row) => {
    const [, id, date, , dollars] = row.trim().split(/\s+/) as [string, string, string, string, string]
    return {
      memberId: id,
      at: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
      amount: Math.round(Number(dollars) * 100),
    }
  })

const summary = summariseHistory(cdnow, { until: '1997-09-30' })
if (summary._tag === 'Left') throw new Error(summary.left.message)
const members = summary.right.members

/** Within 1 % of the published figure. */
const withinOnePercent = (actual: number, published: number) =>
  expect(Math.abs(actual - published) / Math.abs(published)).toBeLessThan(0.01)

describe('CDNOW, calibrated to 1997-09-30', () => {
  it('summarises 2,357 customers, 946 of them with a repeat purchase, ages in weeks of whole days', () => {
    expect(members).toHaveLength(2357)
    expect(members.filter((m) => m.frequency > 0)).toHaveLength(946)
    // customer 0001: 1997-01-01, 01-18, 08-02 in calibration (12-12 is in the holdout)
    expect(members.find((m) => m.memberId === '0001')).toMatchObject({
      frequency: 2,
      recency: 213 / 7,
      T: 272 / 7,
      monetaryValue: (2973 + 1496) / 2,
    })
  })

  it('reproduces the published BG/NBD fit (Fader, Hardie and Lee 2005) to within 1 %', () => {
    const fit = fitBgNbd(members)
    if (fit._tag === 'Left') throw new Error(fit.left.message)
    withinOnePercent(fit.right.r, 0.243)
    withinOnePercent(fit.right.alpha, 4.414)
    withinOnePercent(fit.right.a, 0.793)
    withinOnePercent(fit.right.b, 2.426)
    withinOnePercent(fit.right.logLikelihood, -9582.4)
    // the paper's worked example: x = 2, tₓ = 30.43, T = 38.86 expects 1.226 purchases in the next 39 weeks
    const e = expectedTransactions(fit.right, { frequency: 2, recency: 30.43, T: 38.86 }, 39)
    expect(e).toBeCloseTo(1.226, 3)
    expect(probabilityAlive(fit.right, { frequency: 0, recency: 0, T: 38.86 })).toBe(1)
  })

  it('reproduces the published Gamma-Gamma fit (946 repeat buyers) to within 1 %, γ in cents', () => {
    const fit = fitGammaGamma(members)
    if (fit._tag === 'Left') throw new Error(fit.left.message)
    expect(fit.right.members).toBe(946)
    withinOnePercent(fit.right.p, 6.25)
    withinOnePercent(fit.right.q, 3.74)
    withinOnePercent(fit.right.gamma, 1544) // 15.44 $
    // a member without a repeat purchase gets the population's mean: p·γ / (q − 1)
    const prior = expectedAverageSpend(fit.right, { frequency: 0, monetaryValue: 0 })
    expect(prior).toBeCloseTo((fit.right.p * fit.right.gamma) / (fit.right.q - 1), 9)
  })
})
