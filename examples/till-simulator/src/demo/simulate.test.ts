import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '@tessera/cli'
import {
  type Campaign,
  createReplay,
  decodeHistoryLine,
  type HistoryEntry,
  type LocalDate,
  type Receipt,
  type ReplayedSale,
} from '@tessera/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DemoShop, openDemoShop } from '../shop/shop.js'
import { type DemoDay, runDemoDay } from './day.js'

const DAY = '2026-11-26' as LocalDate

/** The demo's history.jsonl lines, through the same decoder `tessera simulate` uses. */
const entriesOf = (day: DemoDay): HistoryEntry[] =>
  day.history.map((h, i) => {
    const d = decodeHistoryLine(JSON.stringify(h), i + 1)
    if (d._tag === 'Left' || d.right === undefined) throw new Error(d._tag === 'Left' ? d.left.message : 'blank')
    return d.right
  })

const replayAll = (shop: DemoShop, campaigns: readonly Campaign[], entries: readonly HistoryEntry[]) => {
  const replay = createReplay({ campaigns, program: shop.program, storeTimeZone: shop.timeZone })
  const sales: ReplayedSale[] = []
  for (const e of entries) {
    const s = replay.push(e)
    if (s !== undefined) sales.push(s)
  }
  return { sales, summary: replay.summary() }
}

const bookedOf = (r: Receipt) => ({
  discounts: r.discounts.map((d) => ({ campaignId: d.campaignId, amount: d.amount })),
  points: r.points.earned,
  coupons: r.coupons.map((c) => c.template),
  total: r.total,
})

describe('tessera simulate, held to reality on the demo day', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-simulate-'))
  let shop: DemoShop
  let day: DemoDay
  let entries: HistoryEntry[]

  beforeAll(async () => {
    const opened = await openDemoShop({ file: join(dir, 'demo.sqlite'), day: DAY, members: 200 })
    if (opened._tag === 'Left') throw new Error(opened.left.message)
    shop = opened.right
    const ran = await runDemoDay(shop, { sales: 500, previousDaySales: 150, seed: 'simulate' })
    if (ran._tag === 'Left') throw new Error(ran.left.message)
    day = ran.right
    entries = entriesOf(day)
  }, 240_000)
  afterAll(async () => {
    await shop?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it("replays the day's baskets with the demo's campaigns to exactly the discounts, points and coupons the store booked", async () => {
    expect(day.failures).toEqual([])
    const { sales, summary } = replayAll(shop, shop.campaigns, entries)
    const closes = [...day.previousDay.closes, ...day.closes]
    expect(sales.map((s) => s.basketId)).toEqual(closes)
    let discount = 0
    let points = 0
    let coupons = 0
    for (const s of sales) {
      const stored = await shop.store.findClose(s.basketId)
      if (stored === undefined) throw new Error(`${s.basketId} is not in the store`)
      const booked = bookedOf(stored.receipt)
      expect({ id: s.basketId, discounts: s.discounts, points: s.points, coupons: s.coupons, total: s.total }).toEqual({
        id: s.basketId,
        ...booked,
      })
      discount += stored.receipt.discountTotal
      points += booked.points
      coupons += booked.coupons.length
    }
    expect(summary).toMatchObject({
      baskets: closes.length,
      returns: day.returns.length,
      discountCost: discount,
      pointsIssued: points,
      couponsIssued: coupons,
    })
    // The day exercises what a replay must rebuild: limits stopped campaigns, holdouts, coupons, returns.
    const reasons = sales.flatMap((s) => s.evaluation.explanations.flatMap((e) => e.reasons.map((r) => r.code)))
    expect(reasons).toContain('LIMIT_REACHED')
    expect(reasons).toContain('HELD_OUT')
    expect(coupons).toBeGreaterThan(0)
    expect(day.returns.length).toBeGreaterThan(0)
  })

  it('a draft that differs by one campaign changes only the baskets that campaign touches', () => {
    const changedId = 'wine-tiered'
    const draft = shop.campaigns.map((c) =>
      c.id === changedId && 'tieredPercentOff' in c.reward
        ? {
            ...c,
            reward: {
              tieredPercentOff: {
                ...c.reward.tieredPercentOff,
                tiers: c.reward.tieredPercentOff.tiers.map((t) => ({ ...t, percent: t.percent + 10 })),
              },
            },
          }
        : c,
    ) as Campaign[]
    const base = replayAll(shop, shop.campaigns, entries)
    const next = replayAll(shop, draft, entries)
    let touched = 0
    let changed = 0
    for (const [i, b] of base.sales.entries()) {
      const n = next.sales[i] as ReplayedSale
      const concerns = (s: ReplayedSale) => s.evaluation.explanations.some((e) => e.campaignId === changedId)
      if (concerns(b) || concerns(n)) {
        touched += 1
        if (n.discount !== b.discount) changed += 1
        continue
      }
      expect({ id: n.basketId, d: n.discounts, p: n.points, c: n.coupons }).toEqual({
        id: b.basketId,
        d: b.discounts,
        p: b.points,
        c: b.coupons,
      })
    }
    expect(touched).toBeGreaterThan(0)
    expect(changed).toBeGreaterThan(0)
    const figures = (s: typeof base.summary) => new Map(s.campaigns.map((c) => [c.id, c]))
    const [before, after] = [figures(base.summary), figures(next.summary)]
    expect((after.get(changedId)?.cost ?? 0) > (before.get(changedId)?.cost ?? 0)).toBe(true)
  })

  it('replays the store the day was booked in (tessera simulate --store) to the same report as its history.jsonl', async () => {
    const history = join(dir, 'history.jsonl')
    writeFileSync(history, day.history.map((h) => `${JSON.stringify(h)}\n`).join(''))
    const campaigns = join(dir, 'campaigns.json')
    writeFileSync(
      campaigns,
      JSON.stringify({ campaigns: shop.campaignDocuments, program: shop.program, storeTimeZone: shop.timeZone }),
    )
    const simulate = async (...input: string[]) => {
      const out: string[] = []
      const code = await run(['simulate', ...input, '--campaigns', campaigns, '--json'], {
        out: (t) => out.push(t),
        err: () => undefined,
      })
      expect(code).toBe(0)
      return JSON.parse(out.join(''))
    }
    const fromFile = await simulate('--history', history)
    const fromStore = await simulate('--store', `sqlite:${join(dir, 'demo.sqlite')}`)
    expect(fromStore.baskets).toBe(entries.filter((e) => e.kind === 'sale').length)
    expect(fromStore).toEqual(fromFile)
  })
})
