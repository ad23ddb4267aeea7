import { systemClock } from '@tessera/core'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, printJson } from '../io.js'
import { instantOption, orLedgerFail, type StoreOptions, usingStore, withStoreOptions } from './store.js'

interface AdjustOptions extends StoreOptions {
  readonly points: string
  readonly reason: string
  readonly key: string
  readonly at?: string
  readonly json?: boolean
}

/**
 * `tessera points adjust CARD --points N --reason TEXT --key KEY [--at TIME]`: a manual correction
 * of a card's points (positive credits, negative debits), posted to the ledger as an `adjust` keyed
 * `KEY`: the same command run twice books once (the second answers the first result), the same key
 * with other points or reason is refused as a conflicting replay. The reason is kept on the entry
 * (who asked, and why). A debit past what the program allows is refused with nothing booked.
 */
export const registerPoints = (program: Command, io: CliIo, now: () => number = systemClock.now) => {
  const points = program.command('points').description("correct a card's points by hand, with a reason")
  withStoreOptions(
    points
      .command('adjust')
      .description('credit (N > 0) or debit (N < 0) points, idempotent by --key')
      .argument('<card>', 'the card number')
      .requiredOption('--points <n>', 'whole points, e.g. 250 or -100')
      .requiredOption('--reason <text>', 'who asked and why, kept on the ledger entry')
      .requiredOption('--key <key>', 'idempotency key, e.g. the ticket number of the complaint')
      .option('--at <time>', 'when (ISO-8601 with offset; default now)')
      .option('--json', 'print the posting result as JSON'),
  ).action(async (card: string, options: AdjustOptions) => {
    const amount = Number(options.points)
    if (!Number.isSafeInteger(amount) || amount === 0)
      throw new CommandFailure(`--points must be a whole number other than 0, got "${options.points}"`)
    if (options.reason.trim() === '') throw new CommandFailure('--reason must say who asked and why')
    const at = options.at === undefined ? now() : instantOption('--at', options.at)
    await usingStore(options, async (store) => {
      const posted = orLedgerFail(
        await store.post({
          kind: 'adjust',
          key: options.key,
          at,
          account: { card },
          points: amount,
          reason: options.reason,
        }),
      )
      const { balance } = posted
      if (options.json) {
        printJson(io, { card, key: options.key, points: amount, accountId: posted.accountId, balance })
        return
      }
      io.out(
        `booked once under ${options.key}: ${amount > 0 ? '+' : ''}${amount} points on ${card}; available ${balance.available}\n`,
      )
    })
  })
}
