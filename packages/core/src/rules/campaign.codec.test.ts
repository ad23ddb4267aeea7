import Ajv2020 from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { schemaOf } from '../documents.js'
import { decodeCampaign, decodeCampaigns, decodeProgram } from './campaign.codec.js'

const designCampaign = {
  id: 'jar-2-half',
  name: 'Second jar half price',
  status: 'active',
  validity: {
    from: '2026-11-01T00:00:00+01:00',
    until: '2026-12-01T00:00:00+01:00',
    timeZone: 'Europe/Paris',
    daysOfWeek: ['sat', 'sun'],
    hours: [{ from: '17:00', until: '19:00' }],
  },
  eligibility: { cardRequired: true, customer: { tier: { in: ['gold'] } } },
  code: { required: true, pool: 'XMAS26' },
  trigger: { quantity: { of: { brand: ['Nutella'] }, atLeast: 2 } },
  reward: {
    buyGet: {
      buy: { of: { brand: ['Nutella'] }, quantity: 1 },
      get: { of: { brand: ['Nutella'] }, quantity: 1, percent: 50 },
    },
  },
  stacking: { priority: 10, exclusive: false, group: 'jars' },
  limits: { perBasket: 1, perCustomer: { count: 3, period: 'month' }, budget: { discount: 500000 } },
  holdout: { share: 0.1 },
  labels: { receipt: 'Nutella 2nd jar -50%', nudge: 'Add one more jar: the second is half price' },
}

const designProgram = {
  id: 'club',
  earn: { points: 1, per: 100, basis: 'net', exclude: { category: ['tobacco', 'gift-cards'] } },
  pendingDays: 14,
  expiry: { afterMonths: 24 },
  tiers: [
    { id: 'silver', qualify: { spend: 50000, windowMonths: 12 }, multiplier: 1.5 },
    { id: 'gold', qualify: { spend: 150000, windowMonths: 12 }, multiplier: 2 },
  ],
  rewards: [{ id: 'voucher-5', cost: 500, grants: { amountOff: { of: 'basket', amount: 500 } } }],
  referral: { referrerPoints: 500, refereePoints: 200, qualifyingSpend: 2000 },
}

const problems = (r: ReturnType<typeof decodeCampaigns>) => (r._tag === 'Left' ? r.left.problems : [])

describe('campaign codec', () => {
  it('decodes the DESIGN example campaign and program unchanged', () => {
    expect(decodeCampaign(designCampaign)).toEqual({ _tag: 'Right', right: designCampaign })
    expect(decodeProgram(designProgram)).toEqual({ _tag: 'Right', right: designProgram })
  })

  it('refuses an unknown field with its path and a suggestion (`rewrd`)', () => {
    const { reward, ...rest } = designCampaign
    expect(problems(decodeCampaigns([{ ...rest, rewrd: reward }]))).toEqual([
      expect.objectContaining({ path: '0.rewrd', reason: expect.stringContaining('did you mean "reward"?') }),
      { path: '0.reward', reason: 'is required (Reward)' },
    ])
  })

  it('gives ONE clear error for an unknown reward, not a wall of union branches', () => {
    const r = decodeCampaigns([{ id: 'a', status: 'active', reward: { percentof: { of: '*', percent: 10 } } }])
    expect(problems(r)).toEqual([
      {
        path: '0.reward',
        reason: expect.stringMatching(/^unknown reward "percentof" \(did you mean "percentOff"\?\)/),
      },
    ])
  })

  it('names the path of nested mistakes: float amount, 3-decimal percent, wrong types', () => {
    const r = decodeCampaigns([
      {
        id: 'a',
        status: 'active',
        trigger: { all: [{ spend: { atLeast: 19.99 } }, { quantity: { of: { sku: 'x' }, atLeast: '2' } }] },
        reward: { percentOff: { of: { categroy: ['a'] }, percent: 12.345 } },
      },
    ])
    // Required fields (the reward) are checked before optional ones (the trigger).
    expect(problems(r).map((p) => p.path)).toEqual([
      '0.reward.percentOff.of',
      '0.reward.percentOff.percent',
      '0.trigger.all.0.spend.atLeast',
      '0.trigger.all.1.quantity.of.sku',
      '0.trigger.all.1.quantity.atLeast',
    ])
    expect(problems(r)[0]?.reason).toContain('did you mean "category"?')
    expect(problems(r)[1]?.reason).toContain('at most 2 decimals')
    expect(problems(r)[2]?.reason).toContain('not a decimal')
    expect(problems(r)[3]?.reason).toBe('must be ReadonlyArray<NonEmptyString>, got "x"')
  })

  it('refuses a union object with two keys, a non-array list, and a wrong status', () => {
    const r = decodeCampaigns([{ id: 'a', status: 'live', reward: { percentOff: {}, amountOff: {} } }])
    expect(problems(r)).toEqual([
      { path: '0.status', reason: expect.stringContaining('must be one of "draft", "active", "paused", "ended"') },
      { path: '0.reward', reason: expect.stringContaining('exactly one key') },
    ])
    expect(problems(decodeCampaigns({ id: 'a' }))).toEqual([{ path: '', reason: 'must be a JSON array of campaigns' }])
  })

  it('refuses duplicate ids, an inverted window, an unknown zone and bad hours', () => {
    const base = { status: 'active', reward: { amountOff: { of: 'basket', amount: 1 } } }
    expect(
      problems(
        decodeCampaigns([
          { id: 'a', ...base },
          { id: 'a', ...base },
        ]),
      ),
    ).toEqual([{ path: '1.id', reason: 'duplicate campaign id "a" (also at 0)' }])
    const r = decodeCampaigns([
      {
        id: 'a',
        ...base,
        validity: {
          from: '2026-12-01T00:00:00Z',
          until: '2026-11-01T00:00:00Z',
          timeZone: 'Europe/Pariss',
          hours: [{ from: '7:00', until: '19:00' }],
        },
      },
    ])
    expect(problems(r).map((p) => p.path)).toEqual(['0.validity.timeZone', '0.validity.hours.0.from'])
    const inverted = decodeCampaigns([
      { id: 'a', ...base, validity: { from: '2026-12-01T00:00:00Z', until: '2026-11-01T00:00:00Z' } },
    ])
    expect(problems(inverted)).toEqual([
      { path: '0.validity.until', reason: 'must be after "from" (2026-12-01T00:00:00Z)' },
    ])
  })

  it('points need exactly one kind, and campaign multipliers are ≥ 1', () => {
    const r = decodeCampaigns([
      { id: 'a', status: 'active', reward: { points: { fixed: 10, multiplier: 2 } } },
      { id: 'b', status: 'active', reward: { points: { multiplier: 0.5 } } },
    ])
    expect(problems(r)).toEqual([
      { path: '0.reward.points', reason: expect.stringContaining('exactly one of') },
      { path: '1.reward.points.multiplier', reason: 'a campaign multiplier must be ≥ 1' },
    ])
  })

  it('the program codec is strict too', () => {
    const r = decodeProgram({ id: 'club', earn: { points: 1, per: 100, bassis: 'net' }, tiers: [{ id: 'g' }] })
    expect(r._tag === 'Left' ? r.left.problems.map((p) => p.path) : []).toEqual([
      'earn.bassis',
      'tiers.0.qualify',
      'tiers.0.multiplier',
    ])
  })

  it('a tier qualifies by spend or points; a referral may cap rewards per month', () => {
    const tier = (qualify: unknown) => ({ id: 'club', tiers: [{ id: 'gold', qualify, multiplier: 2 }] })
    expect(decodeProgram(tier({ points: 3000, windowMonths: 12 }))._tag).toBe('Right')
    expect(decodeProgram(tier({ spend: 150000, points: 3000, windowMonths: 12 }))._tag).toBe('Right')
    const neither = decodeProgram(tier({ windowMonths: 12 }))
    expect(neither._tag === 'Left' && neither.left.problems).toEqual([
      { path: 'tiers.0.qualify.spend', reason: 'a tier qualifies by "spend" or "points" (or both)' },
    ])
    const referral = { referrerPoints: 500, refereePoints: 200, qualifyingSpend: 2000, monthlyCap: 3 }
    expect(decodeProgram({ id: 'club', referral })._tag).toBe('Right')
    expect(decodeProgram({ id: 'club', referral: { ...referral, monthlyCap: 0 } })._tag).toBe('Left')
  })

  it('prints JSON Schemas that accept the DESIGN examples and refuse a typo', () => {
    const ajv = new Ajv2020({ strict: false })
    const campaign = ajv.compile(schemaOf('campaign') as object)
    const program = ajv.compile(schemaOf('program') as object)
    expect(campaign(designCampaign)).toBe(true)
    expect(program(designProgram)).toBe(true)
    expect(campaign({ ...designCampaign, rewrd: 1 })).toBe(false)
    expect(campaign({ ...designCampaign, reward: { percentof: { of: '*', percent: 1 } } })).toBe(false)
  })
})

describe('stacking', () => {
  it('refuses an exclusive campaign with a stacking group, naming the field', () => {
    const r = decodeCampaign({
      id: 'x',
      status: 'active',
      reward: { amountOff: { of: 'basket', amount: 100 } },
      stacking: { exclusive: true, group: 'jars' },
    })
    expect(r._tag).toBe('Left')
    if (r._tag === 'Left') {
      expect(r.left.problems).toEqual([
        expect.objectContaining({ path: 'stacking.group', reason: expect.stringContaining('exclusive') }),
      ])
    }
  })

  it('accepts a group without exclusive, and exclusive: false with a group', () => {
    const base = { id: 'x', status: 'active', reward: { amountOff: { of: 'basket', amount: 100 } } }
    expect(decodeCampaign({ ...base, stacking: { group: 'jars' } })._tag).toBe('Right')
    expect(decodeCampaign({ ...base, stacking: { exclusive: false, group: 'jars' } })._tag).toBe('Right')
  })
})
