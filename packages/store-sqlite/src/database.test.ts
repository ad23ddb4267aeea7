import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { immediate, migrateSqlite, openDatabase, type SqliteMigration } from './database.js'

const dirs: string[] = []
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'tessera-sqlite-'))
  dirs.push(d)
  return join(d, 'db.sqlite')
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const steps: readonly SqliteMigration[] = [
  { version: 1, name: 'a', sql: 'CREATE TABLE a (id INTEGER PRIMARY KEY)' },
  { version: 2, name: 'b', sql: 'CREATE TABLE b (id INTEGER PRIMARY KEY); INSERT INTO b VALUES (1)' },
]

describe('openDatabase', () => {
  it('opens the file durable: WAL journal and synchronous FULL', () => {
    const db = openDatabase({ file: scratch() })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    // synchronous: 2 = FULL
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    db.close()
  })
})

describe('immediate', () => {
  it('rolls back everything when the work throws', () => {
    const db = openDatabase({ file: scratch() })
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    expect(() =>
      immediate(db, () => {
        db.prepare('INSERT INTO t VALUES (1)').run()
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 })
    db.close()
  })
})

describe('migrateSqlite', () => {
  it('applies each version once, also when a second connection migrates the same file', () => {
    const file = scratch()
    const one = openDatabase({ file })
    const two = openDatabase({ file })
    expect(migrateSqlite(one, steps)).toEqual([1, 2])
    expect(migrateSqlite(two, steps)).toEqual([])
    expect(two.prepare('SELECT count(*) AS n FROM b').get()).toEqual({ n: 1 })
    one.close()
    two.close()
  })

  it('leaves no version row and no half change when a migration fails', () => {
    const db = openDatabase({ file: scratch() })
    const broken: SqliteMigration = {
      version: 3,
      name: 'broken',
      sql: 'CREATE TABLE c (id INTEGER); SELECT * FROM nowhere',
    }
    expect(() => migrateSqlite(db, [...steps, broken])).toThrow('no such table: nowhere')
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations WHERE version = 3').get()).toEqual({ n: 0 })
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'c'").get()).toEqual({ n: 0 })
    db.close()
  })

  it('refuses two migrations with the same version', () => {
    const db = openDatabase({ file: scratch() })
    expect(() => migrateSqlite(db, [steps[0]!, { ...steps[1]!, version: 1 }])).toThrow('two migrations share version 1')
    db.close()
  })
})
