import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openSqliteStore } from './store.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const T0 = Date.parse('2026-11-26T10:00:00Z')

describe('openSqliteStore', () => {
  it('refuses a file in a directory that does not exist', () => {
    expect(() => openSqliteStore({ file: join(dir, 'missing', 'x.db') })).toThrow(/directory does not exist/)
  })

  it('keeps postings across close and reopen', async () => {
    const file = join(dir, 'reopen.db')
    const first = openSqliteStore({ file })
    await first.openAccount({ accountId: 'a', programId: 'club', at: T0 })
    await first.post({ kind: 'earn', key: 'e1', at: T0, account: { accountId: 'a' }, points: 40 })
    await first.close()
    const again = openSqliteStore({ file })
    expect(await again.balance('a', T0)).toMatchObject({ right: { available: 40 } })
    // The same key after reopening is a replay, not a second earn.
    await again.post({ kind: 'earn', key: 'e1', at: T0, account: { accountId: 'a' }, points: 40 })
    expect(await again.balance('a', T0)).toMatchObject({ right: { available: 40 } })
    await again.close()
  })

  it('two store objects on one file (as two tills would) book concurrent postings once each', async () => {
    const file = join(dir, 'two.db')
    const one = openSqliteStore({ file })
    const two = openSqliteStore({ file })
    await one.openAccount({ accountId: 'a', programId: 'club', at: T0 })
    const posts = Array.from({ length: 40 }, (_, i) =>
      (i % 2 === 0 ? one : two).post({
        kind: 'earn',
        key: `k${i % 20}`,
        at: T0,
        account: { accountId: 'a' },
        points: 5,
      }),
    )
    const results = await Promise.all(posts)
    expect(results.every((r) => r._tag === 'Right')).toBe(true)
    // 20 distinct keys of 5 points, each sent twice: 100 points, not 200.
    expect(await two.balance('a', T0)).toMatchObject({ right: { available: 100 } })
    expect(await one.check()).toMatchObject({ right: { problems: [] } })
    await one.close()
    await two.close()
  })

  it('refuses to be used after close()', async () => {
    const store = openSqliteStore({ file: join(dir, 'closed.db') })
    await store.close()
    await expect(store.balance('a', T0)).rejects.toThrow('used after close()')
  })
})
