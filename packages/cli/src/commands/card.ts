import { cardNumberFromSerial, DEFAULT_CARD_RANGE, systemClock } from '@tessera/core'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, orFail, printJson } from '../io.js'
import { orLedgerFail, type StoreOptions, usingStore, withStoreOptions } from './store.js'

/** The account of a member's cards: one per member, shared by every card issued to them. */
const memberAccountId = (memberId: string) => `member:${memberId}`
/** The account of an anonymous card: its own. */
const cardAccountId = (number: string) => `card:${number}`

/**
 * `tessera card new [--anonymous] [--member ID]`: issues a card numbered in the restricted-circulation
 * range (prefix 29, GS1 check digit) from the store's `card` serial and prints its number. A member
 * card goes on the member's account (opened, and the member enrolled, on first use); an anonymous
 * card gets an account of its own. Uses the system clock for the issue time.
 */
export const registerCard = (program: Command, io: CliIo, now: () => number = systemClock.now) => {
  const card = program.command('card').description('loyalty cards')
  withStoreOptions(
    card
      .command('new')
      .description('issue a new card and print its number')
      .option('--anonymous', 'an anonymous card (the default)')
      .option('--member <id>', 'issue the card to this member')
      .option('--program <id>', 'the loyalty program of a new account', 'club')
      .option('--json', 'print the card as JSON'),
  ).action(
    async (options: StoreOptions & { anonymous?: boolean; member?: string; program: string; json?: boolean }) => {
      if (options.anonymous === true && options.member !== undefined) {
        throw new CommandFailure('--anonymous and --member exclude each other: a member card is not anonymous')
      }
      if (options.member !== undefined && options.member.trim() === '')
        throw new CommandFailure('--member must not be empty')
      const at = now()
      await usingStore(options, async (store) => {
        const serial = orLedgerFail(await store.nextSerial('card'))
        const number = orFail(cardNumberFromSerial(DEFAULT_CARD_RANGE, serial))
        let accountId = cardAccountId(number)
        if (options.member !== undefined) {
          const memberId = options.member
          if ((await store.member(memberId))._tag === 'Left') {
            orLedgerFail(await store.saveMember({ memberId, programId: options.program, joinedAt: at }))
          }
          accountId = memberAccountId(memberId)
          if ((await store.account(accountId))._tag === 'Left') {
            orLedgerFail(await store.openAccount({ accountId, programId: options.program, memberId, at }))
          }
        } else {
          orLedgerFail(await store.openAccount({ accountId, programId: options.program, at }))
        }
        const issued = orLedgerFail(
          await store.issueCard({
            number,
            accountId,
            ...(options.member === undefined ? {} : { memberId: options.member }),
            at,
          }),
        )
        if (options.json) printJson(io, issued)
        else io.out(`${issued.number}\n`)
      })
    },
  )
  return card
}
