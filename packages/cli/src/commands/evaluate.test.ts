import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decodeEvaluation } from '@tessera/core'
import { BUDGET_AGREEMENT, budgetAgreementBasket } from '@tessera/testing'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))
const CAMPAIGNS = fixture('campaigns.json')
const BASKET = fixture('basket.json')

describe('tessera evaluate', () => {
  it('prints the Evaluation of the DESIGN §3 basket: the second Nutella jar half price', async () => {
    const { code, stdout, stderr } = await runCli('evaluate', '--campaigns', CAMPAIGNS, '--basket', BASKET)
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const evaluation = JSON.parse(stdout)
    // the printed document is a valid Evaluation of the wire contract
    expect(decodeEvaluation(evaluation)._tag).toBe('Right')
    // 2 jars at 3.49 €: the cheaper unit of the (buy 1 + get 1) group at 50 % = 174.5 → 175 (half-up).
    // Subtotal 698 + 691 = 1389; total 1389 - 175 = 1214. The cheese line (6.91 €) misses the 20 € threshold.
    expect(evaluation).toMatchObject({
      basketId: 'T-0042-03-000187',
      subtotal: 1389,
      discountTotal: 175,
      total: 1214,
      lines: [
        { id: '1', amount: 698, discount: 175, net: 523 },
        { id: '2', amount: 691, discount: 0, net: 691 },
      ],
      discounts: [
        {
          campaignId: 'jar-2-half',
          label: 'Nutella 2nd jar -50%',
          amount: 175,
          allocations: [{ lineId: '1', amount: 175 }],
        },
      ],
    })
    const cheese = evaluation.explanations.find((e: { campaignId: string }) => e.campaignId === 'cheese-20')
    expect(cheese).toMatchObject({ applied: false })
  })

  it('earns program points on the net amount: floor(1214 × 1 / 100) = 12', async () => {
    const { code, stdout } = await runCli(
      'evaluate',
      '--campaigns',
      CAMPAIGNS,
      '--basket',
      BASKET,
      '--customer',
      fixture('customer.json'),
      '--program',
      fixture('program.json'),
    )
    expect(code).toBe(0)
    expect(JSON.parse(stdout).points.earned).toBe(12)
  })

  it('applies the gold tier multiplier before the floor: floor(1214 × 1 × 2 / 100) = 24', async () => {
    const { code, stdout } = await runCli(
      'evaluate',
      '--campaigns',
      CAMPAIGNS,
      '--basket',
      BASKET,
      '--customer',
      fixture('customer-gold.json'),
      '--program',
      fixture('program.json'),
    )
    expect(code).toBe(0)
    expect(JSON.parse(stdout).points.earned).toBe(24)
  })

  it('refuses a float price with exit 2, naming the document and lines.0.unitPrice, and prints nothing on stdout', async () => {
    const { code, stdout, stderr } = await runCli(
      'evaluate',
      '--campaigns',
      CAMPAIGNS,
      '--basket',
      fixture('basket-float-price.json'),
    )
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('basket-float-price.json')
    expect(stderr).toContain('invalid basket')
    expect(stderr).toContain('lines.0.unitPrice')
  })

  it('refuses a negative quantity with exit 2, naming lines.1.quantity and why, and prints nothing on stdout', async () => {
    const { code, stdout, stderr } = await runCli(
      'evaluate',
      '--campaigns',
      CAMPAIGNS,
      '--basket',
      fixture('basket-negative-quantity.json'),
    )
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('lines.1.quantity')
    expect(stderr).toContain('> 0')
  })

  it('refuses an unknown campaign field with exit 2, naming 1.rewrad, and prints nothing on stdout', async () => {
    const { code, stdout, stderr } = await runCli(
      'evaluate',
      '--campaigns',
      fixture('campaigns-unknown-field.json'),
      '--basket',
      BASKET,
    )
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('campaigns-unknown-field.json')
    expect(stderr).toContain('1.rewrad')
  })

  it('refuses malformed JSON with exit 2 and says so', async () => {
    const { code, stdout, stderr } = await runCli(
      'evaluate',
      '--campaigns',
      fixture('campaigns-malformed.json'),
      '--basket',
      BASKET,
    )
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('malformed JSON')
  })

  it('refuses a missing file with exit 2, naming the file', async () => {
    const { code, stdout, stderr } = await runCli(
      'evaluate',
      '--campaigns',
      CAMPAIGNS,
      '--basket',
      fixture('nope.json'),
    )
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('nope.json')
    expect(stderr).toContain('ENOENT')
  })

  it('refuses an unknown lifecycle stage with exit 2, naming the customer document and the field', async () => {
    const { code, stdout, stderr } = await runCli(
      'evaluate',
      '--campaigns',
      CAMPAIGNS,
      '--basket',
      BASKET,
      '--customer',
      fixture('customer-bad-lifecycle.json'),
    )
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('invalid customer')
    expect(stderr).toContain('lifecycle')
  })

  it('refuses a call without --basket with exit 2', async () => {
    const { code, stdout } = await runCli('evaluate', '--campaigns', CAMPAIGNS)
    expect(code).toBe(2)
    expect(stdout).toBe('')
  })

  describe('--usage: limits and budgets as a store reports them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-evaluate-usage-'))
    const file = (name: string, value: unknown) => {
      const path = join(dir, name)
      writeFileSync(path, JSON.stringify(value))
      return path
    }
    const args = (usage: unknown) => [
      'evaluate',
      '--campaigns',
      file('campaigns.json', BUDGET_AGREEMENT.campaigns),
      '--basket',
      file('basket.json', budgetAgreementBasket('T-1', '2900001234566', '2026-11-26T10:15:00+01:00')),
      '--customer',
      file('customer.json', { card: '2900001234566' }),
      '--program',
      file('program.json', BUDGET_AGREEMENT.program),
      '--usage',
      file('usage.json', usage),
    ]

    it('cuts the budget before points: the same 19 points as a checkout price() and close() (the conformance suite)', async () => {
      const { code, stdout } = await runCli(...args(BUDGET_AGREEMENT.usage))
      expect(code).toBe(0)
      const evaluation = JSON.parse(stdout)
      expect(evaluation.discountTotal).toBe(BUDGET_AGREEMENT.discount)
      expect(evaluation.points.earned).toBe(BUDGET_AGREEMENT.points)
    })

    it('warns on stderr about a line whose amount is not quantity × unit price, and still evaluates', async () => {
      const wrong = budgetAgreementBasket('T-2', '2900001234566', '2026-11-26T10:15:00+01:00')
      const basket = file('wrong.json', {
        ...wrong,
        lines: [{ id: '1', sku: 'A', quantity: 2, unitPrice: 349, amount: 699, categories: ['grocery'] }],
      })
      const { code, stderr } = await runCli('evaluate', '--campaigns', file('none.json', []), '--basket', basket)
      expect(code).toBe(0)
      expect(stderr).toContain('warning: basket lines.0.amount: line 1: amount 699 is not 2 × 349 = 698')
    })

    it('refuses a malformed usage file with the field and the reason, exit 2, nothing on stdout', async () => {
      const { code, stdout, stderr } = await runCli(...args({ campaigns: { 'ten-off-budget': { discountSpnt: 200 } } }))
      expect(code).toBe(2)
      expect(stdout).toBe('')
      expect(stderr).toContain('campaigns.ten-off-budget.discountSpnt: unknown field')
    })
  })
})
