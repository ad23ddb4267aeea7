import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-simulate-cli-'))
const file = (name: string, content: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

const basket = (id: string, at: string, card?: string) => ({
  id,
  storeId: '0042',
  terminalId: '01',
  channel: 'store',
  currency: 'EUR',
  pricesIncludeTax: true,
  at,
  ...(card !== undefined ? { card } : {}),
  lines: [{ id: '1', sku: 'A', quantity: 2, unitPrice: 1000, amount: 2000, categories: ['grocery'] }],
})

const tenOff = { id: 'ten-off', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } }
const oncePerCard = {
  id: 'once-per-card',
  status: 'active',
  eligibility: { cardRequired: true },
  reward: { amountOff: { of: 'basket', amount: 300 } },
  limits: { perCustomer: { count: 1, period: 'campaign' } },
}
const points = { id: 'double', status: 'active', reward: { points: { fixed: 50 } } }
const program = { id: 'club', earn: { points: 1, per: 100 } }

const history = file(
  'history.jsonl',
  [
    // Out of order on purpose: the replay sorts by time.
    JSON.stringify({
      basket: basket('T-2', '2026-11-26T11:00:00+01:00', '2900000000001'),
      customer: { card: '2900000000001' },
    }),
    JSON.stringify({
      basket: basket('T-1', '2026-11-26T10:00:00+01:00', '2900000000001'),
      customer: { card: '2900000000001' },
    }),
    JSON.stringify({
      basket: {
        ...basket('T-3', '2026-11-26T12:00:00+01:00'),
        lines: [{ id: '1', sku: 'A', quantity: -1, unitPrice: 1, amount: 1, categories: ['x'] }],
      },
    }),
    '',
    JSON.stringify({ basket: basket('T-4', '2026-11-26T13:00:00+01:00') }),
  ].join('\n'),
)

describe('tessera simulate', () => {
  it('prints the figures of the draft as JSON, reports the bad line with its number and field, and goes on', async () => {
    const draft = file('draft.json', {
      campaigns: [tenOff, oncePerCard, points],
      program,
      storeTimeZone: 'Europe/Paris',
    })
    const { code, stdout, stderr } = await runCli('simulate', '--history', history, '--campaigns', draft, '--json')
    expect(code).toBe(0)
    expect(stderr).toMatch(/history\.jsonl: line 3: basket\.lines\.0\.quantity: .*\(skipped\)/)
    const r = JSON.parse(stdout)
    // 3 baskets of 20 €. Same priority, so by id: 3 € once for the card first (T-1), then 10 % of what is left:
    // T-1 170, T-2 200, T-4 200. 50 points per carded basket, plus the program's on the net.
    expect(r).toMatchObject({
      baskets: 3,
      discountCost: 870,
      couponsIssued: 0,
      storeTimeZone: 'Europe/Paris',
      skipped: [{ line: 3, problems: [{ path: 'basket.lines.0.quantity' }] }],
    })
    // Program: floor(net / 100) per carded basket: T-1 pays 1530 (15), T-2 pays 1800 (18); +50 each from "double".
    expect(r.pointsIssued).toBe(15 + 18 + 100)
    expect(r.campaigns).toEqual([
      expect.objectContaining({ id: 'ten-off', cost: 570, redemptions: 3, pointsIssued: 0, fired: 3 }),
      expect.objectContaining({ id: 'once-per-card', cost: 300, redemptions: 1, pointsIssued: 0, fired: 1 }),
      // The anonymous T-4 earns no points, so a points-only campaign did not apply to it (15.14).
      expect.objectContaining({ id: 'double', cost: 0, redemptions: 2, pointsIssued: 100, fired: 2 }),
    ])
  })

  it('replays the baseline beside the draft, and prints a table without --json', async () => {
    const draft = file('draft2.json', [tenOff, oncePerCard])
    const baseline = file('baseline.json', [tenOff])
    const json = await runCli('simulate', '--history', history, '--campaigns', draft, '--baseline', baseline, '--json')
    expect(JSON.parse(json.stdout)).toMatchObject({ discountCost: 870, baseline: { discountCost: 600 } })
    const text = await runCli('simulate', '--history', history, '--campaigns', draft, '--baseline', baseline)
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/discount cost\s+8\.70\s+6\.00/)
    expect(text.stdout).toMatch(/once-per-card\s+3\.00\s+1/)
  })

  it('stops before the replay on a draft that the strict codec refuses, naming the path, with nothing on stdout', async () => {
    const draft = file('bad.json', [tenOff, { ...oncePerCard, limits: { perCustomer: { count: 1, period: 'year' } } }])
    const { code, stdout, stderr } = await runCli('simulate', '--history', history, '--campaigns', draft, '--json')
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/bad\.json: invalid draft: campaigns\.1\.limits\.perCustomer\.period: /)
    expect(stderr).not.toMatch(/history\.jsonl/)
  })

  it('refuses a missing history file and a draft that is not JSON', async () => {
    const draft = file('ok.json', [tenOff])
    const missing = await runCli('simulate', '--history', join(dir, 'nope.jsonl'), '--campaigns', draft)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/nope\.jsonl: cannot read the history \(ENOENT\)/)
    const notJson = await runCli('simulate', '--history', history, '--campaigns', file('x.json', '{ campaigns'))
    expect(notJson.code).toBe(2)
    expect(notJson.stderr).toMatch(/x\.json/)
  })
})

describe('tessera simulate --out', () => {
  it('writes a self-contained HTML report with the figures, draft beside baseline, and its charts', async () => {
    const draft = file('draft-html.json', [tenOff, oncePerCard])
    const baseline = file('baseline-html.json', [tenOff])
    const out = join(dir, 'report.html')
    const { code, stderr } = await runCli(
      'simulate',
      '--history',
      history,
      '--campaigns',
      draft,
      '--baseline',
      baseline,
      '--out',
      out,
    )
    expect(code).toBe(0)
    expect(stderr).toMatch(/report written to .*report\.html/)
    const html = readFileSync(out, 'utf8')
    for (const id of ['chart-days', 'chart-stages', 'chart-tiers', 'chart-campaigns'])
      expect(html).toContain(`id="${id}"`)
    expect(html).toContain('<b>8.70 €</b><i>baseline 6.00 €</i>')
    expect(html).not.toMatch(/<script src=/)
    const data = JSON.parse(
      html.match(/<script type="application\/json" id="simulation-data">(.*?)<\/script>/s)?.[1] ?? 'null',
    )
    expect(data).toMatchObject({ discountCost: 870, baseline: { discountCost: 600 } })
  })

  it('refuses a report path it cannot write, with exit 2', async () => {
    const draft = file('draft-html2.json', [tenOff])
    const { code, stderr } = await runCli(
      'simulate',
      '--history',
      history,
      '--campaigns',
      draft,
      '--out',
      join(dir, 'no', 'such', 'dir', 'r.html'),
    )
    expect(code).toBe(2)
    expect(stderr).toMatch(/r\.html: cannot write the report \(ENOENT\)/)
  })
})
