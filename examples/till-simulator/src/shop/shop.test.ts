import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LocalDate } from '@tessera/core'
import { afterAll, describe, expect, it } from 'vitest'
import { dayReportInput } from '../demo/report.js'
import { localIso, openDemoShop } from './shop.js'

const DAY = '2026-11-26' as LocalDate
const dir = mkdtempSync(join(tmpdir(), 'tessera-shop-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('openDemoShop', () => {
  it('seeds members as cards and accounts with their history posted as real earns, once', async () => {
    const file = join(dir, 'seeded.sqlite')
    const opened = await openDemoShop({ file, day: DAY, members: 50 })
    if (opened._tag === 'Left') throw new Error(opened.left.message)
    const shop = opened.right
    expect(shop.seeded).toBe(true)
    let referralPostings = 0
    for (const m of shop.members) {
      const entries = await shop.loyalty.entries(shop.accountOf(m))
      if (entries._tag === 'Left') throw new Error(entries.left.message)
      // The history earns add up to the points of every visit, floored per visit (1 point per euro).
      const history = entries.right.filter((e) => e.key.startsWith('history/'))
      const expected = m.visits.reduce((s, v) => s + Math.floor(v.spend / 100), 0)
      expect(history.reduce((s, e) => s + e.points, 0)).toBe(expected)
      referralPostings += entries.right.filter((e) => e.key.startsWith('referral:')).length
    }
    // Ambassadors brought friends: the referral scheme posted real points for some of them.
    if (shop.members.some((m) => m.referredBy !== undefined)) expect(referralPostings).toBeGreaterThan(0)
    const member = shop.members[0]!
    const at = `${DAY}T10:00:00+01:00`
    const before = await shop.availablePoints(member, at)
    await shop.close()

    // Opened again: nothing is seeded twice, the balances are the same.
    const again = await openDemoShop({ file, day: DAY, members: 50 })
    if (again._tag === 'Left') throw new Error(again.left.message)
    expect(again.right.seeded).toBe(false)
    expect(await again.right.availablePoints(member, at)).toBe(before)
    const check = await again.right.loyalty.check()
    expect(check._tag === 'Right' && check.right.problems).toEqual([])
    await again.right.close()
  })

  it('gives the engine a member profile: tier from 12-month spend, lifecycle, stats and the ledger balance', async () => {
    const opened = await openDemoShop({ file: join(dir, 'profile.sqlite'), day: DAY, members: 30 })
    if (opened._tag === 'Left') throw new Error(opened.left.message)
    const shop = opened.right
    const at = `${DAY}T10:00:00+01:00`
    for (const m of shop.members) {
      const customer = await shop.customerOf(m, at)
      expect(customer.memberId).toBe(m.memberId)
      expect(customer.stats?.visits).toBe(m.visits.length)
      expect(customer.pointsBalance).toBe(await shop.availablePoints(m, at))
      const progress = shop.tierProgressOf(m, at)
      // silver from 600 €, gold from 2,400 € over 12 months.
      const expected = progress.spend >= 240_000 ? 'gold' : progress.spend >= 60_000 ? 'silver' : undefined
      expect(customer.tier).toBe(expected)
      if (progress.next !== undefined) expect(progress.nextAt).toBeGreaterThan(progress.spend)
    }
    // A purchase recorded today counts in the history from then on.
    const m = shop.members[0]!
    shop.recordPurchase(m.memberId, { at, amount: 100_000 })
    expect(shop.purchasesOf(m, localIso(Date.parse(at) + 1000)).length).toBe(m.visits.length + 1)
    expect(shop.purchasesOf(m, at).length).toBe(m.visits.length)
    await shop.close()
  })

  it('refuses bad options with the field and the reason', async () => {
    const day = await openDemoShop({ file: join(dir, 'x.sqlite'), day: '2026-13-45' as LocalDate })
    expect(day._tag === 'Left' && day.left.message).toMatch(/^day: must be a YYYY-MM-DD date/)
    const members = await openDemoShop({ file: join(dir, 'x.sqlite'), day: DAY, members: 0 })
    expect(members._tag === 'Left' && members.left.message).toMatch(/^members: must be a whole number ≥ 1/)
    const file = await openDemoShop({ file: '', day: DAY })
    expect(file._tag === 'Left' && file.left.message).toMatch(/^file: must be a SQLite file path/)
  })
})

describe('dayReportInput', () => {
  it('refuses a day whose closes are not in the store', async () => {
    const opened = await openDemoShop({ file: ':memory:', day: DAY, members: 5 })
    if (opened._tag === 'Left') throw new Error(opened.left.message)
    const input = await dayReportInput(opened.right, {
      day: DAY,
      previousDay: { closes: [], couponsIssued: 0 },
      transactions: [],
      closes: ['T-0042-01-20261126-000001'],
      returns: [],
      booked: [],
      refusals: [],
      rewards: [],
      failures: [],
      history: [],
    })
    expect(input._tag === 'Left' && input.left.message).toBe(
      'close T-0042-01-20261126-000001 is not in the checkout store',
    )
    await opened.right.close()
  })
})
