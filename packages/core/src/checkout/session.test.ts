import {
  AT,
  basketOf,
  CARD,
  failed,
  fixedClock,
  line,
  memoryCheckoutStore,
  memoryLoyaltyStore,
  ok,
  TEST_KEYRING,
} from '@tessera/testing'
import { describe, expect, it } from 'vitest'
import type { Basket, BasketLine } from '../basket/basket.codec.js'
import type { Campaign, Program } from '../rules/campaign.codec.js'
import { enginePricer } from './pricer.js'
import { createCheckout } from './session.js'

const make = (campaigns: readonly Campaign[] = [], program?: Program) => {
  const loyalty = memoryLoyaltyStore()
  const store = memoryCheckoutStore(loyalty)
  const checkout = createCheckout({
    store,
    price: enginePricer(campaigns, { storeTimeZone: 'Europe/Paris' }, program),
    campaigns,
    ...(program ? { program } : {}),
    keyring: TEST_KEYRING,
    keyId: 'K1',
    clock: fixedClock(AT),
    storeTimeZone: 'Europe/Paris',
  })
  return { loyalty, store, checkout }
}

const header = {
  transactionId: 'T-1',
  storeId: '0042',
  terminalId: '03',
  currency: 'EUR' as Basket['currency'],
  at: AT as Basket['at'],
}
const pathsOf = (e: unknown) => (e as { problems: { path: string }[] }).problems.map((p) => p.path)

describe('checkout: bad input names the field', () => {
  it('open refuses a missing transaction id and a time without offset', async () => {
    const { checkout } = make()
    const e = failed(await checkout.open({ ...header, transactionId: '', at: '2026-11-26T10:00:00' as Basket['at'] }))
    expect(e._tag).toBe('DecodeError')
    expect(pathsOf(e).sort()).toEqual(['at', 'transactionId'])
  })

  it('addLine refuses a zero quantity and a fractional each quantity; setLines names the line index', async () => {
    const s = ok(await make().checkout.open(header))
    expect(pathsOf(failed(s.addLine(line('1', 'A', 0, 100))))).toContain('quantity')
    expect(pathsOf(failed(s.addLine({ ...line('1', 'A', 1, 100), quantity: 1.5 })))).toEqual(['quantity'])
    expect(
      pathsOf(failed(s.setLines([line('1', 'A', 1, 100), { ...line('2', 'B', 1, 100), amount: -3 as never }]))),
    ).toEqual(['lines.1.amount'])
    expect(s.basket().lines).toEqual([])
  })

  it('addLine keeps only the fields of the wire contract, like the basket codec (an unknown field is dropped)', async () => {
    const s = ok(await make().checkout.open(header))
    const basket = ok(s.addLine({ ...line('1', 'A', 1, 100), colour: 'red' } as unknown as BasketLine))
    expect(basket.lines[0]).not.toHaveProperty('colour')
    expect(s.data().lines[0]).not.toHaveProperty('colour')
  })

  it('addLine refuses a duplicate id; removeLine an unknown one', async () => {
    const s = ok(await make().checkout.open(header))
    ok(s.addLine(line('1', 'A', 1, 100)))
    expect(failed(s.addLine(line('1', 'B', 1, 100)))).toMatchObject({ _tag: 'DuplicateLine', lineId: '1' })
    expect(failed(s.removeLine('9'))).toMatchObject({ _tag: 'UnknownLine', lineId: '9' })
    ok(s.removeLine('1'))
    expect(s.basket().lines).toEqual([])
  })

  it('identify refuses an empty card; applyCode an empty code', async () => {
    const s = ok(await make().checkout.open(header))
    expect(pathsOf(failed(s.identify('')))).toEqual(['card'])
    expect(pathsOf(failed(await s.applyCode('')))).toEqual(['code'])
  })

  it('close refuses negative tenders and an empty basket', async () => {
    const s = ok(await make().checkout.open(header))
    expect(failed(await s.close([]))).toMatchObject({ _tag: 'EmptyBasket' })
    ok(s.addLine(line('1', 'A', 1, 100)))
    expect(pathsOf(failed(await s.close([{ type: 'cash', amount: -5 }])))).toEqual(['0.amount'])
  })

  it('checkout.close refuses a malformed basket, naming the line field', async () => {
    const bad = basketOf('T-1', [{ ...line('1', 'A', 1, 100), sku: '' as never }])
    expect(pathsOf(failed(await make().checkout.close({ basket: bad, tenders: [] })))).toEqual(['lines.0.sku'])
  })

  it('return refuses a bad time, a negative quantity, and an unknown transaction', async () => {
    const { checkout } = make()
    const e = failed(
      await checkout.return({
        returnId: 'R-1',
        transactionId: 'T-1',
        at: 'yesterday',
        lines: [{ lineId: '1', quantity: -1 }],
      }),
    )
    expect(pathsOf(e).sort()).toEqual(['at', 'lines.0.quantity'])
    expect(
      failed(
        await checkout.return({ returnId: 'R-1', transactionId: 'T-1', at: AT, lines: [{ lineId: '1', quantity: 1 }] }),
      ),
    ).toMatchObject({
      _tag: 'UnknownTransaction',
    })
  })

  it('addCodes refuses a pool that was never created', async () => {
    expect(failed(await make().store.addCodes('NOPE', ['X']))).toMatchObject({ _tag: 'UnknownPool', pool: 'NOPE' })
  })

  it('a voided session refuses every change', async () => {
    const s = ok(await make().checkout.open(header))
    ok(await s.void())
    expect(failed(s.addLine(line('1', 'A', 1, 100)))).toMatchObject({ _tag: 'SessionClosed', state: 'voided' })
    expect(failed(await s.close([]))).toMatchObject({ _tag: 'SessionClosed' })
    expect(failed(await s.void())).toMatchObject({ _tag: 'SessionClosed' })
  })
})

describe('checkout: a refused close leaves the session open', () => {
  it('a close refused for a code can be retried once the cashier removes the code', async () => {
    const campaigns: Campaign[] = [
      {
        id: 'xmas',
        status: 'active',
        code: { required: true, pool: 'XMAS26' },
        reward: { amountOff: { of: 'basket', amount: 100 } },
      },
    ]
    const { checkout, store } = make(campaigns)
    ok(await store.putPool({ id: 'XMAS26', kind: { type: 'singleUse' } }))
    ok(await store.addCodes('XMAS26', ['XMAS26-A']))
    const a = ok(await checkout.open(header))
    ok(a.addLine(line('1', 'A', 1, 1000)))
    ok(await a.applyCode('XMAS26-A'))
    // another till redeems the same code directly (its own hold lapsed or it bypassed holds)
    const clock = fixedClock(AT)
    clock.advance(16 * 60_000)
    const other = createCheckout({
      store,
      price: enginePricer(campaigns, { storeTimeZone: 'Europe/Paris' }),
      campaigns,
      keyring: TEST_KEYRING,
      keyId: 'K1',
      clock,
      storeTimeZone: 'Europe/Paris',
    })
    ok(await other.close({ basket: basketOf('T-9', [line('1', 'A', 1, 1000)], { codes: ['XMAS26-A'] }), tenders: [] }))
    expect(failed(await a.close([]))).toMatchObject({ _tag: 'CodeRejected', reason: 'ALREADY_REDEEMED' })
    expect(a.state()).toBe('open')
    ok(await a.removeCode('XMAS26-A'))
    expect(ok(await a.close([])).total).toBe(1000)
    expect(a.state()).toBe('closed')
  })
})

describe('checkout with the rules engine', () => {
  it('opens, identifies, prices, closes and returns on the memory stores with enginePricer', async () => {
    const campaigns: Campaign[] = [
      {
        id: 'ten-off',
        status: 'active',
        reward: { percentOff: { of: { sku: ['A'] }, percent: 10 } },
        limits: { perCustomer: { count: 1, period: 'day' } },
      },
    ]
    const program: Program = { id: 'club', earn: { points: 1, per: 100 } }
    const { checkout, loyalty } = make(campaigns, program)
    ok(await loyalty.openAccount({ accountId: 'acc-1', programId: 'club', at: 0 }))
    ok(await loyalty.issueCard({ number: CARD, accountId: 'acc-1', at: 0 }))
    const s = ok(await checkout.open(header))
    ok(s.identify(CARD))
    ok(s.addLine(line('1', 'A', 2, 1000)))
    ok(s.addLine(line('2', 'B', 1, 500)))
    const priced = ok(await s.price())
    // 10 % of 2000 on the A line → 200; net 2300 → 23 points
    expect(priced.discountTotal).toBe(200)
    const receipt = ok(await s.close([{ type: 'cash', amount: 2300 }]))
    expect(receipt).toMatchObject({ total: 2300, savings: 200, points: { earned: 23 } })
    expect(receipt.points.balance?.available).toBe(23)
    const s2 = ok(await checkout.open({ ...header, transactionId: 'T-2' }))
    ok(s2.identify(CARD))
    ok(s2.addLine(line('1', 'A', 2, 1000)))
    // the per-customer limit is used for today
    expect(ok(await s2.price()).discountTotal).toBe(0)
    const back = ok(
      await checkout.return({ returnId: 'R-1', transactionId: 'T-1', at: AT, lines: [{ lineId: '1', quantity: 1 }] }),
    )
    // one A unit: 1000 - 100 = 900 back; points 23 split 1800:500 → 18 + 5, per unit 9 + 9
    expect(back).toMatchObject({ refund: 900, pointsClawedBack: 9, full: false })
    expect(back.balance?.available).toBe(14)
  })
})
