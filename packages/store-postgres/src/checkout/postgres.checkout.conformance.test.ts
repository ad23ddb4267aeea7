import { checkoutStoreConformance } from '@tessera/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '../testing.js'
import { openPostgresStores, type PostgresStores } from './store.js'

/** Dropping a scratch database waits for a checkpoint: slow on a busy server. */
const DROP_TIMEOUT_MS = 60_000

const server = testDatabaseUrl()
/** Connections per store: the concurrent cases fire up to 32 closes at once. */
const CONNECTIONS = 20

for (const isolation of ['read committed', 'serializable'] as const) {
  describe.skipIf(server === undefined)(`postgres checkout store (${isolation})`, () => {
    // One database per run, dropped afterwards; each test gets an empty schema in it.
    let db: TestDatabase
    beforeAll(async () => {
      db = await createTestDatabase()
    })
    afterAll(async () => {
      await db?.drop()
    }, DROP_TIMEOUT_MS)
    let n = 0
    let current: PostgresStores | undefined
    checkoutStoreConformance(
      `postgres, ${isolation}`,
      async () => {
        const schema = `checkout_${++n}`
        const admin = new pg.Client({ connectionString: db.url })
        await admin.connect()
        await admin.query(`CREATE SCHEMA ${schema}`)
        await admin.end()
        const url = new URL(db.url)
        url.searchParams.set('options', `-c search_path=${schema}`)
        const store = await openPostgresStores({
          connectionString: url.toString(),
          maxConnections: CONNECTIONS,
          isolation,
        })
        current = store
        return { store: store.checkout, loyalty: store.loyalty, dispose: store.close }
      },
      {
        // Open every connection of the pool first, so that the tasks start together on separate
        // connections instead of trickling in as connections are made.
        concurrently: async (tasks) => {
          await Promise.all(Array.from({ length: CONNECTIONS }, () => current?.checkout.code('warm-up')))
          return Promise.all(tasks.map((t) => t()))
        },
        deadlocks: async () => {
          const admin = new pg.Client({ connectionString: db.url })
          await admin.connect()
          try {
            const { rows } = await admin.query(
              'SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()',
            )
            return rows[0].n as number
          } finally {
            await admin.end()
          }
        },
      },
    )
  })
}
