import { type PurchaseRecord, systemClock } from '@tessera/core'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, printJson } from '../io.js'
import { instantOption, orLedgerFail, type StoreOptions, usingStores, withStoreOptions } from './store.js'

const memberIdOf = (id: string): string => {
  if (id.trim() === '' || id !== id.trim()) {
    throw new CommandFailure(`the member id must be the id as enrolled, without spaces around it, got "${id}"`)
  }
  return id
}

/**
 * `tessera member export ID` (the right of access: everything held about a member, as one JSON
 * document, with their purchases) and `tessera member erase ID --yes` (the right to erasure: the
 * member is pseudonymised and their cards blocked; the ledger and every amount stay as they are).
 */
export const registerMember = (program: Command, io: CliIo, now: () => number = systemClock.now) => {
  const member = program.command('member').description("members' data rights: export and erase")
  withStoreOptions(
    member
      .command('export')
      .description('print everything held about a member as JSON: record, cards, accounts, entries, purchases')
      .argument('<memberId>', 'the member id')
      .option('--at <time>', 'balances as of this ISO-8601 date-time (default: now)'),
  ).action(async (id: string, options: StoreOptions & { at?: string }) => {
    const memberId = memberIdOf(id)
    const asOf = options.at === undefined ? now() : instantOption('--at', options.at)
    await usingStores(options, async ({ loyalty, checkout }) => {
      const held = orLedgerFail(await loyalty.exportMember(memberId, asOf))
      const purchases = new Map<string, PurchaseRecord>()
      for (const card of held.cards) {
        for (const p of (await checkout.standing(card.number)).purchases) purchases.set(p.id, p)
      }
      printJson(io, { ...held, purchases: [...purchases.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)) })
    })
  })
  withStoreOptions(
    member
      .command('erase')
      .description("erase a member's personal data: pseudonymise the record, block their cards, keep the ledger")
      .argument('<memberId>', 'the member id')
      .option('--yes', 'confirm: an erasure cannot be undone')
      .option('--json', 'print what was erased as JSON'),
  ).action(async (id: string, options: StoreOptions & { yes?: boolean; json?: boolean }) => {
    const memberId = memberIdOf(id)
    if (options.yes !== true) {
      throw new CommandFailure(
        `erasing ${memberId} cannot be undone: run \`tessera member export ${memberId}\` first if they asked for a copy, then add --yes`,
      )
    }
    await usingStores(options, async ({ loyalty }) => {
      const done = orLedgerFail(await loyalty.eraseMember(memberId, now()))
      if (options.json) return printJson(io, done)
      if (done.alreadyErased) {
        io.out(`${memberId} was already erased on ${new Date(done.erasedAt).toISOString()}: nothing changed\n`)
        return
      }
      const cards = done.blockedCards.length === 0 ? 'no active card' : `card(s) ${done.blockedCards.join(', ')}`
      io.out(`erased ${memberId}: personal data removed, ${cards} blocked; points and ledger kept\n`)
    })
  })
  return member
}
