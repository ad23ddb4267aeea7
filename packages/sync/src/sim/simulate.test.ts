import { testDatabaseUrl } from '@tessera/store-postgres'
import { describe, expect, it } from 'vitest'
import { simulateOffline } from './simulate.js'

const url = testDatabaseUrl()

describe.skipIf(url === undefined)('the link-cut simulation', () => {
  it('tills keep selling through a cut link; after the sync nothing is lost or doubled and every conflict is reported', async () => {
    const lines: string[] = []
    // Smaller than `pnpm sim:offline`'s 8 × 1,000 so that the test stays short on a loaded machine.
    const result = await simulateOffline({
      databaseUrl: url as string,
      tills: 4,
      transactions: 120,
      members: 20,
      codes: 60,
      log: (l) => lines.push(l),
    })
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'setup',
      'online',
      'link cut',
      'offline',
      'debt',
      'link restored',
      'restored',
      'sync',
      'debts',
      'repay sync',
      'repaid',
    ])
    expect(result).toMatchObject({
      tills: 4,
      transactions: 480,
      lost: 0,
      doubled: 0,
      ledgerMatches: true,
      overspendMatches: true,
    })
    expect(result.offlineSales).toBeGreaterThanOrEqual(4 * 60)
    expect(result.conflictsCreated).toBeGreaterThan(0)
    expect(result.conflictsReported).toBe(result.conflictsCreated)
    // The tills redeemed the debtors' points offline past their balance: debts at the head office,
    // exactly what the tills booked, then repaid by the next earnings.
    expect(result.debtors).toBeGreaterThanOrEqual(3)
    expect(result.debt).toBeGreaterThan(0)
    expect(result).toMatchObject({ debtsMatch: true, debtsRepaid: result.debtors, accountsInDebt: 0 })
  }, 300_000)
})
