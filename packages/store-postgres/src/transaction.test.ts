import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from './testing.js'
import { isRetryable, withTransaction } from './transaction.js'

/** Dropping a scratch database waits for a checkpoint: slow on a busy server. */
const DROP_TIMEOUT_MS = 60_000

const server = testDatabaseUrl()

describe.skipIf(server === undefined)('withTransaction', () => {
  let db: TestDatabase
  let pool: pg.Pool
  beforeAll(async () => {
    db = await createTestDatabase()
    pool = new pg.Pool({ connectionString: db.url, max: 8 })
    pool.on('error', () => undefined)
    await pool.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)')
    await pool.query('CREATE TABLE note (id int PRIMARY KEY)')
  })
  afterAll(async () => {
    await pool?.end()
    await db?.drop()
  }, DROP_TIMEOUT_MS)

  it('retries serialization failures until every concurrent read-modify-write lands', async () => {
    await pool.query('INSERT INTO counter VALUES (1, 0)')
    let attempts = 0
    const increment = () =>
      withTransaction(
        pool,
        async (c) => {
          attempts++
          const { rows } = await c.query('SELECT n FROM counter WHERE id = 1')
          await c.query('UPDATE counter SET n = $1 WHERE id = 1', [rows[0].n + 1])
        },
        { isolation: 'serializable', maxRetries: 50 },
      )
    await Promise.all(Array.from({ length: 8 }, increment))
    const { rows } = await pool.query('SELECT n FROM counter WHERE id = 1')
    // 8 increments, none lost: a lost update would leave n < 8.
    expect(rows[0].n).toBe(8)
    expect(attempts).toBeGreaterThan(8)
  })

  it('rolls back the whole unit of work when it fails, and does not retry an ordinary error', async () => {
    let attempts = 0
    await expect(
      withTransaction(pool, async (c) => {
        attempts++
        await c.query('INSERT INTO note VALUES (1)')
        await c.query('INSERT INTO note VALUES (1)')
      }),
    ).rejects.toMatchObject({ code: '23505' })
    expect(attempts).toBe(1)
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM note')
    expect(rows[0].n).toBe(0)
  })

  it('gives up after maxRetries and throws the serialization failure', async () => {
    let attempts = 0
    await expect(
      withTransaction(
        pool,
        async () => {
          attempts++
          throw Object.assign(new Error('could not serialize access'), { code: '40001' })
        },
        { maxRetries: 3, baseDelayMs: 0 },
      ),
    ).rejects.toMatchObject({ code: '40001' })
    expect(attempts).toBe(4)
  })

  it('returns its connection to the pool after failures', async () => {
    for (let i = 0; i < 20; i++) {
      await withTransaction(pool, async () => {
        throw new Error('boom')
      }).catch(() => undefined)
    }
    expect(pool.totalCount).toBeLessThanOrEqual(8)
    expect(pool.waitingCount).toBe(0)
    await expect(withTransaction(pool, async (c) => (await c.query('SELECT 1 AS one')).rows[0].one)).resolves.toBe(1)
  })
})

describe('isRetryable', () => {
  it('accepts serialization failures and deadlocks only', () => {
    expect(isRetryable({ code: '40001' })).toBe(true)
    expect(isRetryable({ code: '40P01' })).toBe(true)
    expect(isRetryable({ code: '23505' })).toBe(false)
    expect(isRetryable(new Error('x'))).toBe(false)
    expect(isRetryable(null)).toBe(false)
  })
})
