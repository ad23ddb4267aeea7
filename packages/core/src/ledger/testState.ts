import { emptyBalanceRow } from './balance.js'
import type { AccountState, Lot } from './model.js'

/** An open account in program `club` with these lots, for the ledger's own tests. @internal */
export const stateWith = (lots: readonly Partial<Lot>[] = [], accountId = 'a1'): AccountState => {
  const full = lots.map(
    (l, i): Lot => ({
      lotId: `lot${i}`,
      accountId,
      origin: l.lotId ?? `lot${i}`,
      points: l.remaining ?? 0,
      remaining: 0,
      availableFrom: 0,
      createdAt: 0,
      ...l,
    }),
  )
  return {
    account: { accountId, programId: 'club', status: 'open', openedAt: 0 },
    row: { ...emptyBalanceRow(accountId, 0) },
    lots: full,
    reservations: [],
  }
}
