import type { Pool } from 'pg'
import { withTransaction } from './transaction.js'

/**
 * One versioned schema change. Versions are applied in increasing order, each once, each in its own
 * transaction together with its row in `schema_migrations`.
 * @category store-postgres
 */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/**
 * Applies the migrations not yet recorded in `schema_migrations` and returns the versions it applied.
 * Safe when several processes open the same database at once without advisory locks: each migration
 * first inserts its version row, so a concurrent migrator blocks on that row and then skips it.
 * @category store-postgres
 */
export const migrate = async (pool: Pool, migrations: readonly Migration[]): Promise<readonly number[]> => {
  const sorted = [...migrations].sort((a, b) => a.version - b.version)
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.version === sorted[i - 1]!.version) {
      throw new Error(`two migrations share version ${sorted[i]!.version}`)
    }
  }
  try {
    await pool.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now())`,
    )
  } catch (e) {
    // Two concurrent CREATE TABLE IF NOT EXISTS may collide on the catalog (a unique violation on
    // pg_type, "relation already exists" or "type already exists"): either way the table now exists.
    const code = (e as { code?: string }).code
    if (code !== '23505' && code !== '42P07' && code !== '42710') throw e
  }
  const applied: number[] = []
  for (const m of sorted) {
    const ran = await withTransaction(pool, async (client) => {
      const claimed = await client.query(
        'INSERT INTO schema_migrations (version, name) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING',
        [m.version, m.name],
      )
      if (claimed.rowCount === 0) return false
      await client.query(m.sql)
      return true
    })
    if (ran) applied.push(m.version)
  }
  return applied
}
