import { describe, expect, it } from 'vitest'
import { asRecords, CODE_COLUMNS, codeColumns, ENTRY_COLUMNS } from './rows.js'
import { checkoutMigrations, loyaltyMigrations, POSTGRES_TYPES, SQLITE_TYPES } from './schema.js'

/** Table → column names of a migration list, as the DDL declares them. */
const shape = (sql: string) => {
  const tables = new Map<string, string[]>()
  for (const m of sql.matchAll(/CREATE TABLE (\w+) \(([\s\S]*?)\)(?: WITH| WITHOUT|;)/g)) {
    const columns = (m[2] ?? '')
      .split(',')
      .map((c) => c.trim().split(/\s+/)[0] ?? '')
      .filter((c) => c !== '' && c !== 'PRIMARY' && c !== 'UNIQUE' && !/^\w+\)$/.test(c))
    tables.set(m[1] ?? '', columns)
  }
  return tables
}
const all = (types: typeof SQLITE_TYPES) =>
  [...loyaltyMigrations(types), ...checkoutMigrations(types)].map((m) => m.sql).join('\n')

describe('the shared schema', () => {
  it('has the same tables and columns in SQLite and PostgreSQL, only the types differ', () => {
    const sqlite = shape(all(SQLITE_TYPES))
    expect([...sqlite.keys()]).toContain('checkout_codes')
    expect(sqlite.size).toBe(22)
    expect(shape(all(POSTGRES_TYPES))).toEqual(sqlite)
    expect(all(SQLITE_TYPES)).not.toMatch(/bigint|boolean/)
  })

  it('lets a close or return row be a bare claim only where the engine claims ids', () => {
    expect(checkoutMigrations(SQLITE_TYPES)[0]?.sql).toMatch(/request TEXT NOT NULL/)
    expect(checkoutMigrations(POSTGRES_TYPES)[0]?.sql).toMatch(/request text,/)
  })

  it('the row writers follow the column lists, which follow the tables', () => {
    const tables = shape(all(POSTGRES_TYPES))
    expect(tables.get('entries')).toEqual(ENTRY_COLUMNS)
    expect(tables.get('checkout_codes')).toEqual(CODE_COLUMNS)
    const code = { code: 'C-1', pool: 'P', kind: { type: 'singleUse' as const }, redemptions: [], reservations: [] }
    expect(JSON.parse(asRecords(CODE_COLUMNS, [codeColumns(code)]))).toEqual([
      {
        code: 'C-1',
        pool_id: 'P',
        kind: '{"type":"singleUse"}',
        valid_from_ms: null,
        valid_until_ms: null,
        redemptions: '[]',
        reservations: '[]',
        revoked: null,
      },
    ])
  })
})
