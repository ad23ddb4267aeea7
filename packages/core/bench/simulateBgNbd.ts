import beta from '@stdlib/random-base-beta'
import exponential from '@stdlib/random-base-exponential'
import gamma from '@stdlib/random-base-gamma'
import randu from '@stdlib/random-base-randu'
import type { BgNbdParameters, GammaGammaParameters, MemberSummary } from '../src/index.js'

/**
 * A population drawn from BG/NBD and Gamma-Gamma with known parameters, seeded (MT19937 from @stdlib),
 * for benchmarks and parameter-recovery tests. Each member's first purchase falls on one of the
 * `cohortDays` days before a calibration of `calibrationDays` days (CDNOW: 84 days, 272 days);
 * purchase times are rounded to whole days as a history summary would, and given in weeks.
 */
export const simulatePopulation = (
  bgnbd: BgNbdParameters,
  gammaGamma: GammaGammaParameters,
  members: number,
  seed: number,
  { cohortDays = 84, calibrationDays = 272 } = {},
): MemberSummary[] => {
  const uniform = randu.factory({ seed })
  const rate = gamma.factory(bgnbd.r, bgnbd.alpha, { seed: seed + 1 })
  const dropout = beta.factory(bgnbd.a, bgnbd.b, { seed: seed + 2 })
  const wait = exponential.factory(1, { seed: seed + 3 })
  const scale = gamma.factory(gammaGamma.q, gammaGamma.gamma, { seed: seed + 4 })
  const spend = gamma.factory({ seed: seed + 5 })
  const out: MemberSummary[] = []
  for (let i = 0; i < members; i++) {
    const TDays = calibrationDays - Math.floor(uniform() * cohortDays)
    const lambda = rate() / 7 // per day
    const p = dropout()
    const nu = scale()
    let t = 0
    let x = 0
    let last = 0
    let total = 0
    for (;;) {
      t += wait() / lambda
      if (t > TDays) break
      x++
      last = t
      total += spend(gammaGamma.p, nu)
      if (uniform() < p) break
    }
    const lastDay = Math.min(TDays, Math.round(last))
    out.push({
      memberId: `m-${i}`,
      frequency: x,
      recency: x === 0 ? 0 : lastDay / 7,
      T: TDays / 7,
      monetaryValue: x === 0 ? 0 : total / x,
      firstPurchase: '1997-01-01',
      lastPurchase: '1997-01-01',
    })
  }
  return out
}
