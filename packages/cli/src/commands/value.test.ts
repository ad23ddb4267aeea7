import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-value-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The CDNOW sample (core's fixture) as a plain JSONL history, amounts in cents. */
const cdnowLines = readFileSync(new URL('../../../core/test/fixtures/cdnow/CDNOW_sample.txt', import.meta.url), 'utf8')
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
const file = (name: string, lines: readonly unknown[]) => {
  const path = join(dir, name)
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'))
  return path
}
const CDNOW = file('cdnow.jsonl', cdnowLines)

describe('tessera value fit', () => {
  it('fits CDNOW to the published parameters and prints them as JSON (exit 0)', async () => {
    const { code, stdout, stderr } = await runCli('value', 'fit', '--history', CDNOW, '--until', '1997-09-30', '--json')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const fit = JSON.parse(stdout)
    expect(fit.members).toBe(2357)
    expect(fit.bgnbd.r).toBeCloseTo(0.243, 3)
    expect(fit.bgnbd.alpha).toBeCloseTo(4.414, 2)
    expect(fit.bgnbd.logLikelihood).toBeCloseTo(-9582.4, 0)
    expect(fit.gammaGamma).toMatchObject({ members: 946 })
    expect(fit.gammaGamma.gamma / 100).toBeCloseTo(15.44, 1)
  })

  it('prints a readable summary without --json', async () => {
    const { code, stdout } = await runCli('value', 'fit', '--history', CDNOW, '--until', '1997-09-30')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^2357 members, calibrated to 1997-09-30, in weeks\nBG\/NBD: r=0\.24\d+ alpha=4\.41\d+/)
  })

  it('exits 3 with a partial fit when spend cannot be fitted (every repeat buyer spends the same)', async () => {
    const flat = file(
      'flat.jsonl',
      // one line per member and day, all of 10.00: every repeat buyer's mean is 1000
      [...new Map(cdnowLines.map((l) => [`${l.memberId} ${l.at}`, { ...l, amount: 1000 }])).values()],
    )
    const { code, stdout, stderr } = await runCli('value', 'fit', '--history', flat, '--until', '1997-09-30', '--json')
    expect(code).toBe(3)
    const fit = JSON.parse(stdout)
    expect(fit.bgnbd.r).toBeCloseTo(0.243, 3)
    expect(fit.gammaGamma).toBeNull()
    expect(stderr).toContain('partial result: cannot compute Gamma-Gamma: every repeat buyer has the same mean amount')
  })

  it('exits 1 saying why when the history cannot be fitted (no repeat purchase)', async () => {
    const once = file('once.jsonl', [
      { memberId: 'a', at: '2026-01-01', amount: 100 },
      { memberId: 'b', at: '2026-01-02', amount: 100 },
    ])
    const { code, stdout, stderr } = await runCli('value', 'fit', '--history', once, '--until', '2026-02-01', '--json')
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain('no member made a repeat purchase')
  })

  it('exits 2 naming the line and field of a bad history line, with nothing on stdout', async () => {
    const bad = file('bad.jsonl', [
      { memberId: 'a', at: '2026-01-01', amount: 100 },
      { memberId: 'a', at: '2026-01-05', amount: 1.5 },
    ])
    const { code, stdout, stderr } = await runCli('value', 'fit', '--history', bad, '--until', '2026-02-01')
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('invalid history line 2: amount: must be an integer amount in minor units')
  })

  it('exits 2 for a bad --until, --unit or --time-zone, and a missing file', async () => {
    for (const [args, message] of [
      [['--until', '1997-13-01'], '--until: must be a date'],
      [['--until', '1997-09-30', '--unit', 'months'], '--unit must be weeks or days'],
      [['--until', '1997-09-30', '--time-zone', 'Nowhere/City'], '--time-zone: is not a known IANA time zone'],
    ] as const) {
      const { code, stderr } = await runCli('value', 'fit', '--history', CDNOW, ...args)
      expect(code).toBe(2)
      expect(stderr).toContain(message)
    }
    const missing = await runCli('value', 'fit', '--history', join(dir, 'nope.jsonl'), '--until', '1997-09-30')
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('ENOENT')])
  })
})

describe('tessera value predict', () => {
  it('prints one JSON line per member with P(alive), expected transactions, spend and CLV in minor units', async () => {
    const { code, stdout, stderr } = await runCli(
      'value',
      'predict',
      '--history',
      CDNOW,
      '--until',
      '1997-09-30',
      '--horizon-weeks',
      '39',
      '--jsonl',
    )
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const rows = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(rows).toHaveLength(2357)
    expect(Object.keys(rows[0]).slice(0, 8)).toEqual([
      'memberId',
      'frequency',
      'recency',
      'T',
      'pAlive',
      'expectedTransactions',
      'expectedAverageSpend',
      'clv',
    ])
    const first = rows.find((r) => r.memberId === '0001')
    expect(first).toMatchObject({ frequency: 2, T: 272 / 7 })
    expect(first.expectedTransactions).toBeCloseTo(1.226, 2)
    expect(Number.isSafeInteger(first.clv) && Number.isSafeInteger(first.expectedAverageSpend)).toBe(true)
    // each line also carries the value rank and the share of value above, ready for customer.value
    const best = rows.find((r) => r.rank === 1)
    expect(best.shareAbove).toBe(0)
    expect(best.clv).toBe(Math.max(...rows.map((r) => r.clv)))
    expect(new Set(rows.map((r) => r.rank)).size).toBe(2357)
    // the 39 weeks after calibration hold 1,882 transactions (member-days); the model expects 1,653 of
    // them (conditional on each member's calibration, equal to the unconditional cohort forecast)
    const holdout = new Set(cdnowLines.filter((l) => l.at > '1997-09-30').map((l) => `${l.memberId} ${l.at}`)).size
    expect(holdout).toBe(1882)
    const total = rows.reduce((s, r) => s + r.expectedTransactions, 0)
    expect(total).toBeCloseTo(1653.4, 0)
    expect(Math.abs(total - holdout) / holdout).toBeLessThan(0.15)
  })

  it('counts in days with --unit days (ages in whole days)', async () => {
    const { code, stdout } = await runCli(
      'value',
      'predict',
      '--history',
      CDNOW,
      '--until',
      '1997-09-30',
      '--horizon-weeks',
      '4',
      '--unit',
      'days',
    )
    expect(code).toBe(0)
    expect(JSON.parse(stdout.split('\n')[0] as string)).toMatchObject({ memberId: '0001', T: 272, recency: 213 })
  })

  it('exits 2 for a horizon that is not a positive number', async () => {
    const { code, stdout, stderr } = await runCli(
      'value',
      'predict',
      '--history',
      CDNOW,
      '--until',
      '1997-09-30',
      '--horizon-weeks',
      'soon',
    )
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('--horizon-weeks must be a number > 0')
  })
})
