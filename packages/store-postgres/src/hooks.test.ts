import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPostgresStores } from './checkout/store.js'
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from './testing.js'

/*
 * The transaction hooks: what `withCommit` and `beforeCommit` write commits with the booking, and
 * an error in them rolls the booking back. Skipped only when DATABASE_URL is unset outside CI.
 */
const run = testDatabaseUrl() !== undefined

describe.skipIf(!run)('PostgreSQL transaction hooks', () => {
  let db: TestDatabase
  let side: pg.Pool
  let mode: 'none' | 'withCommit' | 'withCommitFails' | 'beforeCommit' | 'beforeCommitFails' = 'none'
  let n = 0
  beforeAll(async () => {
    db = await createTestDatabase()
    side = new pg.Pool({ connectionString: db.url, max: 1 })
    await side.query('CREATE TABLE hook_marks (mark text PRIMARY KEY)')
  })
  afterAll(async () => {
    await side?.end()
    await db?.drop()
  })

  const open = () =>
    openPostgresStores({
      connectionString: db.url,
      maxConnections: 2,
      hooks: {
        active: () => mode !== 'none',
        withCommit: (client) => {
          if (mode === 'withCommit') return `INSERT INTO hook_marks VALUES (${client.escapeLiteral(`w${n}`)})`
          if (mode === 'withCommitFails') return 'INSERT INTO hook_marks VALUES (NULL)'
          return undefined
        },
        beforeCommit: async (client) => {
          if (mode === 'beforeCommit') await client.query('INSERT INTO hook_marks VALUES ($1)', [`b${n}`])
          if (mode === 'beforeCommitFails') throw new Error('refused by the hook')
        },
      },
    })
  const marks = async () => (await side.query('SELECT mark FROM hook_marks ORDER BY mark')).rows.map((r) => r.mark)
  const account = async (id: string) => {
    const r = await side.query('SELECT 1 FROM accounts WHERE account_id = $1', [id])
    return r.rowCount === 1
  }

  it('commits what the hooks write with the booking, and rolls the booking back when they fail', async () => {
    const stores = await open()
    try {
      mode = 'withCommit'
      n = 1
      expect((await stores.loyalty.openAccount({ accountId: 'a1', programId: 'club', at: 0 }))._tag).toBe('Right')
      mode = 'beforeCommit'
      n = 2
      expect((await stores.loyalty.openAccount({ accountId: 'a2', programId: 'club', at: 0 }))._tag).toBe('Right')
      expect(await marks()).toEqual(['b2', 'w1'])
      expect(await account('a1')).toBe(true)
      expect(await account('a2')).toBe(true)

      mode = 'withCommitFails'
      await expect(stores.loyalty.openAccount({ accountId: 'a3', programId: 'club', at: 0 })).rejects.toThrow()
      mode = 'beforeCommitFails'
      await expect(stores.loyalty.openAccount({ accountId: 'a4', programId: 'club', at: 0 })).rejects.toThrow(
        'refused by the hook',
      )
      expect(await account('a3')).toBe(false)
      expect(await account('a4')).toBe(false)
      expect(await marks()).toEqual(['b2', 'w1'])
    } finally {
      mode = 'none'
      await stores.close()
    }
  })
})
