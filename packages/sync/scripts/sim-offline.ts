/**
 * `pnpm sim:offline`: the link-cut simulation (8 tills × 1,000 sales by default; `--tills N`,
 * `--transactions N`). Needs `DATABASE_URL` and `/usr/sbin/nats-server`. Prints a progress line
 * per phase, and last one JSON line.
 */
import { parseArgs } from 'node:util'
import { simulateOffline } from '../src/sim/simulate.js'

const { values } = parseArgs({
  options: { tills: { type: 'string' }, transactions: { type: 'string' }, seed: { type: 'string' } },
})
const databaseUrl = process.env.DATABASE_URL
if (databaseUrl === undefined || databaseUrl === '') {
  console.error('sim:offline needs DATABASE_URL (a PostgreSQL server; a database of its own is created on it)')
  process.exit(2)
}
const result = await simulateOffline({
  databaseUrl,
  tills: Number(values.tills ?? 8),
  transactions: Number(values.transactions ?? 1000),
  seed: Number(values.seed ?? 13),
  log: (line) => console.log(line),
})
console.log(JSON.stringify(result))
process.exit(result.lost === 0 && result.doubled === 0 && result.conflictsCreated === result.conflictsReported ? 0 : 1)
