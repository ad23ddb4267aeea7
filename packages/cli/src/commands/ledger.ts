import type { Command } from 'commander'
import { type CliIo, CommandFailure, EXIT, printJson } from '../io.js'
import { instantOption, orLedgerFail, type StoreOptions, usingStore, withStoreOptions } from './store.js'

/**
 * `tessera ledger check` (recomputes every balance from the entries: exit 0 consistent, 1 with the
 * list of inconsistencies) and `tessera ledger expire --as-of TIME [--key KEY]` (the idempotent
 * expiry sweep; the same key twice expires once).
 */
export const registerLedger = (program: Command, io: CliIo) => {
  const ledger = program.command('ledger').description('the points ledger: consistency check and expiry sweep')
  withStoreOptions(
    ledger
      .command('check')
      .description('recompute every balance from its entries: exit 0 consistent, 1 inconsistent (listed)')
      .option('--json', 'print the report as JSON'),
  ).action(async (options: StoreOptions & { json?: boolean }) => {
    const report = await usingStore(options, async (store) => orLedgerFail(await store.check()))
    if (options.json) printJson(io, report)
    else if (report.problems.length === 0) {
      io.out(`ledger consistent: ${report.accounts} accounts, ${report.entries} entries\n`)
    } else {
      io.out(`ledger INCONSISTENT: ${report.problems.length} problems in ${report.accounts} accounts\n`)
      for (const p of report.problems) io.out(`  ${p.accountId}: ${p.problem}\n`)
    }
    if (report.problems.length > 0) {
      throw new CommandFailure(`the ledger has ${report.problems.length} inconsistencies`, EXIT.negative)
    }
  })
  withStoreOptions(
    ledger
      .command('expire')
      .description('expire the lots due at a time and release lapsed reservations (idempotent per --key)')
      .requiredOption('--as-of <time>', 'expire what is due at this ISO-8601 time')
      .option('--key <key>', 'the sweep idempotency key (default: expire/<as-of in UTC>)')
      .option('--json', 'print the sweep report as JSON'),
  ).action(async (options: StoreOptions & { asOf: string; key?: string; json?: boolean }) => {
    const asOf = instantOption('--as-of', options.asOf)
    const key = options.key ?? `expire/${new Date(asOf).toISOString()}`
    if (key.trim() === '') throw new CommandFailure('--key must not be empty')
    const report = await usingStore(options, async (store) => orLedgerFail(await store.expireDue(asOf, key)))
    if (options.json) printJson(io, { ...report, asOf: new Date(report.asOf).toISOString() })
    else {
      io.out(
        `expired ${report.expiredPoints} points on ${report.accounts} accounts, released ${report.releasedReservations} reservations (as of ${new Date(asOf).toISOString()}, key ${key})\n`,
      )
    }
  })
  return ledger
}
