import { randomUUID } from 'node:crypto'
import pg from 'pg'

/**
 * A scratch database made for one test run. `drop()` removes it (closing any connection left open).
 * @category testing
 */
export interface TestDatabase {
  /** The connection string of the new database. */
  readonly url: string
  /** Its name, `tessera_test_…`. */
  readonly name: string
  readonly drop: () => Promise<void>
}

/**
 * The server that Postgres tests use: `DATABASE_URL`. Returns `undefined` when it is unset outside
 * CI (the tests may then skip); throws when it is unset under CI, where they must run.
 * @category testing
 */
export const testDatabaseUrl = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const url = env.DATABASE_URL
  if (url !== undefined && url !== '') return url
  if (env.CI !== undefined && env.CI !== '') {
    throw new Error('DATABASE_URL must be set under CI: the Postgres tests cannot be skipped there')
  }
  return undefined
}

/**
 * Creates a uniquely named database on the server of `DATABASE_URL` (or `serverUrl`) and returns its
 * URL and a `drop()`. Reads the environment and makes a random name: for tests and benchmarks only.
 * @category testing
 */
export const createTestDatabase = async (serverUrl?: string): Promise<TestDatabase> => {
  const server = serverUrl ?? testDatabaseUrl()
  if (server === undefined) throw new Error('createTestDatabase needs DATABASE_URL (or a server URL)')
  const name = `tessera_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(server)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: server })
      await c.connect()
      try {
        // Connections that were just closed may still be leaving the server: give them up to 3 s,
        // so that FORCE only cuts connections a test leaked, never one a client is closing (its
        // "terminating connection" would surface as an uncaught error in that client).
        for (let waited = 0; waited < 3000; waited += 50) {
          const { rows } = await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name])
          if (rows[0].n === 0) break
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}
