import { existsSync } from 'node:fs'
import type { Pool } from 'pg'
import { openOutboxReader } from '../till/till.js'
import { type TillApplied, tillsApplied } from './report.js'

/** One till's line of `tessera sync status`. @category sync */
export interface TillStatus {
  readonly till: string
  /** Entries written at the till and not yet applied at the head office (when the till's file was given). */
  readonly lagEntries?: number
  /** How old the oldest entry not yet applied is, in seconds (0 when none is waiting). */
  readonly lagSeconds?: number
  /** Entries the broker acknowledged to the till's publisher. */
  readonly published?: number
  readonly written?: number
  readonly applied: number
  readonly lastEntryId?: string
  readonly lastEntryAt?: string
  readonly conflicts: number
}

/** Why a status could not be read. @category sync */
export interface StatusError {
  readonly _tag: 'TillFileMissing'
  readonly file: string
  readonly message: string
}

/**
 * Per till: what the head office applied (count, last entry, conflicts) and, for each till file
 * given, the lag: entries written and not yet applied, and the age of the oldest of them (taken as
 * the entry after the applied count: entries are applied in each till's order unless faults
 * reorder them). Reads the clock.
 * @category sync
 */
export const syncStatus = async (
  pool: Pool,
  tillFiles: readonly string[] = [],
  now: () => number = Date.now,
): Promise<
  | { readonly _tag: 'Right'; readonly right: readonly TillStatus[] }
  | { readonly _tag: 'Left'; readonly left: StatusError }
> => {
  for (const file of tillFiles)
    if (!existsSync(file))
      return { _tag: 'Left', left: { _tag: 'TillFileMissing', file, message: `no till file at ${file}` } }
  const applied = new Map<string, TillApplied>((await tillsApplied(pool)).map((t) => [t.till, t]))
  const rows = new Map<string, TillStatus>()
  for (const t of applied.values()) rows.set(t.till, base(t))
  for (const file of tillFiles) {
    const reader = openOutboxReader(file)
    try {
      const first = await reader.after(0, 1)
      const position = await reader.position()
      const till = first[0]?.till
      if (till === undefined) continue
      const ho = applied.get(till)
      const done = ho?.applied ?? 0
      const waiting = Math.max(0, position.lastSeq - done)
      const oldest = waiting === 0 ? undefined : (await reader.after(done, 1))[0]
      rows.set(till, {
        ...(ho !== undefined ? base(ho) : { till, applied: 0, conflicts: 0 }),
        lagEntries: waiting,
        lagSeconds: oldest === undefined ? 0 : Math.max(0, Math.round((now() - oldest.atMs) / 1000)),
        published: position.ackedSeq,
        written: position.lastSeq,
      })
    } finally {
      await reader.close()
    }
  }
  return { _tag: 'Right', right: [...rows.values()].sort((a, b) => (a.till < b.till ? -1 : 1)) }
}

const base = (t: TillApplied): TillStatus => ({
  till: t.till,
  applied: t.applied,
  ...(t.lastEntryId !== undefined ? { lastEntryId: t.lastEntryId } : {}),
  ...(t.lastAtMs !== undefined ? { lastEntryAt: new Date(t.lastAtMs).toISOString() } : {}),
  conflicts: t.conflicts,
})
