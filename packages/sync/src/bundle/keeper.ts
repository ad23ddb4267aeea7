import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { decodeWith, parseJson, strictObject } from '@tessera/core'
import { type Either, isLeft, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { type BundleKey, BundleKeyCodec, type BundleRejected, malformed, type VerifiedBundle } from './bundle.js'
import { verifyBundle } from './verify.js'

// ── the port ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Where a till persists its last good bundle: one text record, replaced whole. `save` must be
 * atomic (the old record or the new one survives a crash, never half of one).
 * @category bundle
 */
export interface BundleStore {
  readonly load: () => Promise<string | undefined>
  readonly save: (record: string) => Promise<void>
}

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * A till's keeper of its last good bundle. `offer` verifies a received bundle against the trusted
 * keys and the held version, persists it, and only then adopts it: a refused bundle changes
 * nothing, so the till goes on selling on the one it holds.
 * @category bundle
 */
export interface BundleKeeper {
  /** The bundle in use, absent before the first good one. */
  readonly current: () => VerifiedBundle | undefined
  /** Its version, 0 when none. */
  readonly version: () => number
  /** The keys a new bundle may be signed with: the held bundle's `keys`, or the provisioned ones. */
  readonly trusted: () => readonly BundleKey[]
  /** Verifies, persists and adopts a bundle; refusals are typed, offers are handled one at a time. */
  readonly offer: (text: string) => Promise<Either<BundleRejected, VerifiedBundle>>
  /** Why the persisted bundle could not be restored at open (the keeper then starts empty). */
  readonly restoreProblem?: BundleRejected
}

/** How to open a keeper: its store, and the keys the till was provisioned with. @category bundle */
export interface BundleKeeperOptions {
  readonly store: BundleStore
  /** The bootstrap trust: used until a first bundle is accepted. */
  readonly provisioned: readonly BundleKey[]
}

/** The persisted record: the bundle text and the keys that verified it (to re-verify it at open). */
interface KeptRecord {
  readonly bundle: string
  readonly verifiedWith: readonly BundleKey[]
}

const decodeRecord = decodeWith(
  strictObject('KeptBundle', {
    bundle: t.string,
    verifiedWith: t.readonlyArray(BundleKeyCodec),
  }) as unknown as t.Type<KeptRecord, KeptRecord, unknown>,
  'kept bundle',
)

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Opens a keeper: restores the persisted bundle, verified again with the keys that accepted it (a
 * torn or edited record is refused and reported in `restoreProblem`, and the keeper starts from
 * the provisioned keys).
 * @category bundle
 */
export const openBundleKeeper = async (options: BundleKeeperOptions): Promise<BundleKeeper> => {
  let current: VerifiedBundle | undefined
  let restoreProblem: BundleRejected | undefined
  const stored = await options.store.load()
  if (stored !== undefined) {
    const record = parseJson(stored, 'kept bundle')
    const decoded = isLeft(record) ? record : decodeRecord(record.right)
    if (isLeft(decoded)) restoreProblem = malformed(decoded.left)
    else {
      const verified = await verifyBundle(decoded.right.bundle, decoded.right.verifiedWith)
      if (isLeft(verified)) restoreProblem = verified.left
      else current = verified.right
    }
  }
  let queue: Promise<unknown> = Promise.resolve()
  const trusted = () => current?.payload.keys ?? options.provisioned
  const version = () => current?.payload.version ?? 0

  const offerNow = async (text: string): Promise<Either<BundleRejected, VerifiedBundle>> => {
    const keys = trusted()
    const verified = await verifyBundle(text, keys, version())
    if (isLeft(verified)) return verified
    const verifiedWith = keys.filter((k) => k.keyId === verified.right.payload.keyId)
    await options.store.save(JSON.stringify({ bundle: text, verifiedWith } satisfies KeptRecord))
    current = verified.right
    return right(verified.right)
  }

  return {
    current: () => current,
    version,
    trusted,
    offer: (text) => {
      const next = queue.then(() => offerNow(text))
      queue = next.catch(() => undefined)
      return next
    },
    ...(restoreProblem !== undefined ? { restoreProblem } : {}),
  }
}

// ── stores ───────────────────────────────────────────────────────────────────────────────────────

/**
 * A bundle store in one file, replaced atomically: written to a temporary file beside it, synced,
 * renamed over it, and the folder synced.
 * @category bundle
 */
export const fileBundleStore = (path: string): BundleStore => ({
  load: async () => {
    try {
      return readFileSync(path, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw e
    }
  },
  save: async (record) => {
    const temporary = `${path}.${process.pid}.tmp`
    const fd = openSync(temporary, 'w', 0o644)
    try {
      writeSync(fd, record)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temporary, path)
    const folder = openSync(dirname(path), 'r')
    try {
      fsyncSync(folder)
    } finally {
      closeSync(folder)
    }
  },
})

/**
 * The part of a better-sqlite3 `Database` a bundle store uses (the till's own SQLite file).
 * @category bundle
 */
export interface SqliteDatabase {
  exec(sql: string): unknown
  prepare(sql: string): {
    run(...params: unknown[]): unknown
    get(...params: unknown[]): unknown
  }
}

/**
 * A bundle store as a one-row table `tessera_bundle` in the till's SQLite database (created if
 * missing); the row is replaced in one statement, so SQLite's transaction makes it atomic.
 * @category bundle
 */
export const sqliteBundleStore = (db: SqliteDatabase): BundleStore => {
  db.exec('CREATE TABLE IF NOT EXISTS tessera_bundle (slot INTEGER PRIMARY KEY CHECK (slot = 1), record TEXT NOT NULL)')
  const read = db.prepare('SELECT record FROM tessera_bundle WHERE slot = 1')
  const write = db.prepare(
    'INSERT INTO tessera_bundle (slot, record) VALUES (1, ?) ON CONFLICT (slot) DO UPDATE SET record = excluded.record',
  )
  return {
    load: async () => (read.get() as { record: string } | undefined)?.record,
    save: async (record) => {
      write.run(record)
    },
  }
}

/** A bundle store in memory (one process; for tests and examples). @category bundle */
export const memoryBundleStore = (): BundleStore & { readonly record: () => string | undefined } => {
  let record: string | undefined
  return {
    load: async () => record,
    save: async (r) => {
      record = r
    },
    record: () => record,
  }
}
