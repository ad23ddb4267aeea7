import { loyaltyStoreConformance } from '@tessera/testing'
import { afterAll, beforeAll, describe } from 'vitest'
import { openPostgresStore } from './store.js'
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from './testing.js'

/** Dropping a scratch database waits for a checkpoint: slow on a busy server. */
const DROP_TIMEOUT_MS = 60_000

const server = testDatabaseUrl()

describe.skipIf(server === undefined)('postgres store', () => {
  // One database for the run, dropped afterwards; each test gets an empty schema in it.
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase()
  })
  afterAll(async () => {
    await db?.drop()
  }, DROP_TIMEOUT_MS)
  let n = 0
  loyaltyStoreConformance('postgres', async () => {
    const schema = `conformance_${++n}`
    const setup = await openPostgresStore({ connectionString: db.url, migrate: false, maxConnections: 1 })
    await setup.close()
    const url = new URL(db.url)
    url.searchParams.set('options', `-c search_path=${schema}`)
    const pg = await import('pg')
    const admin = new pg.default.Client({ connectionString: db.url })
    await admin.connect()
    await admin.query(`CREATE SCHEMA ${schema}`)
    await admin.end()
    return openPostgresStore({ connectionString: url.toString(), maxConnections: 4 })
  })
})
