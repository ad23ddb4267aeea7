import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '@tessera/store-postgres'
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { migrateHeadOffice } from '../headoffice/schema.js'
import { type NatsServer, startNatsServer } from '../nats/server.js'

/** A test file's head office: its own database with the head office's schema, a pool on it, and a private nats-server. */
export interface HeadOfficeWorld {
  readonly db: TestDatabase
  readonly pool: pg.Pool
  readonly nats: NatsServer
}

/**
 * Makes a head office before the file's tests and drops it after them; hooks the file registers
 * after this call run inside it (made after it, closed before it). Nothing is made when
 * `DATABASE_URL` is unset (outside CI the file's tests then skip).
 */
export const useHeadOffice = (): HeadOfficeWorld => {
  const world = {} as { db: TestDatabase; pool: pg.Pool; nats: NatsServer }
  beforeAll(async () => {
    const url = testDatabaseUrl()
    if (url === undefined) return
    world.db = await createTestDatabase(url)
    world.pool = new pg.Pool({ connectionString: world.db.url, max: 4 })
    await migrateHeadOffice(world.pool)
    world.nats = await startNatsServer()
  })
  afterAll(async () => {
    await world.nats?.dispose()
    await world.pool?.end()
    await world.db?.drop()
  })
  return world
}
