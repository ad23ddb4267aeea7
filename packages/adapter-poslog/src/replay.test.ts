import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Campaign, createCheckout, enginePricer, type Program } from '@tessera/core'
import { fixedClock, memoryCheckoutStore, memoryLoyaltyStore } from '@tessera/testing'
import { describe, expect, it } from 'vitest'
import { importPosLogAll } from './import.js'
import { type ReplayOutcome, replayPosLog } from './replay.js'
import { writeReceiptPosLog, writeReturnReceiptPosLog } from './write.js'

const here = dirname(fileURLToPath(import.meta.url))
const ARTS = readFileSync(join(here, '../test/fixtures/arts-v6-returns.xml'), 'utf8')
const RETALIX = readFileSync(join(here, '../test/fixtures/public/retalix-r10-v6/store0610-ws140-seq451.xml'), 'utf8')
const CARD = '2900001234566'

const campaigns: Campaign[] = [
  { id: 'jam-10', status: 'active', reward: { percentOff: { of: { sku: ['3017620422003'] }, percent: 10 } } },
  {
    id: 'next-visit',
    status: 'active',
    eligibility: { cardRequired: true },
    reward: { issueCoupon: { template: 'five-off', validForDays: 30 } },
  },
]
const program: Program = { id: 'club', earn: { points: 1, per: 100 }, pendingDays: 0 }

const setUp = async () => {
  const loyalty = memoryLoyaltyStore()
  const store = memoryCheckoutStore(loyalty)
  await loyalty.openAccount({ accountId: 'acc-1', programId: 'club', at: 0 })
  await loyalty.issueCard({ number: CARD, accountId: 'acc-1', at: 0 })
  const checkout = createCheckout({
    store,
    price: enginePricer(campaigns, { storeTimeZone: 'Europe/Paris' }, program),
    campaigns,
    program,
    keyring: { K1: new Uint8Array(32).fill(7) },
    keyId: 'K1',
    clock: fixedClock('2026-11-26T10:15:00+01:00'),
    storeTimeZone: 'Europe/Paris',
  })
  const balance = async () => {
    const b = await loyalty.balance('acc-1', Date.parse('2026-12-31T00:00:00Z'))
    if (b._tag === 'Left') throw new Error(b.left.message)
    return b.right.available + b.right.pending
  }
  return { checkout, store, balance }
}

describe('replayPosLog', () => {
  it('closes the sale, returns the linked jar, skips the rest; run twice, it books nothing the second time', async () => {
    const { checkout, store, balance } = await setUp()
    const outcomes: ReplayOutcome[] = []
    const first = await replayPosLog(ARTS, checkout, { store, onOutcome: (o) => outcomes.push(o) })
    expect(first).toMatchObject({
      transactions: 4,
      closed: 1,
      returned: 1,
      already: 0,
      skipped: 2,
      refused: 0,
      couponsIssued: 1,
    })
    expect(first.skips).toEqual({ VOIDED: 1, NOT_A_RETAIL_TRANSACTION: 1 })
    const closed = outcomes[0]
    if (closed?.status !== 'closed') throw new Error('closed expected')
    // 2 jars 698 − 10 % (70) + cheese 691 = 1319 → 13 points; the returned jar claws its share back.
    expect(closed.receipt.total).toBe(1319)
    expect(closed.receipt.points.earned).toBe(13)
    const returned = outcomes[1]
    if (returned?.status !== 'returned') throw new Error('returned expected')
    expect(returned.returns[0]?.refund).toBe(349 - 35)
    expect(first.pointsBooked).toBe(13 - (returned.returns[0]?.pointsClawedBack ?? 0))
    expect(await balance()).toBe(first.pointsBooked)

    const second = await replayPosLog(ARTS, checkout, { store })
    expect(second).toMatchObject({
      transactions: 4,
      closed: 0,
      returned: 0,
      already: 2,
      pointsBooked: 0,
      couponsIssued: 0,
    })
    expect(await balance()).toBe(first.pointsBooked)
  })

  it('closes an anonymous sale and refuses, with its reason, what the checkout refuses', async () => {
    const { checkout } = await setUp()
    const summary = await replayPosLog(RETALIX, checkout, { tenders: 'log' })
    expect(summary).toMatchObject({ transactions: 1, closed: 1, pointsBooked: 0 })
    // A return whose sale was never closed here: the checkout's own refusal, named.
    const first = ARTS.indexOf('<p:Transaction>')
    const withoutSale = ARTS.slice(0, first) + ARTS.slice(ARTS.indexOf('<p:Transaction>', first + 1))
    const orphan = await replayPosLog(withoutSale, checkout)
    expect(orphan.refusals).toEqual([
      expect.objectContaining({ transactionId: '0042-03-20261127-201', reason: 'UnknownTransaction' }),
    ])
  })

  it('refuses a return that names no original line: Tessera refunds from the sale’s snapshot', async () => {
    const { checkout } = await setUp()
    const unlinked = ARTS.replace(/<p:TransactionLink[\s\S]*?<\/p:TransactionLink>/, '')
    const summary = await replayPosLog(unlinked, checkout)
    expect(summary.refusals.map((r) => [r.transactionId, r.reason])).toEqual([
      ['0042-03-20261127-201', 'RETURN_WITHOUT_ORIGINAL'],
    ])
  })

  it('writes the close back as POSLog that reads back to the same basket and per-line discounts', async () => {
    const { checkout } = await setUp()
    const [sale] = await importPosLogAll(ARTS)
    if (sale?.kind !== 'sale') throw new Error('sale expected')
    const closed = await checkout.close({ basket: sale.basket, tenders: [] })
    if (closed._tag === 'Left') throw new Error(closed.left.message)
    const xml = writeReceiptPosLog(sale.basket, closed.right, {
      sequenceNumber: '187',
      businessDayDate: '2026-11-26',
      programId: 'club',
    })
    if (xml._tag === 'Left') throw new Error(xml.left.message)
    const [back] = await importPosLogAll(xml.right)
    if (back?.kind !== 'sale') throw new Error('sale expected')
    expect(back.basket).toEqual(sale.basket)
    expect(back.discounts).toEqual([
      {
        campaignId: 'jam-10',
        label: closed.right.discounts[0]?.label,
        amount: 70,
        allocations: [{ lineId: '1', amount: 70 }],
      },
    ])
    expect(back.points?.earned).toBe(13)
    expect(back.tillRewards.filter((r) => r.couponCode !== undefined).map((r) => r.couponCode)).toEqual(
      closed.right.coupons.map((c) => c.code),
    )
  })

  it('writes a checkout return back as POSLog that a replay into a fresh store returns the same way', async () => {
    // The till's run: a sale closed under Tessera's own id, then one jar returned.
    const till = await setUp()
    const [sale] = await importPosLogAll(ARTS)
    if (sale?.kind !== 'sale') throw new Error('sale expected')
    const basket = { ...sale.basket, id: 'T-0042-03-20261126-000187' }
    const closed = await till.checkout.close({ basket, tenders: [] })
    if (closed._tag === 'Left') throw new Error(closed.left.message)
    const request = {
      returnId: 'R-0042-03-20261126-000001',
      transactionId: basket.id,
      at: '2026-11-26T16:00:00+01:00',
      lines: [{ lineId: '1', quantity: 1 }],
    }
    const back = await till.checkout.return(request)
    if (back._tag === 'Left') throw new Error(back.left.message)
    const saleXml = writeReceiptPosLog(basket, closed.right, { sequenceNumber: '187' })
    const returnXml = writeReturnReceiptPosLog(request, back.right, basket, {
      sequenceNumber: '1',
      original: { sequenceNumber: '187', businessDayDate: '2026-11-26' },
    })
    if (saleXml._tag === 'Left' || returnXml._tag === 'Left') throw new Error('written')

    // The replay: the same ids, the same refund, the same balance.
    const fresh = await setUp()
    const outcomes: ReplayOutcome[] = []
    for (const xml of [saleXml.right, returnXml.right]) {
      await replayPosLog(xml, fresh.checkout, { store: fresh.store, onOutcome: (o) => outcomes.push(o) })
    }
    expect(outcomes.map((o) => [o.transactionId, o.status])).toEqual([
      [basket.id, 'closed'],
      [request.returnId, 'returned'],
    ])
    const returned = outcomes[1]
    if (returned?.status !== 'returned') throw new Error('returned expected')
    expect(returned.returns[0]).toEqual(back.right)
    expect(await fresh.balance()).toBe(await till.balance())
  })
})
