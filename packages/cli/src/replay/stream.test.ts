import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeDraft, decodeProgram } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'
import { type ReplayJob, replayTexts } from './replay.js'
import { mergeByTime, OutOfOrder, openJsonlFile, type Read, textsSource } from './stream.js'
import type { HistoryText, SkippedLine } from './texts.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-simulate-stream-'))
const file = (name: string, content: string) => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

/** A small seeded generator (mulberry32), so that the history is the same on every run. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const program = { id: 'club', earn: { points: 1, per: 100 } }
const campaigns = [
  { id: 'ten-off', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } },
  {
    id: 'once-a-day',
    status: 'active',
    eligibility: { cardRequired: true },
    reward: { amountOff: { of: 'basket', amount: 300 } },
    limits: { perCustomer: { count: 1, period: 'day' } },
  },
  { id: 'coupon', status: 'active', reward: { issueCoupon: { template: 'next-5', validForDays: 30 } } },
]
const orThrow = <A>(e: { _tag: 'Left'; left: { message: string } } | { _tag: 'Right'; right: A }): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}
const job: ReplayJob = {
  draft: orThrow(decodeDraft({ campaigns, storeTimeZone: 'Europe/Paris' })),
  program: orThrow(decodeProgram(program)),
  storeTimeZone: 'Europe/Paris',
}
const draftFile = file('draft.json', JSON.stringify({ campaigns, storeTimeZone: 'Europe/Paris' }))
const programFile = file('program.json', JSON.stringify(program))
/** `tessera simulate --history FILES… --workers N --json` on the draft and program above. */
const simulate = (files: readonly string[], workers: string) =>
  runCli(
    'simulate',
    '--history',
    ...files,
    '--campaigns',
    draftFile,
    '--program',
    programFile,
    '--workers',
    workers,
    '--json',
  )

/**
 * Three files of one history, each in time order, their times interleaved (and many the same
 * instant in two files, so that the tie order shows): sales of 30 cards and anonymous ones, full
 * returns (some in another file than their sale), blank lines and lines that do not decode.
 */
const files = (): string[][] => {
  const r = rng(20261208)
  const out: string[][] = [[], [], []]
  const sales: string[] = []
  const from = Date.parse('2026-11-01T08:00:00Z')
  for (let i = 0; i < 900; i++) {
    // Three per 20 minutes, over four days: the same instant may land in two or three files.
    const at = new Date(from + Math.floor(i / 3) * 20 * 60_000).toISOString()
    const f = out[Math.floor(r() * 3)] as string[]
    const roll = r()
    if (roll < 0.05 && sales.length > 0) {
      const of = sales[Math.floor(r() * sales.length)] as string
      f.push(JSON.stringify({ return: { id: `R-${i}`, of, at, full: true } }))
    } else if (roll < 0.08)
      f.push(i % 2 === 0 ? '{"basket": {"id": "broken"' : JSON.stringify({ basket: { id: `B-${i}`, at } }))
    else if (roll < 0.1) f.push('   ')
    else {
      const c = Math.floor(r() * 40)
      const card = c < 30 ? `29000000${String(c).padStart(5, '0')}` : undefined
      const quantity = 1 + Math.floor(r() * 3)
      // The same id at the same instant in two files would tell their order apart: only the order given keeps the figures.
      const basket = {
        id: `T-${i}`,
        storeId: '0042',
        terminalId: '01',
        channel: 'store',
        currency: 'EUR',
        pricesIncludeTax: true,
        at,
        ...(card !== undefined ? { card } : {}),
        lines: [{ id: '1', sku: 'A', quantity, unitPrice: 700, amount: quantity * 700, categories: ['grocery'] }],
      }
      sales.push(basket.id)
      f.push(JSON.stringify({ basket }))
    }
  }
  return out
}

describe('tessera simulate --history FILE..., streamed', () => {
  const parts = files()
  const paths = parts.map((lines, i) => file(`part-${i}.jsonl`, lines.join('\n')))
  // The history read whole, as before: every file's lines in turn, decoded and sorted (stable) by time.
  const whole: HistoryText[] = parts.flatMap((lines, i) =>
    lines.flatMap((text, j) => (text.trim() === '' ? [] : [{ source: paths[i] as string, line: j + 1, text }])),
  )
  const expected = replayTexts(job, whole)

  it('gives the figures and skipped lines of the whole-history replay, merged by time, on one thread and in workers', async () => {
    expect(expected.draft.baskets).toBeGreaterThan(700)
    expect(expected.draft.returns).toBeGreaterThan(20)
    expect(expected.draft.campaigns.find((c) => c.id === 'once-a-day')?.redemptions).toBeGreaterThan(80)
    expect(expected.skipped.length).toBeGreaterThan(10)
    expect(new Set(expected.skipped.map((s) => s.file)).size).toBe(3)
    for (const workers of ['1', '3']) {
      const r = await simulate(paths, workers)
      expect(r.code).toBe(0)
      expect(r.stderr).not.toMatch(/not in time order/)
      expect(JSON.parse(r.stdout)).toEqual({
        ...JSON.parse(JSON.stringify(expected.draft)),
        storeTimeZone: 'Europe/Paris',
        skipped: JSON.parse(JSON.stringify(expected.skipped)),
      })
    }
  })

  it('replays a file out of order whole and sorted, as before, and says so', async () => {
    const shuffled = [...(parts[1] as string[])].reverse()
    const back = file('part-1-reversed.jsonl', shuffled.join('\n'))
    const texts = [paths[0] as string, back, paths[2] as string]
    const before = replayTexts(
      job,
      texts.flatMap((path, i) =>
        (i === 1 ? shuffled : (parts[i] as string[])).flatMap((text, j) =>
          text.trim() === '' ? [] : [{ source: path, line: j + 1, text }],
        ),
      ),
    )
    for (const workers of ['1', '2']) {
      const r = await simulate(texts, workers)
      expect(r.code).toBe(0)
      expect(r.stderr).toMatch(
        /part-1-reversed\.jsonl: line \d+ is earlier than line \d+ before it: the history is not in time order/,
      )
      expect(JSON.parse(r.stdout)).toMatchObject({
        baskets: before.draft.baskets,
        discountCost: before.draft.discountCost,
        skipped: JSON.parse(JSON.stringify(before.skipped)),
      })
    }
  })
})

describe('mergeByTime', () => {
  const text = (source: string, line: number, at: number): HistoryText => ({ source, line, text: String(at) })
  const byNumber = (t: HistoryText): Read<string> =>
    t.text === 'bad'
      ? { skipped: { file: t.source, line: t.line, problems: [{ path: '', reason: 'bad' }] } }
      : { atMs: Number(t.text), value: `${t.source}:${t.line}` }
  const all = async (it: AsyncIterable<string>) => {
    const out: string[] = []
    for await (const v of it) out.push(v)
    return out
  }

  it('gives the stable sort by time: at the same instant, the sources in the order given, then their lines', async () => {
    const skipped: SkippedLine[] = []
    const a = [
      text('a', 1, 1),
      text('a', 2, 5),
      text('a', 3, 5),
      { source: 'a', line: 4, text: 'bad' },
      text('a', 5, 9),
    ]
    const b = [text('b', 1, 0), text('b', 2, 5), text('b', 3, 10)]
    const c = [text('c', 1, 5)]
    const merged = await all(mergeByTime([textsSource(a), textsSource(b), textsSource(c)], byNumber, skipped))
    const sorted = [...a.filter((t) => t.text !== 'bad'), ...b, ...c]
      .map((t, i) => ({ t, i }))
      .sort((x, y) => Number(x.t.text) - Number(y.t.text) || x.i - y.i)
      .map(({ t }) => `${t.source}:${t.line}`)
    expect(merged).toEqual(sorted)
    expect(merged).toEqual(['b:1', 'a:1', 'a:2', 'a:3', 'b:2', 'c:1', 'a:5', 'b:3'])
    expect(skipped).toEqual([{ file: 'a', line: 4, problems: [{ path: '', reason: 'bad' }] }])
  })

  it('stops at a text earlier than the one before it in its source, unless the recheck finds it a skipped line', async () => {
    const a = [text('a', 1, 1), text('a', 2, 7), text('a', 3, 4)]
    await expect(all(mergeByTime([textsSource(a)], byNumber, []))).rejects.toEqual(new OutOfOrder('a', 3, 2))
    const skipped: SkippedLine[] = []
    const recheck = (t: HistoryText): SkippedLine => ({ file: t.source, line: t.line, problems: [] })
    expect(await all(mergeByTime([textsSource(a)], byNumber, skipped, recheck))).toEqual(['a:1', 'a:2'])
    expect(skipped).toEqual([{ file: 'a', line: 3, problems: [] }])
  })

  it('reads a JSONL file line by line, numbering every line and leaving out blank ones, across read chunks', async () => {
    const long = 'y'.repeat(3 << 20)
    const path = file('lines.jsonl', `one\n\n${long}\r\n  \nlast`)
    const source = openJsonlFile(path)
    const got: HistoryText[] = []
    for (let t = await source.next(); t !== undefined; t = await source.next()) got.push(t)
    expect(got.map((t) => [t.line, t.text.length])).toEqual([
      [1, 3],
      [3, long.length + 1],
      [5, 4],
    ])
    expect(source.bytes().read).toBe(source.bytes().total)
    expect(() => openJsonlFile(join(dir, 'none.jsonl'))).toThrow(/none\.jsonl: cannot read the history \(ENOENT\)/)
  })
})
