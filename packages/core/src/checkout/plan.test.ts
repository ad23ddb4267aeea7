import { isLeft, isRight } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { Basket, BasketLine, Sku } from '../basket/basket.codec.js'
import { signCoupon, verifyCoupon } from '../coupons/signature.js'
import { minor, points } from '../money/Money.js'
import type { Campaign } from '../rules/campaign.codec.js'
import type { Evaluation } from '../rules/evaluation.codec.js'
import type { CloseRecord, ReturnRecord, SnapshotLine } from './model.js'
import { type CloseInput, DEFAULT_COUPON_POLICY, planClose, planReturn, receiptOf } from './plan.js'

const AT = '2026-11-26T10:15:00+01:00'
const keyring = { K1: new Uint8Array(32).fill(3) }

const saleWith = (lines: readonly SnapshotLine[], earnKey = 'T-1/earn'): CloseRecord => ({
  transactionId: 'T-1',
  request: '{}',
  card: 'C1',
  snapshot: { lines, discounts: [], pointsEarned: lines.reduce((s, l) => s + l.points, 0) },
  bookings: { codes: [], campaigns: [], customers: [], coupons: [], issuedCodes: [], earnKey, earnAccountId: 'acc-1' },
  receipt: {} as CloseRecord['receipt'],
})

const sold = (
  lineId: string,
  quantity: number,
  amount: number,
  discount: number,
  pts: number,
  unit: SnapshotLine['unit'] = 'each',
): SnapshotLine => ({
  lineId,
  sku: `SKU-${lineId}`,
  quantity,
  unit,
  amount,
  discount,
  net: amount - discount,
  points: pts,
})

const asRecord = (returnId: string, receipt: ReturnRecord['receipt']): ReturnRecord => ({
  returnId,
  transactionId: 'T-1',
  request: '{}',
  receipt,
})

describe('planReturn', () => {
  const sale = saleWith([sold('1', 3, 1000, 100, 10), sold('2', 1, 500, 0, 5)])

  it('refunds each unit its own net share: amount and discount split over units with allocate', () => {
    const plan = planReturn(sale, [], {
      returnId: 'R-1',
      transactionId: 'T-1',
      at: AT,
      lines: [{ lineId: '1', quantity: 1 }],
    })
    if (isLeft(plan)) throw new Error(plan.left.message)
    // amount 1000 over 3 units → 334, 333, 333; discount 100 → 34, 33, 33; points 10 → 4, 3, 3
    expect(plan.right.receipt.lines).toEqual([
      { lineId: '1', quantity: 1, fromUnit: 0, units: 1, amount: 334, discount: 34, refund: 300, points: 4 },
    ])
    expect(plan.right.receipt.full).toBe(false)
    expect(plan.right.reverse).toEqual({
      kind: 'reverse',
      key: 'T-1/return/R-1',
      at: Date.parse(AT),
      account: { accountId: 'acc-1' },
      ofKey: 'T-1/earn',
      points: 4,
      reason: 'return R-1 of T-1',
    })
  })

  it('takes the next units after earlier returns, so the parts sum exactly to the whole', () => {
    const first = planReturn(sale, [], {
      returnId: 'R-1',
      transactionId: 'T-1',
      at: AT,
      lines: [{ lineId: '1', quantity: 1 }],
    })
    if (isLeft(first)) throw new Error('first')
    const second = planReturn(sale, [asRecord('R-1', first.right.receipt)], {
      returnId: 'R-2',
      transactionId: 'T-1',
      at: AT,
      lines: [
        { lineId: '1', quantity: 2 },
        { lineId: '2', quantity: 1 },
      ],
    })
    if (isLeft(second)) throw new Error('second')
    expect(second.right.receipt.lines[0]).toMatchObject({
      fromUnit: 1,
      units: 2,
      amount: 666,
      discount: 66,
      refund: 600,
      points: 6,
    })
    expect(first.right.receipt.refund + second.right.receipt.refund).toBe(900 + 500)
    expect(first.right.receipt.pointsClawedBack + second.right.receipt.pointsClawedBack).toBe(15)
    expect(second.right.receipt.full).toBe(true)
  })

  it('refuses more units than bought, counting earlier returns and repeated lines of the same request', () => {
    const over = planReturn(sale, [], {
      returnId: 'R-1',
      transactionId: 'T-1',
      at: AT,
      lines: [
        { lineId: '1', quantity: 2 },
        { lineId: '1', quantity: 2 },
      ],
    })
    expect(over).toEqual({
      _tag: 'Left',
      left: expect.objectContaining({
        _tag: 'ReturnExceedsPurchase',
        lineId: '1',
        bought: 3,
        alreadyReturned: 2,
        requested: 2,
      }),
    })
  })

  it('refuses a fraction of a unit on an each line, naming the field', () => {
    const r = planReturn(sale, [], {
      returnId: 'R-1',
      transactionId: 'T-1',
      at: AT,
      lines: [{ lineId: '1', quantity: 1.5 }],
    })
    expect(r).toEqual({
      _tag: 'Left',
      left: expect.objectContaining({
        _tag: 'DecodeError',
        problems: [expect.objectContaining({ path: 'lines.0.quantity' })],
      }),
    })
  })

  it('returns a weighed line whole, once', () => {
    const weighed = saleWith([sold('1', 0.532, 691, 69, 6, 'kg')])
    const part = planReturn(weighed, [], {
      returnId: 'R-1',
      transactionId: 'T-1',
      at: AT,
      lines: [{ lineId: '1', quantity: 0.5 }],
    })
    expect(isLeft(part) && part.left._tag).toBe('MeasuredLineReturnedWhole')
    const whole = planReturn(weighed, [], {
      returnId: 'R-2',
      transactionId: 'T-1',
      at: AT,
      lines: [{ lineId: '1', quantity: 0.532 }],
    })
    if (isLeft(whole)) throw new Error('whole')
    expect(whole.right.receipt).toMatchObject({ refund: 622, pointsClawedBack: 6, full: true })
    const twice = planReturn(weighed, [asRecord('R-2', whole.right.receipt)], {
      returnId: 'R-3',
      transactionId: 'T-1',
      at: AT,
      lines: [{ lineId: '1', quantity: 0.532 }],
    })
    expect(isLeft(twice) && twice.left._tag).toBe('ReturnExceedsPurchase')
  })

  it('posts no reverse when the sale earned no points', () => {
    const plan = planReturn(saleWith([sold('1', 1, 100, 0, 0)]), [], {
      returnId: 'R-1',
      transactionId: 'T-1',
      at: AT,
      lines: [{ lineId: '1', quantity: 1 }],
    })
    expect(isRight(plan) && plan.right.reverse).toBeUndefined()
  })
})

// ── planClose ────────────────────────────────────────────────────────────────────────────────────

const line = (id: string, amount: number): BasketLine => ({
  id,
  sku: `S${id}` as Sku,
  quantity: 1,
  unitPrice: minor(amount),
  amount: minor(amount),
  categories: [],
})

const basket = (extra: Partial<Basket> = {}): Basket => ({
  id: 'T-1',
  storeId: 'S',
  terminalId: '1',
  channel: 'store',
  currency: 'EUR' as Basket['currency'],
  pricesIncludeTax: true,
  at: AT as Basket['at'],
  card: 'C1',
  lines: [line('1', 600), line('2', 400)],
  ...extra,
})

const priced = (extra: Partial<Evaluation> = {}): Evaluation => ({
  basketId: 'T-1',
  subtotal: minor(1000),
  discountTotal: minor(100),
  total: minor(900),
  lines: [
    { id: '1', amount: minor(600), discount: minor(60), net: minor(540) },
    { id: '2', amount: minor(400), discount: minor(40), net: minor(360) },
  ],
  discounts: [
    {
      campaignId: 'xmas',
      label: 'Xmas',
      amount: minor(100),
      allocations: [
        { lineId: '1', amount: minor(60) },
        { lineId: '2', amount: minor(40) },
      ],
    },
  ],
  points: { earned: points(9), breakdown: [{ source: 'club', points: points(9) }] },
  gifts: [],
  coupons: [],
  nudges: [],
  explanations: [],
  holdouts: [],
  ...extra,
})

const campaigns = new Map<string, Campaign>([
  ['xmas', { id: 'xmas', status: 'active', code: { pool: 'XMAS' }, reward: { percentOff: { of: '*', percent: 10 } } }],
  [
    'promo',
    { id: 'promo', status: 'active', code: { pool: 'PROMO' }, reward: { percentOff: { of: '*', percent: 5 } } },
  ],
])

const input = (extra: Partial<CloseInput> = {}): CloseInput => ({
  request: { basket: basket(), tenders: [{ type: 'cash', amount: 900 }] },
  requestJson: '{"x":1}',
  evaluation: priced(),
  notes: [],
  codes: [
    { code: 'XMAS-1', pool: 'XMAS' },
    { code: 'PROMO-1', pool: 'PROMO' },
  ],
  codeRows: ['XMAS-1', 'PROMO-1'].map((code) => ({
    code,
    pool: code.split('-')[0] as string,
    kind: { type: 'singleUse' } as const,
    redemptions: [],
    reservations: [{ sessionId: 'T-1', expiresAtMs: 0 }],
  })),
  usage: { campaigns: [{ campaignId: 'xmas', redemptions: 4, discountSpent: 1000, pointsSpent: 0 }], customers: [] },
  couponUsage: [],
  customer: 'card:C1',
  campaigns,
  program: { id: 'club', pendingDays: 14, expiry: { afterMonths: 24 } },
  storeTimeZone: 'Europe/Paris',
  couponPolicy: DEFAULT_COUPON_POLICY,
  sign: (c) => signCoupon(c, keyring, 'K1'),
  ...extra,
})

describe('planClose', () => {
  it('books usage on top of the locked rows and redeems only the codes whose campaign applied', () => {
    const plan = planClose(input())
    if (isLeft(plan)) throw new Error(plan.left.message)
    expect(plan.right.campaignUsage).toEqual([
      { campaignId: 'xmas', redemptions: 5, discountSpent: 1100, pointsSpent: 0 },
    ])
    expect(plan.right.record.bookings.campaigns).toEqual([
      { campaignId: 'xmas', redemptions: 1, discountSpent: 100, pointsSpent: 0 },
    ])
    expect(plan.right.codes.map((c) => [c.code, c.redemptions.length, c.reservations.length])).toEqual([
      ['XMAS-1', 1, 0],
      ['PROMO-1', 0, 0],
    ])
    expect(plan.right.record.receipt.notes.map((n) => n.reason.code)).toEqual(['CODE_NOT_USED'])
  })

  it('puts each discount with its per-line allocations on the receipt (adapters write them per line)', () => {
    const plan = planClose(input())
    if (isLeft(plan)) throw new Error(plan.left.message)
    expect(plan.right.record.receipt.discounts).toEqual([
      {
        campaignId: 'xmas',
        label: 'Xmas',
        amount: 100,
        allocations: [
          { lineId: '1', amount: 60 },
          { lineId: '2', amount: 40 },
        ],
      },
    ])
  })

  it('earns pending points for pendingDays, expiring after the program months, split per line', () => {
    const plan = planClose(input())
    if (isLeft(plan)) throw new Error(plan.left.message)
    const atMs = Date.parse(AT)
    expect(plan.right.earn).toEqual({
      kind: 'earn',
      key: 'T-1/earn',
      at: atMs,
      account: { card: 'C1' },
      points: 9,
      reason: 'checkout T-1',
      availableFrom: atMs + 14 * 86_400_000,
      expiresAt: Date.parse('2028-11-26T09:15:00Z'),
    })
    // 9 points over nets 540:360 → 5.4 + 3.6 → 5 + 4 (largest remainder)
    expect(plan.right.record.snapshot.lines.map((l) => l.points)).toEqual([5, 4])
    expect(plan.right.record.receipt.points).toEqual({
      earned: 9,
      pendingUntil: new Date(atMs + 14 * 86_400_000).toISOString(),
    })
  })

  it('earns nothing on an anonymous basket', () => {
    const plan = planClose(
      input({ request: { basket: basket({ card: undefined }), tenders: [] }, customer: undefined }),
    )
    expect(isRight(plan) && plan.right.earn).toBeUndefined()
    expect(isRight(plan) && plan.right.record.snapshot.lines.map((l) => l.points)).toEqual([0, 0])
  })

  it('issues a signed personal coupon per template, and refuses past the cap', () => {
    const coupons = [
      {
        campaignId: 'x',
        template: 'next',
        label: 'Next visit',
        validUntil: '2026-12-26T10:15:00+01:00' as Evaluation['coupons'][number]['validUntil'],
      },
      {
        campaignId: 'y',
        template: 'next',
        label: 'Same template',
        validUntil: '2026-12-26T10:15:00+01:00' as Evaluation['coupons'][number]['validUntil'],
      },
    ]
    const plan = planClose(input({ evaluation: priced({ coupons }) }))
    if (isLeft(plan)) throw new Error(plan.left.message)
    const issued = plan.right.record.receipt.coupons
    expect(issued).toHaveLength(1)
    const claims = verifyCoupon(issued[0]?.code as string, keyring, Date.parse(AT), 'C1')
    expect(claims).toEqual({
      _tag: 'Right',
      right: expect.objectContaining({ pool: 'next', serial: 'T-1/1', card: 'C1' }),
    })
    expect(plan.right.couponUsage).toEqual([{ template: 'next', customer: 'card:C1', bucket: '2026-11-26', count: 1 }])
    const capped = planClose(
      input({
        evaluation: priced({ coupons }),
        couponUsage: [{ template: 'next', customer: 'card:C1', bucket: '2026-11-26', count: 1 }],
      }),
    )
    expect(isRight(capped) && capped.right.record.receipt.coupons).toEqual([])
  })

  it('fails with CouponIssueFailed when the signing key is missing, so nothing is booked', () => {
    const coupons = [
      {
        campaignId: 'x',
        template: 'next',
        label: 'N',
        validUntil: '2026-12-26T10:15:00+01:00' as Evaluation['coupons'][number]['validUntil'],
      },
    ]
    const plan = planClose(input({ evaluation: priced({ coupons }), sign: (c) => signCoupon(c, keyring, 'NOPE') }))
    expect(isLeft(plan) && plan.left._tag).toBe('CouponIssueFailed')
  })

  it('receiptOf puts the balance after the earn on the receipt', () => {
    const plan = planClose(input())
    if (isLeft(plan)) throw new Error(plan.left.message)
    const balance = { accountId: 'acc-1', asOf: 0, available: 3, pending: 9, reserved: 0 }
    expect(
      receiptOf(plan.right, { key: 'k', kind: 'earn', accountId: 'acc-1', entries: [], balance }).points.balance,
    ).toEqual(balance)
    expect(receiptOf(plan.right)).toBe(plan.right.record.receipt)
  })
})
