import { describe, expect, it } from 'vitest'
import { memoryLoyaltyStore } from './memoryStore.js'

const T0 = Date.parse('2026-11-26T10:00:00Z')

describe('memoryLoyaltyStore', () => {
  it('hands out frozen values, so stored state cannot be changed through them', async () => {
    const store = memoryLoyaltyStore()
    await store.openAccount({ accountId: 'a1', programId: 'club', at: T0 })
    await store.post({ kind: 'earn', key: 'e1', at: T0, account: { accountId: 'a1' }, points: 10 })
    const lots = await store.lots('a1')
    if (lots._tag === 'Left') throw new Error(lots.left.message)
    const lot = lots.right[0] as { remaining: number }
    expect(() => {
      lot.remaining = 0
    }).toThrow(TypeError)
    expect(await store.balance('a1', T0)).toMatchObject({ right: { available: 10 } })
  })

  it('keeps its own copy of what it is given, without freezing the caller’s object', async () => {
    const store = memoryLoyaltyStore()
    const member = { memberId: 'm1', programId: 'club', joinedAt: T0, profile: { name: 'Ada' } }
    await store.saveMember(member)
    member.profile.name = 'Eve'
    expect(Object.isFrozen(member)).toBe(false)
    expect(await store.member('m1')).toMatchObject({ right: { profile: { name: 'Ada' } } })
  })

  it('refuses to be used after close()', async () => {
    const store = memoryLoyaltyStore()
    await store.close()
    await expect(store.balance('a1', T0)).rejects.toThrow('after close()')
  })
})
