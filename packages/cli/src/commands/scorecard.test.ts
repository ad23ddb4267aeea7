import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inHoldout } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-scorecard-cli-'))
const file = (name: string, content: string) => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const campaigns = file(
  'campaigns.json',
  JSON.stringify({
    storeTimeZone: 'Europe/Paris',
    campaigns: [
      {
        id: 'comeback',
        status: 'active',
        reward: { amountOff: { of: 'basket', amount: 100 } },
        holdout: { share: 0.5 },
      },
      { id: 'no-holdout', status: 'active', reward: { percentOff: { of: { sku: ['Z'] }, percent: 10 } } },
    ],
  }),
)

/** 120 members over 4 weeks: the treated come back 3 times after their first visit, the held-out once. */
const lines: string[] = []
for (let v = 0; v < 4; v++) {
  for (let i = 0; i < 120; i++) {
    const card = `29${String(i).padStart(11, '0')}`
    if (v > 1 && inHoldout('comeback', card, 0.5)) continue
    const at = `2026-11-${String(2 + v * 7).padStart(2, '0')}T${String(8 + (i % 10)).padStart(2, '0')}:00:00+01:00`
    lines.push(
      JSON.stringify({
        basket: {
          id: `T-${i}-${v}`,
          storeId: '0042',
          terminalId: '01',
          channel: 'store',
          currency: 'EUR',
          pricesIncludeTax: true,
          at,
          card,
          lines: [{ id: '1', sku: 'A', quantity: 1, unitPrice: 2000, amount: 2000, categories: ['grocery'] }],
        },
        customer: { card },
      }),
    )
  }
}
lines.sort((a, b) => Date.parse(JSON.parse(a).basket.at) - Date.parse(JSON.parse(b).basket.at))
const history = file('history.jsonl', `${lines.join('\n')}\n{"basket": 1}\n`)

describe('tessera scorecard', () => {
  it('prints a card per campaign with a holdout: cost, incremental revenue and visits with intervals, a verdict', async () => {
    const { code, stdout, stderr } = await runCli('scorecard', '--history', history, '--campaigns', campaigns, '--json')
    expect(code).toBe(0)
    expect(stderr).toMatch(/history\.jsonl: line \d+: basket: .*\(skipped\)/)
    const card = JSON.parse(stdout)
    expect(card.campaigns.map((c: { id: string }) => c.id)).toEqual(['comeback'])
    const c = card.campaigns[0]
    // Each treated member visits 2 more times than a held-out one, at 20 € a visit.
    expect(c.incrementalRevenue).toBe(c.treated * 4000)
    expect(c.incrementalVisits).toBe(c.treated * 2)
    expect(c.cost).toBe(c.treated * 4 * 100)
    expect(c.verdict.code).toBe('PAYS_BACK')
    expect(card.weeks).toBeCloseTo(3 + 9 / (7 * 24), 5)
    const text = await runCli('scorecard', '--history', history, '--campaigns', campaigns)
    expect(text.stdout).toMatch(/comeback\n {2}cost .*\n {2}incremental revenue .*95 % CI/)
    expect(text.stdout).toMatch(/verdict: pays back/)
  })

  it('says not enough data yet below the minimum sample, and refuses a bad --min-sample', async () => {
    const few = await runCli('scorecard', '--history', history, '--campaigns', campaigns, '--min-sample', '500')
    expect(few.stdout).toMatch(/verdict: not enough data yet: \d+ customers in the smaller group, 500 needed/)
    const bad = await runCli('scorecard', '--history', history, '--campaigns', campaigns, '--min-sample', 'lots')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--min-sample: must be a whole number ≥ 2, got "lots"/)
  })
})
