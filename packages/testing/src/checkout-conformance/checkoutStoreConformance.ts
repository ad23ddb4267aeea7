import {
  type Basket,
  type BasketLine,
  type Campaign,
  type Checkout,
  type CheckoutError,
  type CheckoutStore,
  type CouponPolicy,
  type Customer,
  compile,
  createCheckout,
  enginePricer,
  evaluate,
  type LoyaltyStore,
  minor,
  type Program,
  type Receipt,
  type Sku,
} from '@tessera/core'
import type { Either } from 'fp-ts/lib/Either.js'
import { afterEach, describe, expect, it } from 'vitest'
import { type FixedClock, fixedClock } from '../clock.js'
import { BUDGET_AGREEMENT, budgetAgreementBasket } from './budgetAgreement.js'

/** What the suite needs from the store under test: the checkout store and the loyalty store it posts to. @category testing */
export interface CheckoutWorld {
  readonly store: CheckoutStore
  readonly loyalty: LoyaltyStore
  /** Drops databases, closes pools. */
  readonly dispose?: () => Promise<void>
}

/**
 * Options of {@link checkoutStoreConformance}. `concurrently` runs tasks at the same time (default
 * `Promise.all`); a SQL store may pass a runner that spreads them over separate connections.
 * @category testing
 */
export interface CheckoutConformanceOptions {
  readonly concurrently?: <A>(tasks: readonly (() => Promise<A>)[]) => Promise<A[]>
  /**
   * How many deadlocks the database has detected so far (PostgreSQL: `pg_stat_database.deadlocks`),
   * for the cases that race returns against closes: the store must take its locks in one order, so
   * the count must not move. Omit for a store that cannot deadlock.
   */
  readonly deadlocks?: () => Promise<number>
}

/** The instant of the suite's sales (Paris, a Thursday morning). @category testing */
export const AT = '2026-11-26T10:15:00+01:00'
const HOUR = 3_600_000
const DAY = 24 * HOUR
/** A 32-byte test key (never use it in production). @category testing */
export const TEST_KEYRING = { K1: new Uint8Array(32).fill(7) }
/** Two card numbers the suite issues. @category testing */
export const CARD = '2900001234566'
export const OTHER_CARD = '2900001234573'

/** Unwraps a Right or throws with the error, for tests. @category testing */
export const ok = <A, E extends { readonly _tag: string; readonly message: string } = CheckoutError>(
  e: Either<E, A>,
): A => {
  if (e._tag === 'Left') throw new Error(`expected success, got ${e.left._tag}: ${e.left.message}`)
  return e.right
}
/** Unwraps a Left or throws, for tests. @category testing */
export const failed = <A>(e: Either<CheckoutError, A>): CheckoutError => {
  if (e._tag === 'Right') throw new Error(`expected an error, got ${JSON.stringify(e.right)}`)
  return e.left
}

/** A basket line: `quantity` units at `unitPrice`, in the `grocery` category. @category testing */
export const line = (
  id: string,
  sku: string,
  quantity: number,
  unitPrice: number,
  extra: Partial<BasketLine> = {},
): BasketLine => ({
  id,
  sku: sku as Sku,
  quantity,
  unitPrice: minor(unitPrice),
  amount: minor(Math.round(quantity * unitPrice)),
  categories: ['grocery'],
  ...extra,
})

/** A closed-sale basket for `checkout.close` (store 0042, till 03, EUR, at {@link AT}). @category testing */
export const basketOf = (id: string, lines: readonly BasketLine[], extra: Partial<Basket> = {}): Basket => ({
  id,
  storeId: '0042',
  terminalId: '03',
  channel: 'store',
  currency: 'EUR' as Basket['currency'],
  pricesIncludeTax: true,
  at: AT as Basket['at'],
  lines,
  ...extra,
})

const program: Program = { id: 'club', earn: { points: 1, per: 100 }, pendingDays: 14 }

/**
 * The checkout store conformance suite: every {@link CheckoutStore} (memory, SQLite, Postgres) must
 * pass it. `make` builds a fresh, empty world per test. Besides the sequential cases, three
 * concurrent ones fire through `options.concurrently`: 32 closes racing for one single-use code, 16
 * closes against one budget, and a retry storm (each close sent 3 times at once).
 * @category testing
 */
export const checkoutStoreConformance = (
  name: string,
  make: () => Promise<CheckoutWorld>,
  options: CheckoutConformanceOptions = {},
): void => {
  const concurrently =
    options.concurrently ?? (<A>(tasks: readonly (() => Promise<A>)[]) => Promise.all(tasks.map((t) => t())))

  describe(`checkout store conformance: ${name}`, () => {
    let disposers: (() => Promise<void>)[] = []
    afterEach(async () => {
      for (const d of disposers) await d()
      disposers = []
    })

    interface Setup {
      readonly campaigns?: readonly Campaign[]
      readonly couponPolicy?: CouponPolicy
      readonly cards?: readonly string[]
    }
    const setup = async ({ campaigns = [], couponPolicy, cards = [CARD, OTHER_CARD] }: Setup = {}) => {
      const world = await make()
      if (world.dispose) disposers.push(world.dispose)
      const clock: FixedClock = fixedClock(AT)
      const at = Date.parse(AT) - DAY
      for (const [i, number] of cards.entries()) {
        const accountId = `acc-${i + 1}`
        await world.loyalty.openAccount({ accountId, programId: 'club', at })
        await world.loyalty.issueCard({ number, accountId, at })
      }
      const checkout: Checkout = createCheckout({
        store: world.store,
        price: enginePricer(campaigns, { storeTimeZone: 'Europe/Paris' }, program),
        campaigns,
        program,
        keyring: TEST_KEYRING,
        keyId: 'K1',
        clock,
        storeTimeZone: 'Europe/Paris',
        ...(couponPolicy ? { couponPolicy } : {}),
      })
      const balance = async (accountId = 'acc-1') => {
        const b = await world.loyalty.balance(accountId, Date.parse(AT) + 30 * DAY)
        if (b._tag === 'Left') throw new Error(b.left.message)
        return b.right.available + b.right.pending
      }
      const usage = async (campaignId: string) => (await world.store.usage([campaignId], [])).campaigns[0]
      return { ...world, clock, checkout, balance, usage }
    }

    const open = async (checkout: Checkout, transactionId: string) =>
      ok(
        await checkout.open({
          transactionId,
          storeId: '0042',
          terminalId: '03',
          currency: 'EUR' as Basket['currency'],
          at: AT as Basket['at'],
        }),
      )

    const tenders = (amount: number) => [{ type: 'card', amount }]
    const singleUsePool = async (store: CheckoutStore, codes: readonly string[], campaignId = 'xmas') => {
      ok(await store.putPool({ id: 'XMAS26', kind: { type: 'singleUse' }, campaignId }))
      ok(await store.addCodes('XMAS26', codes))
    }
    const xmas: Campaign = {
      id: 'xmas',
      status: 'active',
      code: { required: true, pool: 'XMAS26' },
      reward: { amountOff: { of: 'basket', amount: 500 } },
    }
    const tenOff: Campaign = { id: 'ten-off', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } }

    // ── close idempotency ──────────────────────────────────────────────────────────────────────
    describe('close is idempotent, keyed by the transaction id', () => {
      it('a retried close returns the same receipt and books nothing twice', async () => {
        const w = await setup({ campaigns: [tenOff] })
        const request = { basket: basketOf('T-1', [line('1', 'A', 2, 1000)], { card: CARD }), tenders: tenders(1800) }
        const first = ok(await w.checkout.close(request))
        // 2000 - 10 % = 1800, 1 point per 100 → 18 points
        expect(first.total).toBe(1800)
        expect(first.points.earned).toBe(18)
        const again = ok(await w.checkout.close(request))
        expect(again).toEqual(first)
        expect(await w.balance()).toBe(18)
        expect((await w.usage('ten-off'))?.redemptions).toBe(1)
        expect((await w.usage('ten-off'))?.discountSpent).toBe(200)
        expect((await w.store.findClose('T-1'))?.receipt).toEqual(first)
      })

      it('the same transaction id with other content is CONFLICTING_REPLAY and books nothing', async () => {
        const w = await setup({ campaigns: [tenOff] })
        const basket = basketOf('T-1', [line('1', 'A', 2, 1000)], { card: CARD })
        ok(await w.checkout.close({ basket, tenders: tenders(1800) }))
        const other = failed(
          await w.checkout.close({ basket: { ...basket, lines: [line('1', 'A', 3, 1000)] }, tenders: tenders(2700) }),
        )
        expect(other).toMatchObject({ _tag: 'ConflictingReplay', code: 'CONFLICTING_REPLAY', key: 'T-1' })
        expect(await w.balance()).toBe(18)
        expect((await w.usage('ten-off'))?.redemptions).toBe(1)
      })

      it('a session closed twice (a double tap) returns the same receipt', async () => {
        const w = await setup({ campaigns: [tenOff] })
        const s = await open(w.checkout, 'T-2')
        ok(s.identify(CARD))
        ok(s.addLine(line('1', 'A', 1, 1000)))
        const first = ok(await s.close(tenders(900)))
        expect(ok(await s.close(tenders(900)))).toEqual(first)
        expect(failed(s.addLine(line('2', 'B', 1, 100)))).toMatchObject({ _tag: 'SessionClosed' })
        expect(await w.balance()).toBe(9)
      })

      it('a close marks the session of its id closed in the store (in its transaction); a close without one stores none', async () => {
        const w = await setup({ campaigns: [tenOff] })
        const s = await open(w.checkout, 'T-3')
        ok(s.addLine(line('1', 'A', 1, 1000)))
        expect((await w.store.findSession('T-3'))?.state).toBe('open')
        ok(await w.checkout.close({ basket: basketOf('T-3', [line('1', 'A', 1, 1000)], { card: CARD }), tenders: [] }))
        expect(await w.store.findSession('T-3')).toMatchObject({ transactionId: 'T-3', state: 'closed' })
        expect(
          failed(
            await w.checkout
              .resume('T-3')
              .then((r) => (r._tag === 'Right' ? r.right.addLine(line('2', 'B', 1, 100)) : r)),
          ),
        ).toMatchObject({ _tag: 'SessionClosed' })
        ok(await w.checkout.close({ basket: basketOf('T-4', [line('1', 'A', 1, 1000)], { card: CARD }), tenders: [] }))
        expect(await w.store.findSession('T-4')).toBeUndefined()
      })
    })

    // ── codes ──────────────────────────────────────────────────────────────────────────────────
    describe('codes are held while a session is open and redeemed once', () => {
      it('a single-use code redeemed in one session is ALREADY_REDEEMED in the next', async () => {
        const w = await setup({ campaigns: [xmas] })
        await singleUsePool(w.store, ['XMAS26-AAAA'])
        const a = await open(w.checkout, 'T-A')
        ok(a.addLine(line('1', 'A', 1, 2000)))
        ok(await a.applyCode('xmas26-aaaa'))
        const receipt = ok(await a.close(tenders(1500)))
        expect(receipt.discountTotal).toBe(500)
        const b = await open(w.checkout, 'T-B')
        expect(failed(await b.applyCode('XMAS26-AAAA'))).toMatchObject({
          _tag: 'CodeRejected',
          reason: 'ALREADY_REDEEMED',
        })
        expect((await w.store.code('XMAS26-AAAA'))?.redemptions).toEqual([{ sessionId: 'T-A' }])
      })

      it('adding a batch twice adds nothing the second time and keeps redemptions', async () => {
        const w = await setup({ campaigns: [xmas] })
        await singleUsePool(w.store, ['XMAS26-AAAA', 'XMAS26-BBBB'])
        ok(
          await w.checkout.close({
            basket: basketOf('T-A', [line('1', 'A', 1, 2000)], { codes: ['XMAS26-AAAA'] }),
            tenders: [],
          }),
        )
        expect(ok(await w.store.addCodes('XMAS26', ['XMAS26-AAAA', 'XMAS26-CCCC']))).toEqual({ added: 1 })
        expect((await w.store.code('XMAS26-AAAA'))?.redemptions).toHaveLength(1)
        expect((await w.store.pools()).map((p) => p.id)).toEqual(['XMAS26'])
      })

      it('a code held by another open session is RESERVED_ELSEWHERE', async () => {
        const w = await setup({ campaigns: [xmas] })
        await singleUsePool(w.store, ['XMAS26-AAAA'])
        ok(await (await open(w.checkout, 'T-A')).applyCode('XMAS26-AAAA'))
        const b = await open(w.checkout, 'T-B')
        expect(failed(await b.applyCode('XMAS26-AAAA'))).toMatchObject({ reason: 'RESERVED_ELSEWHERE' })
        ok(b.addLine(line('1', 'A', 1, 2000)))
        const closing = failed(
          await w.checkout.close({ basket: { ...b.basket(), codes: ['XMAS26-AAAA'] }, tenders: [] }),
        )
        expect(closing).toMatchObject({ reason: 'RESERVED_ELSEWHERE' })
      })

      it('void releases the hold', async () => {
        const w = await setup({ campaigns: [xmas] })
        await singleUsePool(w.store, ['XMAS26-AAAA'])
        const a = await open(w.checkout, 'T-A')
        ok(await a.applyCode('XMAS26-AAAA'))
        ok(await a.void())
        expect(failed(await a.applyCode('XMAS26-AAAA'))).toMatchObject({ _tag: 'SessionClosed' })
        ok(await (await open(w.checkout, 'T-B')).applyCode('XMAS26-AAAA'))
      })

      it('removeCode releases the hold', async () => {
        const w = await setup({ campaigns: [xmas] })
        await singleUsePool(w.store, ['XMAS26-AAAA'])
        const a = await open(w.checkout, 'T-A')
        ok(await a.applyCode('XMAS26-AAAA'))
        ok(await a.removeCode('XMAS26-AAAA'))
        expect(a.basket().codes).toBeUndefined()
        ok(await (await open(w.checkout, 'T-B')).applyCode('XMAS26-AAAA'))
      })

      it('a hold lapses after its TTL: another session may take the code, and the first can no longer close with it', async () => {
        const w = await setup({ campaigns: [xmas] })
        await singleUsePool(w.store, ['XMAS26-AAAA'])
        const a = await open(w.checkout, 'T-A')
        ok(a.addLine(line('1', 'A', 1, 2000)))
        ok(await a.applyCode('XMAS26-AAAA'))
        w.clock.advance(15 * 60_000 - 1)
        expect(failed(await (await open(w.checkout, 'T-B')).applyCode('XMAS26-AAAA'))).toMatchObject({
          reason: 'RESERVED_ELSEWHERE',
        })
        w.clock.advance(1)
        ok(await (await open(w.checkout, 'T-C')).applyCode('XMAS26-AAAA'))
        expect(failed(await a.close(tenders(1500)))).toMatchObject({ reason: 'RESERVED_ELSEWHERE' })
      })

      it('an unknown code is UNKNOWN, a typo in a pool pattern is BAD_CHECK_CHARACTER', async () => {
        const w = await setup({ campaigns: [xmas] })
        ok(
          await w.store.putPool({
            id: 'XMAS26',
            kind: { type: 'singleUse' },
            pattern: 'XMAS26-####',
            campaignId: 'xmas',
          }),
        )
        const s = await open(w.checkout, 'T-A')
        expect(failed(await s.applyCode('NOPE'))).toMatchObject({ reason: 'UNKNOWN' })
        // check character of "2222" is some symbol; changing it gives a typo
        const { codeCheckCharacter } = await import('@tessera/core')
        const good = `XMAS26-2222${codeCheckCharacter('2222')}`
        const typo = `XMAS26-2222${codeCheckCharacter('2222') === '3' ? '4' : '3'}`
        ok(await w.store.addCodes('XMAS26', [good]))
        expect(failed(await s.applyCode(typo))).toMatchObject({ reason: 'BAD_CHECK_CHARACTER' })
        ok(await s.applyCode(good))
      })

      it('a multi-use code counts per card: LIMIT_REACHED past the limit, NOT_YOURS without a card', async () => {
        const w = await setup({ campaigns: [{ ...xmas, code: { required: true, pool: 'MULTI' } }] })
        ok(await w.store.putPool({ id: 'MULTI', kind: { type: 'multiUse', perCustomerLimit: 1 } }))
        ok(await w.store.addCodes('MULTI', ['MULTI-5']))
        const anon = await open(w.checkout, 'T-0')
        expect(failed(await anon.applyCode('MULTI-5'))).toMatchObject({ reason: 'NOT_YOURS' })
        const a = await open(w.checkout, 'T-A')
        ok(a.identify(CARD))
        ok(a.addLine(line('1', 'A', 1, 2000)))
        ok(await a.applyCode('MULTI-5'))
        ok(await a.close(tenders(1500)))
        const b = await open(w.checkout, 'T-B')
        ok(b.identify(CARD))
        expect(failed(await b.applyCode('MULTI-5'))).toMatchObject({ reason: 'LIMIT_REACHED' })
        const c = await open(w.checkout, 'T-C')
        ok(c.identify(OTHER_CARD))
        ok(await c.applyCode('MULTI-5'))
      })

      it('a code whose campaign did not apply is not redeemed (and the receipt says why)', async () => {
        const needsCard: Campaign = { ...xmas, eligibility: { cardRequired: true } }
        const w = await setup({ campaigns: [needsCard] })
        await singleUsePool(w.store, ['XMAS26-AAAA'])
        const a = await open(w.checkout, 'T-A')
        ok(a.addLine(line('1', 'A', 1, 2000)))
        ok(await a.applyCode('XMAS26-AAAA'))
        const receipt = ok(await a.close(tenders(2000)))
        expect(receipt.discountTotal).toBe(0)
        expect(receipt.notes.map((n) => n.reason.code)).toContain('CODE_NOT_USED')
        expect((await w.store.code('XMAS26-AAAA'))?.redemptions).toEqual([])
        ok(await (await open(w.checkout, 'T-B')).applyCode('XMAS26-AAAA'))
      })
    })

    // ── limits and budgets ─────────────────────────────────────────────────────────────────────
    describe('limits and budgets', () => {
      it('a per-customer limit per day stops the campaign for that card the same day, not the next', async () => {
        const limited: Campaign = { ...tenOff, limits: { perCustomer: { count: 1, period: 'day' } } }
        const w = await setup({ campaigns: [limited] })
        const close = (id: string, card: string, at = AT) =>
          w.checkout.close({
            basket: basketOf(id, [line('1', 'A', 1, 1000)], { card, at: at as Basket['at'] }),
            tenders: [],
          })
        expect(ok(await close('T-1', CARD)).discountTotal).toBe(100)
        const second = ok(await close('T-2', CARD))
        expect(second.discountTotal).toBe(0)
        expect(second.notes).toContainEqual({
          campaignId: 'ten-off',
          // the engine judges the limit (one limits engine), and says which period it counts
          reason: { code: 'LIMIT_REACHED', by: 'perCustomer', required: 1, actual: 1, message: 'per day' },
        })
        expect(ok(await close('T-3', OTHER_CARD)).discountTotal).toBe(100)
        // 23:30 in Paris is still the same day; 00:30 the next day is a new bucket
        expect(ok(await close('T-4', CARD, '2026-11-26T23:30:00+01:00')).discountTotal).toBe(0)
        expect(ok(await close('T-5', CARD, '2026-11-27T00:30:00+01:00')).discountTotal).toBe(100)
      })

      it('price() shows the limit before the close (a refreshed page does not bypass it)', async () => {
        const limited: Campaign = { ...tenOff, limits: { perCustomer: { count: 1, period: 'campaign' } } }
        const w = await setup({ campaigns: [limited] })
        const s = await open(w.checkout, 'T-1')
        ok(s.identify(CARD))
        ok(s.addLine(line('1', 'A', 1, 1000)))
        expect(ok(await s.price()).discountTotal).toBe(100)
        ok(await s.close([]))
        const s2 = await open(w.checkout, 'T-2')
        ok(s2.identify(CARD))
        ok(s2.addLine(line('1', 'A', 1, 1000)))
        const priced = ok(await s2.price())
        expect(priced.discountTotal).toBe(0)
        expect(priced.explanations).toContainEqual({
          campaignId: 'ten-off',
          applied: false,
          reasons: [expect.objectContaining({ code: 'LIMIT_REACHED' })],
        })
      })

      it('a total limit stops the campaign for everyone once reached', async () => {
        const w = await setup({ campaigns: [{ ...tenOff, limits: { total: 2 } }] })
        const totals: number[] = []
        for (const id of ['T-1', 'T-2', 'T-3']) {
          totals.push(
            ok(await w.checkout.close({ basket: basketOf(id, [line('1', 'A', 1, 1000)]), tenders: [] })).discountTotal,
          )
        }
        expect(totals).toEqual([100, 100, 0])
        expect((await w.usage('ten-off'))?.redemptions).toBe(2)
      })

      it('a discount budget is cut to what remains (BUDGET_PARTIAL), then stops the campaign (BUDGET_EXHAUSTED)', async () => {
        const w = await setup({ campaigns: [{ ...tenOff, limits: { budget: { discount: 250 } } }] })
        const close = (id: string) =>
          w.checkout.close({ basket: basketOf(id, [line('1', 'A', 1, 1000), line('2', 'B', 1, 999)]), tenders: [] })
        // 10 % of 1999 = 199.9 → 200 (100 + 100 by line amount: 1000:999, largest remainder)
        const first = ok(await close('T-1'))
        expect(first.discountTotal).toBe(200)
        // 50 left: the 200 is cut to 50, re-split 25 + 25 over the lines (weights 100:100)
        const second = ok(await close('T-2'))
        expect(second.discountTotal).toBe(50)
        expect(second.lines.map((l) => l.discount)).toEqual([25, 25])
        expect(second.lines.reduce((s, l) => s + l.net, 0)).toBe(1999 - 50)
        expect(second.discounts[0]?.reasons).toContainEqual({
          code: 'BUDGET_PARTIAL',
          by: 'discount',
          required: 200,
          actual: 50,
        })
        const third = ok(await close('T-3'))
        expect(third.discountTotal).toBe(0)
        expect(third.notes.map((n) => n.reason.code)).toEqual(['BUDGET_EXHAUSTED'])
        expect((await w.usage('ten-off'))?.discountSpent).toBe(250)
      })

      it('a points budget cuts the campaign points to what remains', async () => {
        const bonus: Campaign = {
          id: 'bonus',
          status: 'active',
          reward: { points: { fixed: 30 } },
          limits: { budget: { points: 50 } },
        }
        const w = await setup({ campaigns: [bonus] })
        const close = (id: string) =>
          w.checkout.close({ basket: basketOf(id, [line('1', 'A', 1, 1000)], { card: CARD }), tenders: [] })
        // 10 program points + 30 bonus, then 10 + 20 (cut), then 10 + 0
        expect(ok(await close('T-1')).points.earned).toBe(40)
        expect(ok(await close('T-2')).points.earned).toBe(30)
        expect(ok(await close('T-3')).points.earned).toBe(10)
        expect(await w.balance()).toBe(80)
        expect((await w.usage('bonus'))?.pointsSpent).toBe(50)
      })
    })

    // ── returns ────────────────────────────────────────────────────────────────────────────────
    describe('returns work from the stored snapshot', () => {
      const withCoupon: Campaign = {
        id: 'next-visit',
        status: 'active',
        reward: { issueCoupon: { template: 'five-off', validForDays: 30 } },
      }
      const closeThree = async (w: Awaited<ReturnType<typeof setup>>) =>
        ok(
          await w.checkout.close({
            basket: basketOf('T-1', [line('1', 'A', 3, 333), line('2', 'B', 1, 1001)], {
              card: CARD,
              codes: ['XMAS26-AAAA'],
            }),
            tenders: [],
          }),
        )

      it('a partial then the rest refund exactly the net paid, claw back exactly the points, and give usage back only at the end', async () => {
        const w = await setup({
          campaigns: [{ ...xmas, limits: { total: 10, budget: { discount: 10_000 } } }, withCoupon],
        })
        await singleUsePool(w.store, ['XMAS26-AAAA'])
        const sale = await closeThree(w)
        // subtotal 999 + 1001 = 2000; 500 off split by amount 999:1001 → 250 + 250 (tie → earlier line)
        expect(sale.lines.map((l) => l.discount)).toEqual([250, 250])
        // net 1500 → 15 points, split by net 749:751 → 7 + 8
        expect(sale.points.earned).toBe(15)
        expect(sale.coupons).toHaveLength(1)
        const first = ok(
          await w.checkout.return({
            returnId: 'R-1',
            transactionId: 'T-1',
            at: AT,
            lines: [{ lineId: '1', quantity: 1 }],
          }),
        )
        // line 1: amount 999 → 333 per unit, discount 250 → 84, 83, 83: the first unit refunds 333 - 84 = 249
        expect(first.refund).toBe(249)
        expect(first.full).toBe(false)
        expect((await w.usage('xmas'))?.redemptions).toBe(1)
        expect(first.revokedCoupons).toEqual([])
        const rest = ok(
          await w.checkout.return({
            returnId: 'R-2',
            transactionId: 'T-1',
            at: AT,
            lines: [
              { lineId: '1', quantity: 2 },
              { lineId: '2', quantity: 1 },
            ],
          }),
        )
        expect(first.refund + rest.refund).toBe(sale.total)
        expect(first.pointsClawedBack + rest.pointsClawedBack).toBe(15)
        expect(rest.full).toBe(true)
        expect(await w.balance()).toBe(0)
        expect(await w.usage('xmas')).toEqual({ campaignId: 'xmas', redemptions: 0, discountSpent: 0, pointsSpent: 0 })
        expect((await w.store.code('XMAS26-AAAA'))?.redemptions).toEqual([])
        expect(rest.revokedCoupons).toEqual([sale.coupons[0]?.code])
        expect((await w.store.findReturns('T-1')).map((r) => r.returnId)).toEqual(['R-1', 'R-2'])
        const next = await open(w.checkout, 'T-9')
        ok(next.identify(CARD))
        expect(failed(await next.applyCode(sale.coupons[0]?.code as string))).toMatchObject({ reason: 'EXPIRED' })
      })

      it('a return retried gives the same result; same id other content is CONFLICTING_REPLAY', async () => {
        const w = await setup({ campaigns: [xmas] })
        await singleUsePool(w.store, ['XMAS26-AAAA'])
        await closeThree(w)
        const request = { returnId: 'R-1', transactionId: 'T-1', at: AT, lines: [{ lineId: '1', quantity: 1 }] }
        const first = ok(await w.checkout.return(request))
        expect(ok(await w.checkout.return(request))).toEqual(first)
        expect(failed(await w.checkout.return({ ...request, lines: [{ lineId: '1', quantity: 2 }] }))).toMatchObject({
          code: 'CONFLICTING_REPLAY',
        })
        // 15 points, the first unit of line 1 earned 3 (7 over 3 units: 3, 2, 2)
        expect(await w.balance()).toBe(12)
      })

      it('returning more units than bought, counting earlier returns, is ReturnExceedsPurchase', async () => {
        const w = await setup({ campaigns: [xmas] })
        await singleUsePool(w.store, ['XMAS26-AAAA'])
        await closeThree(w)
        ok(
          await w.checkout.return({
            returnId: 'R-1',
            transactionId: 'T-1',
            at: AT,
            lines: [{ lineId: '1', quantity: 2 }],
          }),
        )
        expect(
          failed(
            await w.checkout.return({
              returnId: 'R-2',
              transactionId: 'T-1',
              at: AT,
              lines: [{ lineId: '1', quantity: 2 }],
            }),
          ),
        ).toMatchObject({ _tag: 'ReturnExceedsPurchase', lineId: '1', bought: 3, alreadyReturned: 2, requested: 2 })
        expect(
          failed(
            await w.checkout.return({
              returnId: 'R-3',
              transactionId: 'T-404',
              at: AT,
              lines: [{ lineId: '1', quantity: 1 }],
            }),
          ),
        ).toMatchObject({ _tag: 'UnknownTransaction' })
        expect(
          failed(
            await w.checkout.return({
              returnId: 'R-4',
              transactionId: 'T-1',
              at: AT,
              lines: [{ lineId: '9', quantity: 1 }],
            }),
          ),
        ).toMatchObject({ _tag: 'UnknownLine', lineId: '9' })
      })

      it('a weighed line is returned whole', async () => {
        const w = await setup({ campaigns: [tenOff] })
        const cheese = line('1', 'CHEESE', 0.532, 1299, { unit: 'kg' })
        ok(await w.checkout.close({ basket: basketOf('T-1', [cheese], { card: CARD }), tenders: [] }))
        expect(
          failed(
            await w.checkout.return({
              returnId: 'R-1',
              transactionId: 'T-1',
              at: AT,
              lines: [{ lineId: '1', quantity: 0.2 }],
            }),
          ),
        ).toMatchObject({ _tag: 'MeasuredLineReturnedWhole' })
        const whole = ok(
          await w.checkout.return({
            returnId: 'R-2',
            transactionId: 'T-1',
            at: AT,
            lines: [{ lineId: '1', quantity: 0.532 }],
          }),
        )
        // 0.532 kg × 1299 = 691; 10 % = 69 → 622 paid, 6 points
        expect(whole).toMatchObject({ refund: 622, pointsClawedBack: 6, full: true })
      })
    })

    // ── coupons ────────────────────────────────────────────────────────────────────────────────
    describe('checkout coupons', () => {
      const crossSell: Campaign = {
        id: 'cross-sell',
        status: 'active',
        reward: { issueCoupon: { template: 'five-off', validForDays: 30 } },
        labels: { receipt: '5 € off your next visit' },
      }
      const fiveOff: Campaign = {
        id: 'five-off',
        status: 'active',
        code: { required: true, pool: 'FIVE' },
        reward: { amountOff: { of: 'basket', amount: 500 } },
      }

      it('a personal coupon is signed, printable, redeemable once by its card only', async () => {
        const w = await setup({ campaigns: [crossSell, fiveOff] })
        const sale = ok(
          await w.checkout.close({ basket: basketOf('T-1', [line('1', 'A', 1, 1000)], { card: CARD }), tenders: [] }),
        )
        const coupon = sale.coupons[0]
        expect(coupon).toMatchObject({
          template: 'five-off',
          pool: 'FIVE',
          card: CARD,
          label: '5 € off your next visit',
        })
        expect(coupon?.code).toMatch(/^TSR1\.K1\./)
        expect(coupon?.barcode.code128).toBe(coupon?.code)
        const stranger = await open(w.checkout, 'T-2')
        ok(stranger.identify(OTHER_CARD))
        expect(failed(await stranger.applyCode(coupon?.code as string))).toMatchObject({ reason: 'NOT_YOURS' })
        const owner = await open(w.checkout, 'T-3')
        ok(owner.identify(CARD))
        ok(owner.addLine(line('1', 'A', 1, 2000)))
        ok(await owner.applyCode(coupon?.code as string))
        const next = ok(await owner.close([]))
        expect(next.discounts.find((d) => d.campaignId === 'five-off')?.amount).toBe(500)
        const again = await open(w.checkout, 'T-4')
        ok(again.identify(CARD))
        expect(failed(await again.applyCode(coupon?.code as string))).toMatchObject({ reason: 'ALREADY_REDEEMED' })
      })

      it('the frequency cap stops a split basket from multiplying coupons', async () => {
        const w = await setup({ campaigns: [crossSell] })
        const close = (id: string) =>
          w.checkout.close({ basket: basketOf(id, [line('1', 'A', 1, 500)], { card: CARD }), tenders: [] })
        expect(ok(await close('T-1')).coupons).toHaveLength(1)
        const second = ok(await close('T-2'))
        expect(second.coupons).toHaveLength(0)
        expect(second.notes).toContainEqual({
          campaignId: 'cross-sell',
          reason: { code: 'COUPON_CAP_REACHED', by: 'five-off', required: 1, actual: 1 },
        })
      })

      it('an anonymous basket gets no coupon by default, a bearer coupon when the policy allows', async () => {
        const w = await setup({ campaigns: [crossSell] })
        const anon = ok(await w.checkout.close({ basket: basketOf('T-1', [line('1', 'A', 1, 500)]), tenders: [] }))
        expect(anon.coupons).toEqual([])
        expect(anon.notes.map((n) => n.reason.code)).toEqual(['COUPON_NEEDS_CARD'])
        const w2 = await setup({
          campaigns: [crossSell],
          couponPolicy: { perCustomer: { count: 1, period: 'day' }, anonymous: 'bearer' },
        })
        const bearer = ok(await w2.checkout.close({ basket: basketOf('T-1', [line('1', 'A', 1, 500)]), tenders: [] }))
        expect(bearer.coupons).toHaveLength(1)
        expect(bearer.coupons[0]?.card).toBeUndefined()
      })
    })

    // ── concurrency ────────────────────────────────────────────────────────────────────────────
    describe('under concurrency', () => {
      it('32 concurrent closes racing for one single-use code: exactly one wins, the others are ALREADY_REDEEMED', async () => {
        const w = await setup({ campaigns: [xmas] })
        await singleUsePool(w.store, ['XMAS26-AAAA'])
        const results = await concurrently(
          Array.from(
            { length: 32 },
            (_, i) => () =>
              w.checkout.close({
                basket: basketOf(`T-${i}`, [line('1', 'A', 1, 2000)], { codes: ['XMAS26-AAAA'] }),
                tenders: [],
              }),
          ),
        )
        const wins = results.filter((r) => r._tag === 'Right')
        expect(wins).toHaveLength(1)
        for (const r of results) if (r._tag === 'Left') expect(r.left).toMatchObject({ reason: 'ALREADY_REDEEMED' })
        expect((await w.store.code('XMAS26-AAAA'))?.redemptions).toHaveLength(1)
        expect((await w.usage('xmas'))?.redemptions).toBe(1)
      })

      it('16 concurrent closes against one budget never overspend it', async () => {
        const w = await setup({ campaigns: [{ ...tenOff, limits: { budget: { discount: 1_050 } } }] })
        const results = await concurrently(
          Array.from(
            { length: 16 },
            (_, i) => () => w.checkout.close({ basket: basketOf(`T-${i}`, [line('1', 'A', 1, 1000)]), tenders: [] }),
          ),
        )
        const given = results.map((r) => ok(r).discountTotal).reduce((s, d) => s + d, 0)
        // 100 per basket: ten get 100, one gets the 50 left (BUDGET_PARTIAL), five get nothing
        expect(given).toBe(1_050)
        expect((await w.usage('ten-off'))?.discountSpent).toBe(1_050)
      })

      it('a retry storm (each close sent 3 times at once) books everything once', async () => {
        const w = await setup({ campaigns: [tenOff] })
        const requests = Array.from({ length: 8 }, (_, i) => ({
          basket: basketOf(`T-${i}`, [line('1', 'A', 1, 1000 + i * 100)], { card: CARD }),
          tenders: [],
        }))
        const results = await concurrently(
          requests.flatMap((r) => [() => w.checkout.close(r), () => w.checkout.close(r), () => w.checkout.close(r)]),
        )
        const receipts = results.map((r) => ok(r) as Receipt)
        for (let i = 0; i < 8; i++) {
          expect(receipts[3 * i + 1]).toEqual(receipts[3 * i])
          expect(receipts[3 * i + 2]).toEqual(receipts[3 * i])
        }
        const earned = requests.reduce((s, _, i) => s + (receipts[3 * i] as Receipt).points.earned, 0)
        // nets 900, 990, …, 1530: points 9 + 9 + 10 + 11 + 12 + 13 + 14 + 15 = 93
        expect(earned).toBe(93)
        expect(await w.balance()).toBe(93)
        expect((await w.usage('ten-off'))?.redemptions).toBe(8)
      })
      it('8 full returns racing 8 closes on one card all succeed, in one lock order (no deadlock)', async () => {
        const bonus: Campaign = { id: 'bonus', status: 'active', reward: { points: { fixed: 10 } } }
        const limited: Campaign = {
          ...tenOff,
          limits: { perCustomer: { count: 100, period: 'day' }, budget: { discount: 1_000_000 } },
        }
        const w = await setup({ campaigns: [limited, bonus] })
        const sale = (id: string) => ({ basket: basketOf(id, [line('1', 'A', 2, 1000)], { card: CARD }), tenders: [] })
        for (let i = 0; i < 8; i++) ok(await w.checkout.close(sale(`T-R${i}`)))
        const before = await options.deadlocks?.()
        const started = Date.now()
        const results = await concurrently<Either<CheckoutError, unknown>>(
          Array.from({ length: 8 }, (_, i) => [
            () =>
              w.checkout.return({
                returnId: `R-${i}`,
                transactionId: `T-R${i}`,
                at: AT,
                lines: [{ lineId: '1', quantity: 2 }],
              }),
            () => w.checkout.close(sale(`T-C${i}`)),
          ]).flat(),
        )
        const elapsedMs = Date.now() - started
        for (const r of results) ok(r)
        if (before !== undefined) expect((await options.deadlocks?.()) ?? 0).toBe(before)
        expect(elapsedMs).toBeLessThan(5_000)
        // 16 closes of 200 off, 8 of them returned whole
        expect(await w.usage('ten-off')).toEqual({
          campaignId: 'ten-off',
          redemptions: 8,
          discountSpent: 1_600,
          pointsSpent: 0,
        })
        expect((await w.usage('bonus'))?.redemptions).toBe(8)
        // each remaining close: 18 points on 1800 net + 10 bonus
        expect(await w.balance()).toBe(8 * 28)
      })
    })

    describe('bad input is a typed refusal, never an exception', () => {
      it('a NUL character in a transaction id, a code or a return id is refused naming the field; lookups find nothing', async () => {
        const w = await setup({ campaigns: [xmas] })
        await singleUsePool(w.store, ['XMAS26-AAAA'])
        const nul = 'T\u0000'
        expect(
          failed(await w.checkout.close({ basket: basketOf(nul, [line('1', 'A', 1, 100)]), tenders: [] })),
        ).toMatchObject({ _tag: 'DecodeError', problems: [{ path: 'id' }] })
        expect(
          failed(
            await w.checkout.close({
              basket: basketOf('T-1', [line('1', 'A', 1, 100)], { codes: ['XMAS26-\u0000'] }),
              tenders: [],
            }),
          ),
        ).toMatchObject({ _tag: 'DecodeError', problems: [{ path: 'codes.0' }] })
        expect(
          failed(
            await w.checkout.return({
              returnId: nul,
              transactionId: 'T-1',
              at: AT,
              lines: [{ lineId: '1', quantity: 1 }],
            }),
          ),
        ).toMatchObject({ _tag: 'DecodeError', problems: [{ path: 'returnId' }] })
        expect(await w.store.code('XMAS26-\u0000')).toBeUndefined()
        expect(await w.store.findClose(nul)).toBeUndefined()
        expect(await w.store.findReturns(nul)).toEqual([])
        expect(await w.store.findSession(nul)).toBeUndefined()
        expect(await w.store.standing(nul)).toEqual({ purchases: [], successfulReferrals: 0 })
        expect((await w.store.usage([nul], [])).campaigns).toEqual([
          { campaignId: nul, redemptions: 0, discountSpent: 0, pointsSpent: 0 },
        ])
        expect(await w.store.findClose('T-1')).toBeUndefined()
      })
    })

    // ── peer bugs ──────────────────────────────────────────────────────────────────────────────
    describe('peer bugs (DESIGN §7)', () => {
      it('Odoo: a refund does not keep the earned points', async () => {
        const w = await setup({ campaigns: [] })
        ok(await w.checkout.close({ basket: basketOf('T-1', [line('1', 'A', 2, 1000)], { card: CARD }), tenders: [] }))
        expect(await w.balance()).toBe(20)
        const back = ok(
          await w.checkout.return({
            returnId: 'R-1',
            transactionId: 'T-1',
            at: AT,
            lines: [{ lineId: '1', quantity: 2 }],
          }),
        )
        expect(back.pointsClawedBack).toBe(20)
        expect(await w.balance()).toBe(0)
      })

      it('Vendure: a refund does not re-prorate the discount over the remaining lines', async () => {
        // 5 € off a 20 € basket of 10 + 10: each line was discounted 250. Returning line 2 refunds
        // its own 750; re-pricing the rest would have given 10 € - 5 € = 500 for line 1, refunding 1000.
        const w = await setup({ campaigns: [{ ...xmas, code: undefined }] })
        const sale = ok(
          await w.checkout.close({
            basket: basketOf('T-1', [line('1', 'A', 1, 1000), line('2', 'B', 1, 1000)]),
            tenders: [],
          }),
        )
        expect(sale.lines.map((l) => l.net)).toEqual([750, 750])
        const back = ok(
          await w.checkout.return({
            returnId: 'R-1',
            transactionId: 'T-1',
            at: AT,
            lines: [{ lineId: '2', quantity: 1 }],
          }),
        )
        expect(back.refund).toBe(750)
      })

      it('Vendure/Saleor/Medusa: a single-use code is not redeemed twice by two concurrent checkouts', async () => {
        const w = await setup({ campaigns: [xmas] })
        await singleUsePool(w.store, ['XMAS26-AAAA'])
        const [a, b] = await Promise.all(
          ['T-A', 'T-B'].map((id) =>
            w.checkout.close({
              basket: basketOf(id, [line('1', 'A', 1, 2000)], { codes: ['XMAS26-AAAA'] }),
              tenders: [],
            }),
          ),
        )
        expect([a?._tag, b?._tag].sort()).toEqual(['Left', 'Right'])
      })

      it('Odoo: a refreshed page (re-price, re-close) does not bypass a usage limit', async () => {
        const w = await setup({ campaigns: [{ ...tenOff, limits: { perCustomer: { count: 1, period: 'campaign' } } }] })
        // two tabs for the same card, both priced while the limit was still free
        const tabs = await Promise.all(
          ['T-1', 'T-2'].map(async (id) => {
            const s = await open(w.checkout, id)
            ok(s.identify(CARD))
            ok(s.addLine(line('1', 'A', 1, 1000)))
            return s
          }),
        )
        for (const s of tabs) expect(ok(await s.price()).discountTotal).toBe(100)
        expect(ok(await (tabs[0] as (typeof tabs)[0]).close([])).discountTotal).toBe(100)
        // the stale price is not trusted: the close re-judges against the locked counters
        expect(ok(await (tabs[1] as (typeof tabs)[0]).close([])).discountTotal).toBe(0)
        // and re-submitting the first close replays it, booking nothing
        expect(ok(await (tabs[0] as (typeof tabs)[0]).close([])).discountTotal).toBe(100)
        expect((await w.usage('ten-off'))?.redemptions).toBe(1)
      })

      it('Medusa: a revert (full return) does not lose concurrent updates to the usage counters', async () => {
        const w = await setup({ campaigns: [{ ...tenOff, limits: { budget: { discount: 100_000 } } }] })
        ok(await w.checkout.close({ basket: basketOf('T-1', [line('1', 'A', 1, 1000)]), tenders: [] }))
        const [back, ...others] = await concurrently<Either<CheckoutError, unknown>>([
          () =>
            w.checkout.return({ returnId: 'R-1', transactionId: 'T-1', at: AT, lines: [{ lineId: '1', quantity: 1 }] }),
          ...Array.from(
            { length: 5 },
            (_, i) => () =>
              w.checkout.close({ basket: basketOf(`T-${i + 2}`, [line('1', 'A', 1, 1000)]), tenders: [] }),
          ),
        ])
        ok(back as Either<CheckoutError, unknown>)
        for (const o of others) ok(o)
        // 1 + 5 closes of 100 each, minus the one given back
        expect(await w.usage('ten-off')).toEqual({
          campaignId: 'ten-off',
          redemptions: 5,
          discountSpent: 500,
          pointsSpent: 0,
        })
      })

      it('Odoo POS: a retried sync does not double the points', async () => {
        const w = await setup({ campaigns: [] })
        const request = { basket: basketOf('T-1', [line('1', 'A', 1, 1234)], { card: CARD }), tenders: [] }
        for (let i = 0; i < 3; i++) ok(await w.checkout.close(request))
        expect(await w.balance()).toBe(12)
      })
    })
    // ── the audit (issue 15) ───────────────────────────────────────────────────────────────────
    describe('the audit: money and identity', () => {
      const MEMBER_CARD = '2900001234580'
      const enrolMember = async (w: Awaited<ReturnType<typeof setup>>, memberId = 'm-1') => {
        const at = Date.parse(AT) - 30 * DAY
        ok(await w.loyalty.saveMember({ memberId, programId: 'club', joinedAt: at }))
        ok(await w.loyalty.openAccount({ accountId: `acc-${memberId}`, programId: 'club', memberId, at }))
        ok(await w.loyalty.issueCard({ number: MEMBER_CARD, accountId: `acc-${memberId}`, memberId, at }))
      }

      it('an empty return is refused, and usage comes back once, on the return that completes the sale', async () => {
        const once: Campaign = {
          id: 'once',
          status: 'active',
          reward: { amountOff: { of: 'basket', amount: 500 } },
          limits: { total: 1, budget: { discount: 500 } },
        }
        const w = await setup({ campaigns: [once] })
        const sale = (id: string) =>
          w.checkout.close({ basket: basketOf(id, [line('1', 'A', 1, 1000)]), tenders: tenders(1000) })
        expect(ok(await sale('T-1')).discountTotal).toBe(500)
        const full = ok(
          await w.checkout.return({
            returnId: 'R-1',
            transactionId: 'T-1',
            at: AT,
            lines: [{ lineId: '1', quantity: 1 }],
          }),
        )
        expect(full.full).toBe(true)
        for (const n of [2, 3, 4]) {
          const empty = failed(await w.checkout.return({ returnId: `R-${n}`, transactionId: 'T-1', at: AT, lines: [] }))
          expect(empty).toMatchObject({ _tag: 'DecodeError', problems: [{ path: 'lines' }] })
        }
        // once given back, the one redemption serves one more sale, then the limit holds
        expect(ok(await sale('T-2')).discountTotal).toBe(500)
        expect(ok(await sale('T-3')).discountTotal).toBe(0)
        expect(ok(await sale('T-4')).discountTotal).toBe(0)
        expect(await w.usage('once')).toMatchObject({ redemptions: 1, discountSpent: 500 })
      })

      it('an unknown, blocked or replaced card gets no member benefit: the sale closes as anonymous with a warning', async () => {
        const cardOnly: Campaign = {
          id: 'members-20',
          status: 'active',
          eligibility: { cardRequired: true },
          reward: { percentOff: { of: '*', percent: 20 } },
        }
        const w = await setup({ campaigns: [cardOnly] })
        ok(await w.loyalty.setCardStatus(CARD, 'blocked'))
        const blocked = ok(
          await w.checkout.close({ basket: basketOf('T-1', [line('1', 'A', 1, 99)], { card: CARD }), tenders: [] }),
        )
        expect(blocked).toMatchObject({ discountTotal: 0, total: 99, coupons: [] })
        expect(blocked.points.earned).toBe(0)
        expect(blocked.warnings).toMatchObject([{ code: 'CARD_BLOCKED', card: '*********4566' }])
        const made = ok(
          await w.checkout.close({
            basket: basketOf('T-2', [line('1', 'A', 1, 100_000)], { card: 'NOT-A-CARD-AT-ALL' }),
            tenders: [],
          }),
        )
        expect(made).toMatchObject({ discountTotal: 0, warnings: [{ code: 'UNKNOWN_CARD' }] })
        ok(
          await w.loyalty.replaceCard({
            lost: OTHER_CARD,
            replacement: '2900001234597',
            newAccountId: 'acc-new',
            key: 'lost-1',
            at: Date.parse(AT) - HOUR,
          }),
        )
        const replaced = ok(
          await w.checkout.close({
            basket: basketOf('T-3', [line('1', 'A', 1, 1000)], { card: OTHER_CARD }),
            tenders: [],
          }),
        )
        expect(replaced).toMatchObject({ discountTotal: 0, warnings: [{ code: 'CARD_REPLACED', replacedBy: '4597' }] })
        const priced = ok(
          await w.checkout.price({ basket: basketOf('P-1', [line('1', 'A', 1, 1000)], { card: CARD }) }),
        )
        expect(priced.evaluation.discountTotal).toBe(0)
        expect(priced.warnings).toMatchObject([{ code: 'CARD_BLOCKED' }])
        expect(await w.balance('acc-1')).toBe(0)
      })

      it('who the customer is comes from the store: a "1 per customer per day" offer is given once, whatever profile is sent', async () => {
        const daily: Campaign = {
          id: 'daily-10',
          status: 'active',
          reward: { amountOff: { of: 'basket', amount: 1000 } },
          limits: { perCustomer: { count: 1, period: 'day' } },
        }
        const w = await setup({ campaigns: [daily], cards: [] })
        await enrolMember(w)
        const basket = (id: string) => basketOf(id, [line('1', 'A', 1, 5000)], { card: MEMBER_CARD })
        const close = (id: string, customer?: unknown) =>
          w.checkout.close({
            basket: basket(id),
            ...(customer !== undefined ? { customer: customer as Customer } : {}),
            tenders: [],
          })
        expect(ok(await close('T-1')).discountTotal).toBe(1000)
        expect(ok(await close('T-2', { card: MEMBER_CARD, memberId: 'm-1' })).discountTotal).toBe(0)
        expect(failed(await close('T-3', { card: MEMBER_CARD, memberId: 'made-up' }))).toMatchObject({
          _tag: 'CustomerMismatch',
        })
        expect(failed(await close('T-4', { card: MEMBER_CARD, memberId: ' m-1' }))).toMatchObject({
          _tag: 'CustomerMismatch',
        })
        expect(failed(await close('T-5', { card: 42, tier: {} }))).toMatchObject({ _tag: 'DecodeError' })
        expect(await w.usage('daily-10')).toMatchObject({ redemptions: 1, discountSpent: 1000 })
      })

      it('returning 1 unit of a 100,000-unit line works on counts, not arrays of units', async () => {
        const w = await setup({ campaigns: [tenOff] })
        const sale = ok(
          await w.checkout.close({
            basket: basketOf('T-1', [line('1', 'A', 100_000, 1)], { card: CARD }),
            tenders: [],
          }),
        )
        expect(sale.discountTotal).toBe(10_000)
        const back = ok(
          await w.checkout.return({
            returnId: 'R-1',
            transactionId: 'T-1',
            at: AT,
            lines: [{ lineId: '1', quantity: 1 }],
          }),
        )
        // 100,000 units, 10,000 discount: every unit 1 - 0.1 → the first unit refunds 1 (its discount share 0)
        expect(back.lines[0]).toMatchObject({ units: 1, fromUnit: 0 })
        expect(back.refund + back.lines[0]!.discount).toBe(1)
      })

      it('tenders that do not cover the total are refused with what is missing; none at all means settled by the till', async () => {
        const w = await setup()
        const request = { basket: basketOf('T-1', [line('1', 'A', 1, 900)]), tenders: tenders(1) }
        expect(failed(await w.checkout.close(request))).toMatchObject({ _tag: 'TendersShort', total: 900, tendered: 1 })
        expect(ok(await w.checkout.close({ ...request, tenders: [] })).total).toBe(900)
      })

      it('a return dated before its sale is refused', async () => {
        const w = await setup()
        ok(await w.checkout.close({ basket: basketOf('T-1', [line('1', 'A', 1, 900)]), tenders: [] }))
        const early = failed(
          await w.checkout.return({
            returnId: 'R-1',
            transactionId: 'T-1',
            at: '2026-11-25T10:00:00+01:00',
            lines: [{ lineId: '1', quantity: 1 }],
          }),
        )
        expect(early).toMatchObject({ _tag: 'ReturnBeforeSale', transactionId: 'T-1' })
      })

      it('a retry with a lower-case code or an extra field is the same close, not a conflicting replay', async () => {
        const w = await setup({ campaigns: [xmas] })
        await singleUsePool(w.store, ['XMAS26-AAAA'])
        const basket = basketOf('T-1', [line('1', 'A', 1, 1000)], { codes: ['XMAS26-AAAA'] })
        const first = ok(await w.checkout.close({ basket, tenders: [] }))
        expect(first.discountTotal).toBe(500)
        const retried = ok(
          await w.checkout.close({
            basket: { ...basket, codes: [' xmas26-aaaa'], note: 'sent again' } as unknown as Basket,
            tenders: [],
          }),
        )
        expect(retried).toEqual(first)
      })

      it('a code is judged valid at the basket’s time, not the clock’s: a sale rung up before expiry closes after it', async () => {
        const w = await setup({ campaigns: [xmas] })
        ok(
          await w.store.putPool({
            id: 'XMAS26',
            kind: { type: 'singleUse' },
            campaignId: 'xmas',
            validUntilMs: Date.parse(AT) + HOUR,
          }),
        )
        ok(await w.store.addCodes('XMAS26', ['XMAS26-BBBB']))
        w.clock.advance(2 * HOUR)
        const receipt = ok(
          await w.checkout.close({
            basket: basketOf('T-1', [line('1', 'A', 1, 1000)], { codes: ['XMAS26-BBBB'] }),
            tenders: [],
          }),
        )
        expect(receipt.discountTotal).toBe(500)
      })

      it('a budget cut is priced before points, the same through price(), close() and the engine (19, not 17)', async () => {
        const w = await setup({ campaigns: BUDGET_AGREEMENT.campaigns })
        ok(
          await w.checkout.close({
            basket: basketOf('T-0', BUDGET_AGREEMENT.spendingLines as unknown as BasketLine[]),
            tenders: [],
          }),
        )
        expect(await w.usage('ten-off-budget')).toMatchObject({ discountSpent: 200 })
        const basket = budgetAgreementBasket('T-1', CARD, AT)
        const priced = ok(await w.checkout.price({ basket }))
        const closed = ok(await w.checkout.close({ basket, tenders: [] }))
        const engine = evaluate(
          compile(BUDGET_AGREEMENT.campaigns, { storeTimeZone: 'Europe/Paris' }),
          basket,
          { card: CARD },
          BUDGET_AGREEMENT.program,
          BUDGET_AGREEMENT.usage,
        )
        expect([priced.evaluation.points.earned, closed.points.earned, engine.points.earned]).toEqual([
          BUDGET_AGREEMENT.points,
          BUDGET_AGREEMENT.points,
          BUDGET_AGREEMENT.points,
        ])
        expect([priced.evaluation.discountTotal, closed.discountTotal, engine.discountTotal]).toEqual([
          BUDGET_AGREEMENT.discount,
          BUDGET_AGREEMENT.discount,
          BUDGET_AGREEMENT.discount,
        ])
      })
    })
  })
}
