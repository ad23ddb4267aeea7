import Database from 'better-sqlite3'

/**
 * An open better-sqlite3 connection.
 * @category store-sqlite
 */
export type SqliteDatabase = Database.Database

/**
 * How {@link openDatabase} opens the file.
 * @category store-sqlite
 */
export interface OpenDatabaseOptions {
  /** The database file, or `:memory:`. */
  readonly file: string
  /** How long a writer waits for another process's write lock, in milliseconds. Default 5000. */
  readonly busyTimeoutMs?: number
}

/**
 * Opens a SQLite file the way the ledger needs it: WAL journal (readers never block the writer),
 * `synchronous=FULL` (a committed posting survives a power cut, not only a process crash), foreign
 * keys on, and a busy timeout so that two processes on one file wait rather than fail.
 * @category store-sqlite
 */
export const openDatabase = (options: OpenDatabaseOptions): SqliteDatabase => {
  const db = new Database(options.file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`)
  return db
}

/**
 * Runs `work` in a `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so two writers
 * never both read and then fail to upgrade. Commits on return, rolls back on throw.
 * @category store-sqlite
 */
export const immediate = <A>(db: SqliteDatabase, work: () => A): A => db.transaction(work).immediate()

/**
 * One versioned schema change, applied once, in its own transaction with its `schema_migrations` row.
 * @category store-sqlite
 */
export interface SqliteMigration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in version order, and returns the
 * versions it applied. Each runs under `BEGIN IMMEDIATE`, so two processes opening one file at once
 * apply each version once.
 * @category store-sqlite
 */
export const migrateSqlite = (db: SqliteDatabase, migrations: readonly SqliteMigration[]): readonly number[] => {
  const sorted = [...migrations].sort((a, b) => a.version - b.version)
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.version === sorted[i - 1]!.version) {
      throw new Error(`two migrations share version ${sorted[i]!.version}`)
    }
  }
  immediate(db, () =>
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))`),
  )
  const has = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?')
  const record = db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)')
  const applied: number[] = []
  for (const m of sorted) {
    const ran = immediate(db, () => {
      if (has.get(m.version) !== undefined) return false
      db.exec(m.sql)
      record.run(m.version, m.name)
      return true
    })
    if (ran) applied.push(m.version)
  }
  return applied
}
