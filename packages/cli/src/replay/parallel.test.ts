import { decodeDraft, decodeProgram } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { replayInWorkers } from './parallel.js'
import { type ReplayJob, replayTexts } from './replay.js'
import type { HistoryText } from './texts.js'

/** A small seeded generator (mulberry32), so that the history is the same on every run. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const program = {
  id: 'club',
  earn: { points: 1, per: 100 },
  tiers: [
    { id: 'silver', qualify: { spend: 20_000, windowMonths: 12 }, multiplier: 1.5 },
    { id: 'gold', qualify: { spend: 60_000, windowMonths: 12 }, multiplier: 2 },
  ],
}
const campaigns = [
  { id: 'ten-off', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } },
  {
    id: 'twice-a-week',
    status: 'active',
    eligibility: { cardRequired: true },
    reward: { amountOff: { of: 'basket', amount: 300 } },
    limits: { perCustomer: { count: 2, period: 'week' } },
  },
  { id: 'coupon', status: 'active', reward: { issueCoupon: { template: 'next-5', validForDays: 30 } } },
  { id: 'double', status: 'active', eligibility: { cardRequired: true }, reward: { points: { fixed: 50 } } },
]

const orThrow = <A>(e: { _tag: 'Left'; left: { message: string } } | { _tag: 'Right'; right: A }): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}

const job: ReplayJob = {
  draft: orThrow(decodeDraft({ campaigns, storeTimeZone: 'Europe/Paris' })),
  baseline: orThrow(decodeDraft({ campaigns: campaigns.slice(0, 2), storeTimeZone: 'Europe/Paris' })),
  program: orThrow(decodeProgram(program)),
  storeTimeZone: 'Europe/Paris',
}

/**
 * 1,500 transactions over 60 days: 80 cards (a third of them known members with their customer
 * document), anonymous baskets, full and partial returns of earlier sales, and a few lines that do
 * not decode.
 */
const historyTexts = (): HistoryText[] => {
  const r = rng(20261203)
  const texts: HistoryText[] = []
  const sales: { id: string; at: number }[] = []
  const from = Date.parse('2026-10-01T08:00:00+01:00')
  for (let i = 0; i < 1500; i++) {
    const atMs = from + Math.floor((i * 60 * 86_400_000) / 1500)
    const at = `${new Date(atMs + 3_600_000).toISOString().slice(0, 19)}+01:00`
    const roll = r()
    let text: string
    if (roll < 0.06 && sales.length > 0) {
      const of = sales[Math.floor(r() * sales.length)] as { id: string }
      text = JSON.stringify({ return: { id: `R-${i}`, of: of.id, at, full: r() < 0.7 } })
    } else if (roll < 0.08) {
      // Does not decode: a negative quantity, or not JSON at all.
      text = i % 2 === 0 ? '{"basket": {"id": "broken"' : JSON.stringify({ basket: { id: `B-${i}`, lines: [] } })
    } else {
      const c = Math.floor(r() * 100)
      const card = c < 80 ? `29000000${String(c).padStart(5, '0')}` : undefined
      const member = card !== undefined && c % 3 === 0 ? `M-${c}` : undefined
      const quantity = 1 + Math.floor(r() * 4)
      const unitPrice = 500 + Math.floor(r() * 4000)
      const basket = {
        id: `T-${i}`,
        storeId: '0042',
        terminalId: '01',
        channel: 'store',
        currency: 'EUR',
        pricesIncludeTax: true,
        at,
        ...(card !== undefined ? { card } : {}),
        lines: [
          { id: '1', sku: `SKU-${c % 7}`, quantity, unitPrice, amount: quantity * unitPrice, categories: ['grocery'] },
        ],
      }
      const customer =
        member !== undefined
          ? { memberId: member, card, tier: c % 2 === 0 ? 'silver' : 'gold', pointsBalance: 100 + c }
          : undefined
      sales.push({ id: basket.id, at: atMs })
      text = JSON.stringify({ basket, ...(customer !== undefined ? { customer } : {}) })
    }
    texts.push({ source: 'history.jsonl', line: i + 1, text })
  }
  return texts
}

/**
 * The same history line written as another writer might: the customer first, the basket's card and
 * id after its lines, the names of the members that route it escaped (`\u0063ard`), and JSON
 * whitespace (spaces, tabs, CR LF) between the tokens. It decodes to the same transaction.
 */
const writtenOddly = (text: string): string => {
  let u: Record<string, unknown>
  try {
    u = JSON.parse(text) as Record<string, unknown>
  } catch {
    return text
  }
  const escapeNames = (json: string) =>
    json.replace(
      /"(card|memberId|customer|basket|id|at|of|return)":/g,
      (_, name: string) => `"\\u00${name.charCodeAt(0).toString(16)}${name.slice(1)}" :\t`,
    )
  const basket = u.basket as Record<string, unknown> | undefined
  const reordered =
    basket === undefined
      ? u
      : {
          ...(u.customer !== undefined ? { customer: u.customer } : {}),
          basket: Object.fromEntries(Object.entries(basket).reverse()),
        }
  return `\r\n ${escapeNames(JSON.stringify(reordered, null, '\t').replace(/\n/g, '\r\n'))}\t`
}

describe('replayInWorkers', () => {
  const texts = historyTexts()
  const single = replayTexts(job, texts)

  it('gives the figures of the one-thread replay, in 2 and in 3 workers, history in time order', async () => {
    expect(single.draft.baskets).toBeGreaterThan(1300)
    expect(single.draft.returns).toBeGreaterThan(50)
    expect(single.draft.couponsIssued).toBeGreaterThan(0)
    expect(single.draft.campaigns.find((c) => c.id === 'twice-a-week')?.redemptions).toBeGreaterThan(0)
    expect(single.skipped.length).toBeGreaterThan(10)
    for (const workers of [2, 3]) {
      let progress = 0
      const parallel = await replayInWorkers(job, texts, workers, (n) => {
        progress = n
      })
      expect(parallel).toEqual(single)
      expect(progress).toBe(texts.length)
    }
  })

  it('gives the same figures when the history is out of order (sorted first, as on one thread)', async () => {
    // Reversed in blocks of 10: each block out of order, returns before their sales in the file.
    const shuffled: HistoryText[] = []
    for (let i = 0; i < texts.length; i += 10) shuffled.push(...texts.slice(i, i + 10).reverse())
    const one = replayTexts(job, shuffled)
    expect(one.draft).toEqual(single.draft)
    expect(await replayInWorkers(job, shuffled, 2)).toEqual(one)
  })

  it('routes each customer to one shard however the lines are written (escapes, order, whitespace)', async () => {
    const odd = texts.map((t) => ({ ...t, text: writtenOddly(t.text) }))
    expect(odd.filter((t) => t.text.includes('\\u0063ard')).length).toBeGreaterThan(1000)
    expect(odd.filter((t) => t.text.includes('\r\n')).length).toBeGreaterThan(1000)
    const one = replayTexts(job, odd)
    expect(one.draft).toEqual(single.draft)
    expect(one.baseline).toEqual(single.baseline)
    for (const workers of [2, 3]) expect(await replayInWorkers(job, odd, workers)).toEqual(one)
  })

  it('reports every skipped line once, with its source, line number and field, in order', async () => {
    const parallel = await replayInWorkers(job, texts, 2)
    const lines = parallel.skipped.map((s) => s.line)
    expect(lines).toEqual([...lines].sort((a, b) => a - b))
    expect(parallel.skipped[0]?.file).toBe('history.jsonl')
    expect(parallel.skipped.every((s) => s.problems.length > 0)).toBe(true)
    expect(parallel.skipped).toEqual(single.skipped)
  })
})
