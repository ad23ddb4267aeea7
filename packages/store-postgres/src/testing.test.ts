import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createTestDatabase, testDatabaseUrl } from './testing.js'

describe('testDatabaseUrl', () => {
  it('returns DATABASE_URL when set', () => {
    expect(testDatabaseUrl({ DATABASE_URL: 'postgres://x/y' })).toBe('postgres://x/y')
  })
  it('lets tests skip outside CI when DATABASE_URL is unset', () => {
    expect(testDatabaseUrl({})).toBeUndefined()
  })
  it('refuses to skip under CI', () => {
    expect(() => testDatabaseUrl({ CI: 'true' })).toThrow('DATABASE_URL must be set under CI')
  })
})

describe.skipIf(testDatabaseUrl() === undefined)('createTestDatabase', () => {
  it('creates a database of its own that drop() removes', async () => {
    const db = await createTestDatabase()
    expect(db.name).toMatch(/^tessera_test_[0-9a-f]{16}$/)
    expect(new URL(db.url).pathname).toBe(`/${db.name}`)
    const c = new pg.Client({ connectionString: db.url })
    c.on('error', () => undefined) // the forced drop terminates this connection
    await c.connect()
    expect((await c.query('SELECT current_database() AS d')).rows[0].d).toBe(db.name)
    // drop() works even with a connection still open.
    await db.drop()
    await c.end().catch(() => undefined)
    const admin = new pg.Client({ connectionString: testDatabaseUrl() })
    await admin.connect()
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name])
    await admin.end()
    expect(rowCount).toBe(0)
  })
})
