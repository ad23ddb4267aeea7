import { describe, expect, it } from 'vitest'
import { campaign, give, sel, when, who } from './builder.js'

describe('campaign builder', () => {
  it('builds the same JSON as the DSL', () => {
    const built = campaign('jar-2-half')
      .name('Second jar half price')
      .validity({ from: '2026-11-01T00:00:00+01:00' as never, timeZone: 'Europe/Paris' })
      .days('sat', 'sun')
      .eligibility({ cardRequired: true })
      .customer(who.tier('gold'))
      .code('XMAS26')
      .trigger(when.quantity(sel.brand('Nutella'), 2))
      .reward(
        give.buyGet({ of: sel.brand('Nutella'), quantity: 1 }, { of: sel.brand('Nutella'), quantity: 1, percent: 50 }),
      )
      .stacking({ priority: 10, group: 'jars' })
      .limits({ perBasket: 1 })
      .holdout(0.1)
      .labels({ receipt: 'Nutella 2nd jar -50%' })
      .build()
    expect(built).toEqual({
      _tag: 'Right',
      right: {
        id: 'jar-2-half',
        status: 'active',
        name: 'Second jar half price',
        validity: { from: '2026-11-01T00:00:00+01:00', timeZone: 'Europe/Paris', daysOfWeek: ['sat', 'sun'] },
        eligibility: { cardRequired: true, customer: { tier: { in: ['gold'] } } },
        code: { required: true, pool: 'XMAS26' },
        trigger: { quantity: { of: { brand: ['Nutella'] }, atLeast: 2 } },
        reward: {
          buyGet: {
            buy: { of: { brand: ['Nutella'] }, quantity: 1 },
            get: { of: { brand: ['Nutella'] }, quantity: 1, percent: 50 },
          },
        },
        stacking: { priority: 10, group: 'jars' },
        limits: { perBasket: 1 },
        holdout: { share: 0.1 },
        labels: { receipt: 'Nutella 2nd jar -50%' },
      },
    })
  })

  it('is immutable: each step returns a new builder', () => {
    const base = campaign('a').reward(give.amountOff('basket', 100))
    const gold = base.customer(who.tier('gold'))
    expect(base.toJSON().eligibility).toBeUndefined()
    expect(gold.toJSON().eligibility).toEqual({ customer: { tier: { in: ['gold'] } } })
  })

  it('refuses through the codec what types cannot catch: a missing reward, a 3-decimal percent', () => {
    const noReward = campaign('a').build()
    expect(noReward._tag === 'Left' && noReward.left.problems).toEqual([
      { path: 'reward', reason: 'is required (Reward)' },
    ])
    const r = campaign('a').reward(give.percentOff(sel.every, 12.345)).build()
    expect(r._tag === 'Left' && r.left.problems[0]?.path).toBe('reward.percentOff.percent')
  })

  it('covers every condition and reward constructor', () => {
    const r = campaign('all')
      .trigger(
        when.all(
          when.any(
            when.spend(100, { of: sel.category('grocery'), basis: 'gross' }),
            when.measure(sel.every, 'kg', 1.5),
          ),
          when.not(when.contains(sel.tag('tobacco'))),
          when.distinct(sel.any(sel.sku('a'), sel.not(sel.sku('b'))), 2),
          when.code('X'),
          when.channel('store'),
          when.store('0042'),
        ),
      )
      .customer(
        who.all(
          who.any(who.segment('s'), who.lifecycle('happy')),
          who.not(who.attribute('pets', 'dog')),
          who.birthday(7),
          who.visits(2),
          who.firstPurchase(false),
          who.inactiveDays(30),
        ),
      )
      .reward(
        give.all(
          give.percentOff(sel.all(sel.brand('B'), sel.category('c')), 10, { maxUnits: 2, cap: 100 }),
          give.fixedPrice(sel.every, 3, 1000),
          give.bundle([{ of: sel.every, quantity: 1 }], 500),
          give.tieredPercentOff(sel.every, [{ atLeast: 1000, percent: 5 }]),
          give.freeItem('bag'),
          give.fixedPoints(10),
          give.pointsPerAmount(1, 100, sel.every),
          give.pointsMultiplier(2),
          give.issueCoupon('t', 30),
        ),
      )
      .build()
    expect(r._tag).toBe('Right')
  })
})
