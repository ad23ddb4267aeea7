import { balanceOf } from './balance.js'
import type { AccountState, Entry, Lot, Reservation } from './model.js'

/**
 * Rebuilds an account's open lots, open reservations and debt from its entries alone, in sequence
 * order. Returns the rebuilt state and the problems met (an entry changing a lot it never created,
 * a lot going negative, a gap in sequence numbers).
 * @category ledger
 */
export const rebuildFromEntries = (
  accountId: string,
  entries: readonly Entry[],
): {
  readonly lots: Lot[]
  readonly reservations: Reservation[]
  readonly debt: number
  readonly total: number
  readonly problems: string[]
} => {
  const lots = new Map<string, Lot>()
  const reservations = new Map<string, Reservation>()
  const problems: string[] = []
  let debt = 0
  let total = 0
  const sorted = [...entries].sort((a, b) => a.sequence - b.sequence)
  sorted.forEach((entry, i) => {
    if (entry.sequence !== i + 1)
      problems.push(`entry ${entry.entryId} has sequence ${entry.sequence}, expected ${i + 1}`)
    if (entry.accountId !== accountId) problems.push(`entry ${entry.entryId} belongs to account ${entry.accountId}`)
    for (const change of entry.lotChanges) {
      const lot = lots.get(change.lotId)
      if (lot === undefined && change.created === undefined && change.delta < 0) {
        problems.push(`entry ${entry.entryId} takes from lot ${change.lotId}, which no earlier entry created`)
      }
      const next: Lot = lot
        ? { ...lot, remaining: lot.remaining + change.delta }
        : {
            lotId: change.lotId,
            accountId,
            origin: change.origin,
            points: change.created ?? change.delta,
            remaining: change.delta,
            availableFrom: change.availableFrom,
            ...(change.expiresAt === undefined ? {} : { expiresAt: change.expiresAt }),
            createdAt: entry.at,
          }
      if (next.remaining < 0) problems.push(`lot ${change.lotId} goes to ${next.remaining} at entry ${entry.entryId}`)
      lots.set(change.lotId, next)
    }
    const r = entry.reservation
    if (r !== undefined) {
      if (r.status === 'open') {
        reservations.set(r.reservationId, {
          reservationId: r.reservationId,
          accountId,
          points: r.points,
          takes: r.takes,
          expiresAt: r.expiresAt,
          status: 'open',
          createdAt: entry.at,
        })
      } else if (!reservations.delete(r.reservationId)) {
        problems.push(`entry ${entry.entryId} closes reservation ${r.reservationId}, which is not open`)
      }
    }
    debt += entry.debtChange
    total += entry.points
  })
  return {
    lots: [...lots.values()].filter((l) => l.remaining > 0),
    reservations: [...reservations.values()],
    debt,
    total,
    problems,
  }
}

/**
 * Compares what a store holds for an account (balance row, open lots, open reservations) with what
 * its entries alone give. Returns the differences, in words; empty when consistent. Checks that the
 * entries' points sum to lots + reservations − debt, and that the row equals {@link balanceOf} of
 * the rebuilt state as of the row's time.
 * @category ledger
 */
export const checkAccount = (stored: AccountState, entries: readonly Entry[]): string[] => {
  const id = stored.account.accountId
  const rebuilt = rebuildFromEntries(id, entries)
  const problems = [...rebuilt.problems]
  const held =
    rebuilt.lots.reduce((s, l) => s + l.remaining, 0) +
    rebuilt.reservations.reduce((s, r) => s + r.points, 0) -
    rebuilt.debt
  if (held !== rebuilt.total) problems.push(`entries sum to ${rebuilt.total} but lots + reservations − debt = ${held}`)
  const storedLots = new Map(stored.lots.filter((l) => l.remaining > 0).map((l) => [l.lotId, l]))
  for (const lot of rebuilt.lots) {
    const s = storedLots.get(lot.lotId)
    if (s === undefined) problems.push(`lot ${lot.lotId} should hold ${lot.remaining} but is missing`)
    else {
      if (s.remaining !== lot.remaining)
        problems.push(`lot ${lot.lotId} holds ${s.remaining}, entries say ${lot.remaining}`)
      if (s.availableFrom !== lot.availableFrom || s.expiresAt !== lot.expiresAt)
        problems.push(`lot ${lot.lotId} terms differ from its entries`)
      storedLots.delete(lot.lotId)
    }
  }
  for (const lot of storedLots.values())
    problems.push(`lot ${lot.lotId} holds ${lot.remaining} but no entry explains it`)
  const storedRes = new Map(stored.reservations.filter((r) => r.status === 'open').map((r) => [r.reservationId, r]))
  for (const r of rebuilt.reservations) {
    const s = storedRes.get(r.reservationId)
    if (s === undefined) problems.push(`reservation ${r.reservationId} should be open but is missing`)
    else if (s.points !== r.points)
      problems.push(`reservation ${r.reservationId} holds ${s.points}, entries say ${r.points}`)
    storedRes.delete(r.reservationId)
  }
  for (const r of storedRes.values()) problems.push(`reservation ${r.reservationId} is open but no entry opened it`)
  const row = stored.row
  if (row.debt !== rebuilt.debt) problems.push(`balance row debt ${row.debt}, entries say ${rebuilt.debt}`)
  if (row.sequence !== entries.length) problems.push(`balance row sequence ${row.sequence}, ${entries.length} entries`)
  const expected = balanceOf(
    { lots: rebuilt.lots, reservations: rebuilt.reservations, row: { ...row, debt: rebuilt.debt } },
    row.asOf,
  )
  for (const field of ['available', 'pending', 'reserved'] as const) {
    if (row[field] !== expected[field])
      problems.push(`balance row ${field} ${row[field]}, entries say ${expected[field]}`)
  }
  return problems
}
