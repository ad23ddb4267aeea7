import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CheckoutError, emptyBasket, ledgerFailed } from '@tessera/core'
import { isLeft, left, right } from 'fp-ts/lib/Either.js'
import { afterAll, describe, expect, it } from 'vitest'
import { openSqliteStores, type SqliteStores } from './store.js'

/** Both stores of one file as one object, as these tests use them. */
type SqliteCheckoutStore = SqliteStores['checkout'] & Pick<SqliteStores, 'loyalty' | 'close'>
const openSqliteCheckoutStore = (options: { file: string }): SqliteCheckoutStore => {
  const stores = openSqliteStores(options)
  return { ...stores.checkout, loyalty: stores.loyalty, close: stores.close }
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-checkout-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const opened: SqliteCheckoutStore[] = []
const fileOf = () => join(dir, `store-${++n}.db`)
const open = (file = fileOf()) => {
  const store = openSqliteCheckoutStore({ file })
  opened.push(store)
  return store
}
afterAll(async () => {
  for (const s of opened) await s.close()
})

const AT = Date.parse('2026-11-26T10:00:00Z')
const withAccount = async (store: SqliteCheckoutStore) => {
  await store.loyalty.openAccount({ accountId: 'acc-1', programId: 'club', at: AT })
  await store.loyalty.issueCard({ number: '2900001234566', accountId: 'acc-1', at: AT })
}
const earn = (key: string, points: number) => ({
  kind: 'earn' as const,
  key,
  at: AT,
  account: { card: '2900001234566' },
  points,
})
const available = async (store: SqliteCheckoutStore) => {
  const b = await store.loyalty.balance('acc-1', AT + 1)
  if (isLeft(b)) throw new Error(b.left.message)
  return b.right.available
}

describe('openSqliteCheckoutStore', () => {
  it('a file in a directory that does not exist is an error at open', () => {
    expect(() => openSqliteCheckoutStore({ file: join(dir, 'missing', 'till.db') })).toThrow(/directory does not exist/)
  })

  it('refuses a pool with an empty id, a multi-use kind without a limit and an empty window, naming each field', async () => {
    const store = open()
    const bad = await store.putPool({
      id: '',
      kind: { type: 'multiUse' },
      validFromMs: 10,
      validUntilMs: 10,
    } as never)
    expect(bad).toMatchObject({ _tag: 'Left', left: { _tag: 'DecodeError' } })
    if (!isLeft(bad) || bad.left._tag !== 'DecodeError') throw new Error('expected a DecodeError')
    expect(bad.left.problems.map((p) => p.path)).toEqual(['id', 'kind.perCustomerLimit'])
    const window = await store.putPool({ id: 'P', kind: { type: 'singleUse' }, validFromMs: 10, validUntilMs: 10 })
    if (!isLeft(window) || window.left._tag !== 'DecodeError') throw new Error('expected a DecodeError')
    expect(window.left.problems).toEqual([{ path: 'validUntilMs', reason: 'must be after validFromMs' }])
    expect(await store.pools()).toEqual([])
  })

  it('refuses a batch with an empty or non-string code, naming its index, and adds none of it', async () => {
    const store = open()
    await store.putPool({ id: 'P', kind: { type: 'singleUse' } })
    const bad = await store.addCodes('P', ['A-1', '', 7 as unknown as string])
    if (!isLeft(bad) || bad.left._tag !== 'DecodeError') throw new Error('expected a DecodeError')
    expect(bad.left.problems.map((p) => p.path)).toEqual(['1', '2'])
    expect(await store.code('A-1')).toBeUndefined()
    expect(await store.addCodes('NOPE', ['A-1'])).toMatchObject({ _tag: 'Left', left: { _tag: 'UnknownPool' } })
  })

  it('adds codes streamed in batches once each, copying the pool kind and window onto each code', async () => {
    const store = open()
    await store.putPool({ id: 'P', kind: { type: 'multiUse', perCustomerLimit: 2 }, validUntilMs: AT })
    const codes = Array.from({ length: 30_000 }, (_, i) => `P-${String(i).padStart(6, '0')}`)
    let added = 0
    // three batches of 10,000, then one that overlaps the last 5,000 and adds 5,000 new
    for (let from = 0; from < 30_000; from += 10_000) {
      const r = await store.addCodes('P', codes.slice(from, from + 10_000))
      if (isLeft(r)) throw new Error(r.left.message)
      added += r.right.added
    }
    const more = Array.from({ length: 5_000 }, (_, i) => `P-${String(30_000 + i).padStart(6, '0')}`)
    expect(await store.addCodes('P', [...codes.slice(25_000), ...more, ...more])).toEqual(right({ added: 5_000 }))
    expect(added).toBe(30_000)
    expect(await store.code('P-029999')).toEqual({
      code: 'P-029999',
      pool: 'P',
      kind: { type: 'multiUse', perCustomerLimit: 2 },
      validUntilMs: AT,
      redemptions: [],
      reservations: [],
    })
  })

  it('posts points inside the checkout transaction: a Left after the posting rolls the points back too', async () => {
    const store = open()
    await withAccount(store)
    await store.putPool({ id: 'P', kind: { type: 'singleUse' } })
    await store.addCodes('P', ['P-1'])
    const refused = await store.transact(async (tx) => {
      const posted = await tx.post(earn('T-1/earn', 40))
      if (isLeft(posted)) return left(ledgerFailed(posted.left))
      const [code] = await tx.lockCodes(['P-1'])
      await tx.saveCodes([{ ...(code as NonNullable<typeof code>), redemptions: [{ sessionId: 'T-1' }] }])
      await tx.addCampaignUsage([{ campaignId: 'c', redemptions: 1, discountSpent: 100, pointsSpent: 0 }])
      return left<CheckoutError>(emptyBasket('T-1'))
    })
    expect(refused).toMatchObject({ _tag: 'Left', left: { _tag: 'EmptyBasket' } })
    expect(await available(store)).toBe(0)
    expect(await store.loyalty.entries('acc-1')).toEqual(right([]))
    expect((await store.code('P-1'))?.redemptions).toEqual([])
    expect((await store.usage(['c'], [])).campaigns).toEqual([
      { campaignId: 'c', redemptions: 0, discountSpent: 0, pointsSpent: 0 },
    ])
    // the same posting committed: the points are there, and the key is taken
    expect(await store.transact(async (tx) => tx.post(earn('T-1/earn', 40)).then((r) => right(isLeft(r))))).toEqual(
      right(false),
    )
    expect(await available(store)).toBe(40)
  })

  it('a throw inside transact rolls back and is rethrown; the connection stays usable', async () => {
    const store = open()
    await withAccount(store)
    await expect(
      store.transact(async (tx) => {
        await tx.post(earn('T-2/earn', 5))
        throw new Error('till crashed')
      }),
    ).rejects.toThrow('till crashed')
    expect(await available(store)).toBe(0)
    expect(await store.transact(async () => right('ok'))).toEqual(right('ok'))
  })

  it('loyalty calls made while a checkout transaction awaits wait for it, and see it only once committed', async () => {
    const store = open()
    await withAccount(store)
    let release: () => void = () => undefined
    const gate = new Promise<void>((r) => {
      release = r
    })
    const order: string[] = []
    const tx = store.transact(async (t) => {
      const r = await t.post(earn('T-3/earn', 7))
      await gate
      order.push('commit')
      return isLeft(r) ? left(ledgerFailed(r.left)) : right(r.right.balance?.available)
    })
    const read = store.loyalty.balance('acc-1', AT + 1).then((b) => {
      order.push('read')
      return b
    })
    const posted = store.loyalty.post(earn('other/earn', 3)).then((r) => {
      order.push('post')
      return r
    })
    await new Promise((r) => setTimeout(r, 20))
    expect(order).toEqual([])
    release()
    expect(await tx).toEqual(right(7))
    expect(await read).toMatchObject({ _tag: 'Right', right: { available: 7 } })
    expect(await posted).toMatchObject({ _tag: 'Right' })
    expect(order).toEqual(['commit', 'read', 'post'])
    expect(await available(store)).toBe(10)
  })

  it('keeps pools, codes, closes and returns across a reopen of the file', async () => {
    const file = fileOf()
    const first = openSqliteCheckoutStore({ file })
    await first.putPool({ id: 'P', kind: { type: 'singleUse' }, campaignId: 'xmas' })
    await first.addCodes('P', ['P-1'])
    await first.transact(async (tx) => {
      await tx.saveClose({
        transactionId: 'T-1',
        request: '{}',
        card: '2900001234566',
        snapshot: { lines: [], discounts: [], pointsEarned: 0 },
        bookings: { codes: [], campaigns: [], customers: [], coupons: [], issuedCodes: [] },
        receipt: { transactionId: 'T-1' } as never,
      })
      for (const id of ['R-2', 'R-1']) {
        await tx.saveReturn({ returnId: id, transactionId: 'T-1', request: id, receipt: { returnId: id } as never })
      }
      return right(undefined)
    })
    await first.close()
    const again = open(file)
    expect(await again.pools()).toEqual([{ id: 'P', kind: { type: 'singleUse' }, campaignId: 'xmas' }])
    expect((await again.code('P-1'))?.pool).toBe('P')
    expect((await again.findClose('T-1'))?.card).toBe('2900001234566')
    // in the order they were saved, not by id
    expect((await again.findReturns('T-1')).map((r) => r.returnId)).toEqual(['R-2', 'R-1'])
    await expect(async () => first.pools()).rejects.toThrow('used after close()')
  })
})
