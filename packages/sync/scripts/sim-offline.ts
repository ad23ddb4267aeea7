/**
 * `pnpm sim:offline`: the link-cut simulation (8 tills × 1,000 sales by default; `--tills N`,
 * `--transactions N`, `--members N`, `--codes N`, `--debtors N`; `--faults [--twice]` kills and restarts the sync processes). Needs `DATABASE_URL` and `/usr/sbin/nats-server`. Prints a progress line
 * per phase, and last one JSON line.
 */
import { parseArgs } from 'node:util'
import { faultyPipeline } from '../src/sim/faults.js'
import { simulateOffline } from '../src/sim/simulate.js'

const { values } = parseArgs({
  options: {
    tills: { type: 'string' },
    transactions: { type: 'string' },
    seed: { type: 'string' },
    members: { type: 'string' },
    codes: { type: 'string' },
    debtors: { type: 'string' },
    // SIGKILL the publisher and consumer processes at random moments and restart them.
    faults: { type: 'boolean' },
    // With --faults: every message applied twice, batches shuffled across tills.
    twice: { type: 'boolean' },
  },
})
const databaseUrl = process.env.DATABASE_URL
if (databaseUrl === undefined || databaseUrl === '') {
  console.error('sim:offline needs DATABASE_URL (a PostgreSQL server; a database of its own is created on it)')
  process.exit(2)
}
const kills = { publisherKills: 0, consumerKills: 0 }
const result = await simulateOffline({
  databaseUrl,
  tills: Number(values.tills ?? 8),
  transactions: Number(values.transactions ?? 1000),
  seed: Number(values.seed ?? 13),
  ...(values.members !== undefined ? { members: Number(values.members) } : {}),
  ...(values.codes !== undefined ? { codes: Number(values.codes) } : {}),
  ...(values.debtors !== undefined ? { debtors: Number(values.debtors) } : {}),
  log: (line) => console.log(line),
  ...(values.faults === true ? { pipeline: faultyPipeline({ twice: values.twice === true, log: kills }) } : {}),
})
if (values.faults === true)
  console.log(`faults: ${kills.publisherKills} publisher and ${kills.consumerKills} consumer kills`)
console.log(JSON.stringify(result))
const ok =
  result.lost === 0 &&
  result.doubled === 0 &&
  result.conflictsCreated === result.conflictsReported &&
  result.ledgerMatches &&
  result.debtsMatch &&
  result.debtsRepaid === result.debtors &&
  result.accountsInDebt === 0
process.exit(ok ? 0 : 1)
