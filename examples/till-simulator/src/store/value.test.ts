import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CurrencyCode, IsoDateTime, LocalDate } from '@tessera/core'
import { afterAll, describe, expect, it } from 'vitest'
import { openDemoShop } from '../shop/shop.js'
import { generateMembers } from './members.js'
import { demoValueSnapshot, isValuableButSlipping } from './value.js'

const DAY = '2026-11-26' as LocalDate
const dir = mkdtempSync(join(tmpdir(), 'tessera-value-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the demo value snapshot', () => {
  const members = generateMembers({ asOf: DAY, count: 1200, seed: 'tessera-demo-members' })
  const snapshot = demoValueSnapshot(members, DAY, 'Europe/Paris')
  if (snapshot._tag === 'Left') throw new Error(snapshot.left.message)
  const value = snapshot.right

  it('fits the 12 months of history and tells the archetypes apart: lapsed members are probably gone', () => {
    expect(value.until).toBe('2026-11-25')
    const meanAlive = (archetype: string) => {
      const ps = members
        .filter((m) => m.archetype === archetype)
        .map((m) => value.byMember.get(m.memberId)?.pAlive ?? 1)
      return ps.reduce((s, p) => s + p, 0) / ps.length
    }
    expect(meanAlive('lapsed')).toBeLessThan(0.4)
    expect(meanAlive('happy')).toBeGreaterThan(0.9)
    expect(meanAlive('wavering')).toBeLessThan(meanAlive('satisfied'))
    for (const v of value.byMember.values()) expect(Number.isSafeInteger(v.clv)).toBe(true)
  })

  it('finds valuable members slipping away for the VIP win-back', () => {
    expect(value.ranks.filter(isValuableButSlipping).length).toBeGreaterThan(0)
  })
})

describe('the VIP win-back in the checkout', () => {
  it('identifies a valuable-but-slipping member with their value snapshot and issues the 10 € coupon', async () => {
    const opened = await openDemoShop({ file: join(dir, 'vip.sqlite'), day: DAY, members: 300 })
    if (opened._tag === 'Left') throw new Error(opened.left.message)
    const shop = opened.right
    try {
      const slipping = shop.value?.ranks.find(isValuableButSlipping)
      const member = slipping === undefined ? undefined : shop.byId.get(slipping.memberId)
      if (member === undefined) throw new Error('no valuable-but-slipping member')
      const at = `${DAY}T10:00:00+01:00`
      const customer = await shop.customerOf(member, at)
      expect(customer.value).toMatchObject({ pAlive: slipping?.pAlive, shareAbove: slipping?.shareAbove })
      // A sale through the checkout, as a till makes it: open, identify the card, scan, price.
      const product = shop.catalog.products.find((p) => p.unit === 'each' && p.discountable && p.unitPrice >= 500)
      if (product === undefined) throw new Error('no product')
      const opened = await shop.checkout.open({
        transactionId: 'T-vip',
        storeId: shop.storeId,
        terminalId: '01',
        currency: 'EUR' as CurrencyCode,
        at: at as IsoDateTime,
      })
      if (opened._tag === 'Left') throw new Error(opened.left.message)
      const session = opened.right
      expect(session.identify(member.card)._tag).toBe('Right')
      const lines = session.setLines([
        {
          id: '1',
          sku: product.sku,
          quantity: 1,
          unitPrice: product.unitPrice,
          amount: product.unitPrice,
          categories: [...product.categories],
        },
      ] as never)
      expect(lines._tag).toBe('Right')
      const priced = await session.priced()
      if (priced._tag === 'Left') throw new Error(priced.left.message)
      expect(priced.right.customer?.value?.pAlive).toBe(slipping?.pAlive)
      const evaluation = priced.right.evaluation
      const inControl = evaluation.holdouts.includes('winback-valuable')
      expect(
        evaluation.explanations.find((e) => e.campaignId === 'winback-valuable')?.applied === true || inControl,
      ).toBe(true)
      if (!inControl) expect(evaluation.coupons.map((c) => c.template)).toContain('vip-comeback-10')
      // …and not the ordinary win-back as well
      expect(evaluation.explanations.find((e) => e.campaignId === 'winback-wavering')?.applied ?? false).toBe(false)
    } finally {
      await shop.close()
    }
  }, 90_000)
})
