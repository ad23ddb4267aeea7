import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Migration, migrate } from './migrate.js'
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from './testing.js'

/** Dropping a scratch database waits for a checkpoint: slow on a busy server. */
const DROP_TIMEOUT_MS = 60_000

const server = testDatabaseUrl()

const steps: readonly Migration[] = [
  { version: 1, name: 'a', sql: 'CREATE TABLE a (id int PRIMARY KEY)' },
  { version: 2, name: 'b', sql: 'CREATE TABLE b (id int PRIMARY KEY); INSERT INTO b VALUES (1)' },
]

describe.skipIf(server === undefined)('migrate', () => {
  let db: TestDatabase
  const pools: pg.Pool[] = []
  const open = () => {
    const p = new pg.Pool({ connectionString: db.url, max: 2 })
    p.on('error', () => undefined)
    pools.push(p)
    return p
  }
  beforeAll(async () => {
    db = await createTestDatabase()
  })
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()))
    await db?.drop()
  }, DROP_TIMEOUT_MS)

  it('applies each version once, even when four processes migrate at the same time', async () => {
    const results = await Promise.all([open(), open(), open(), open()].map((p) => migrate(p, steps)))
    expect(results.flat().sort()).toEqual([1, 2])
    const pool = open()
    const { rows } = await pool.query('SELECT version FROM schema_migrations ORDER BY version')
    expect(rows.map((r) => r.version)).toEqual([1, 2])
    expect((await pool.query('SELECT count(*)::int AS n FROM b')).rows[0].n).toBe(1)
    expect(await migrate(pool, steps)).toEqual([])
  })

  it('leaves neither the version row nor half the change when a migration fails', async () => {
    const pool = open()
    const broken: Migration = { version: 3, name: 'broken', sql: 'CREATE TABLE c (id int); SELECT * FROM nowhere' }
    await expect(migrate(pool, [...steps, broken])).rejects.toMatchObject({ code: '42P01' })
    expect((await pool.query('SELECT count(*)::int AS n FROM schema_migrations WHERE version = 3')).rows[0].n).toBe(0)
    expect((await pool.query("SELECT to_regclass('c') AS t")).rows[0].t).toBeNull()
  })

  it('refuses two migrations with the same version', async () => {
    await expect(migrate(open(), [steps[0]!, { ...steps[1]!, version: 1 }])).rejects.toThrow(
      'two migrations share version 1',
    )
  })
})
