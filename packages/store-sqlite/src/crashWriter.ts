/**
 * The child process of the crash test (`sqlite.crash.test.ts`): posts batches of earns, redeems,
 * reserves and commits on ten accounts, forever, until it is killed. Prints `ok <key>` after each
 * booked posting (`no <key>` after a refused one), so that the test knows what was acknowledged. Not
 * part of the package's API.
 *
 *   node --import tsx --conditions=@tessera/source crashWriter.ts <file> <round>
 */
import { openSqliteStore } from './store.js'

const [file, round] = process.argv.slice(2)
if (file === undefined || round === undefined) throw new Error('usage: crashWriter.ts <file> <round>')
const T0 = Date.parse('2026-11-26T10:00:00Z')
const ACCOUNTS = 10

const store = openSqliteStore({ file })
for (let a = 0; a < ACCOUNTS; a++) {
  // Already open after the first round: AlreadyExists is expected then.
  await store.openAccount({ accountId: `acc-${a}`, programId: 'club', at: T0 })
}
for (let batch = 0; ; batch++) {
  for (let j = 0; j < 20; j++) {
    const account = { accountId: `acc-${(batch + j) % ACCOUNTS}` }
    const key = `r${round}-b${batch}-${j}`
    const at = T0
    const step = j % 5
    const result =
      step < 2
        ? await store.post({ kind: 'earn', key, at, account, points: 10 + j, expiresAt: T0 + 86_400_000 * (1 + j) })
        : step === 2
          ? await store.post({ kind: 'redeem', key, at, account, points: 3 })
          : step === 3
            ? await store.post({ kind: 'reserve', key, at, account, points: 2, expiresAt: T0 + 3_600_000 })
            : await store.post({
                kind: 'commit',
                key,
                at,
                account: { accountId: `acc-${(batch + j - 1) % ACCOUNTS}` },
                reservationId: `r${round}-b${batch}-${j - 1}`,
              })
    process.stdout.write(`${result._tag === 'Right' ? 'ok' : 'no'} ${key}\n`)
  }
}
