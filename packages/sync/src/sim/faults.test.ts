import { testDatabaseUrl } from '@tessera/store-postgres'
import { describe, expect, it } from 'vitest'
import { type FaultLog, faultyPipeline } from './faults.js'
import { simulateOffline } from './simulate.js'

const url = testDatabaseUrl()
const small = { tills: 3, transactions: 60, members: 12, codes: 30 }

describe.skipIf(url === undefined)('the sync under faults', () => {
  it('publisher and consumer SIGKILLed at random moments and restarted: the same result', async () => {
    const log: FaultLog = { publisherKills: 0, consumerKills: 0 }
    const result = await simulateOffline({
      databaseUrl: url as string,
      ...small,
      pipeline: faultyPipeline({ log, meanKillMs: 800, maxKills: 6 }),
    })
    expect(log.publisherKills + log.consumerKills).toBeGreaterThan(0)
    expect(result).toMatchObject({ lost: 0, doubled: 0, ledgerMatches: true, overspendMatches: true })
    expect(result.conflictsReported).toBe(result.conflictsCreated)
    expect(result).toMatchObject({ debtsMatch: true, debtsRepaid: result.debtors, accountsInDebt: 0 })
    expect(result.debt).toBeGreaterThan(0)
  }, 400_000)

  it('every message applied twice, batches out of order across tills, processes killed: the same result', async () => {
    const log: FaultLog = { publisherKills: 0, consumerKills: 0 }
    const result = await simulateOffline({
      databaseUrl: url as string,
      ...small,
      seed: 7,
      pipeline: faultyPipeline({ twice: true, log, meanKillMs: 2000, maxKills: 4 }),
    })
    expect(result).toMatchObject({ lost: 0, doubled: 0, ledgerMatches: true, overspendMatches: true })
    expect(result.conflictsReported).toBe(result.conflictsCreated)
  }, 400_000)
})
