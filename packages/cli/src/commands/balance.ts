import { systemClock } from '@tessera/core'
import type { Command } from 'commander'
import { type CliIo, printJson } from '../io.js'
import { instantOption, orLedgerFail, type StoreOptions, usingStore, withStoreOptions } from './store.js'

/**
 * `tessera balance CARD [--at TIME] [--json]`: the available, pending and reserved points of the
 * card's account, as of now (the system clock) or `--at`. An unknown card exits 2.
 */
export const registerBalance = (program: Command, io: CliIo, now: () => number = systemClock.now) =>
  withStoreOptions(
    program
      .command('balance')
      .description("print a card's available, pending and reserved points")
      .argument('<card>', 'the card number')
      .option('--at <time>', 'the balance as of this ISO-8601 time (default: now)')
      .option('--json', 'print the balance as JSON'),
  ).action(async (number: string, options: StoreOptions & { at?: string; json?: boolean }) => {
    const asOf = options.at === undefined ? now() : instantOption('--at', options.at)
    await usingStore(options, async (store) => {
      const card = orLedgerFail(await store.card(number))
      const balance = orLedgerFail(await store.balance(card.accountId, asOf))
      if (options.json) {
        printJson(io, { card: card.number, ...balance, asOf: new Date(balance.asOf).toISOString() })
        return
      }
      io.out(
        [
          `card      ${card.number}${card.status === 'active' ? '' : ` (${card.status})`}`,
          `available ${balance.available}`,
          `pending   ${balance.pending}`,
          `reserved  ${balance.reserved}`,
          '',
        ].join('\n'),
      )
    })
  })
