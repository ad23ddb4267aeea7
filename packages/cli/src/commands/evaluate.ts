import {
  amountMismatches,
  type Basket,
  type Customer,
  compile,
  type DecodeError,
  decodeBasket,
  decodeCampaigns,
  decodeCustomer,
  decodeProgram,
  decodeUsage,
  evaluate,
  type UsageSnapshot,
} from '@tessera/core'
import type { Command } from 'commander'
import type { Either } from 'fp-ts/lib/Either.js'
import { type CliIo, CommandFailure, orFail, printJson, readJsonFile, storeTimeZoneOf } from '../io.js'

/**
 * Reads a JSON file and decodes it, or fails the command (exit 2) with a message that names the
 * file, the document, each refused field's path and the reason.
 */
export const loadDocument = <A>(path: string, document: string, decode: (u: unknown) => Either<DecodeError, A>): A => {
  const json = orFail(readJsonFile(path, document))
  const decoded = decode(json)
  if (decoded._tag === 'Left') throw new CommandFailure(`${path}: ${decoded.left.message}`)
  return decoded.right
}

interface EvaluateOptions {
  readonly campaigns: string
  readonly basket: string
  readonly customer?: string
  readonly program?: string
  readonly storeTimeZone?: string
  readonly usage?: string
}

/**
 * `tessera evaluate --campaigns FILE --basket FILE [--customer FILE] [--program FILE] [--usage FILE]`:
 * prints the Evaluation of the basket (wire contract v1) on stdout, with limits and budgets judged on
 * the usage snapshot (`{ campaigns: { id: { redemptions, customerRedemptions, discountSpent,
 * pointsSpent } } }`) when given — the same numbers a checkout's `price` and `close` give. Every input is decoded before anything is
 * printed, so invalid input exits 2 with nothing on stdout. Static problems of the campaigns (as
 * `tessera lint` reports them) are printed on stderr as warnings.
 */
export const registerEvaluate = (program: Command, io: CliIo) =>
  program
    .command('evaluate')
    .description('evaluate a basket against campaigns and print the Evaluation JSON')
    .requiredOption('--campaigns <file>', 'JSON array of campaigns')
    .requiredOption('--basket <file>', 'the basket JSON')
    .option('--customer <file>', 'the customer JSON (omit for an anonymous basket)')
    .option('--program <file>', 'the loyalty program JSON (points earning, tiers)')
    .option('--usage <file>', "the campaigns' usage so far (limits and budgets), as a store reports it")
    .option('--store-time-zone <zone>', 'IANA zone for campaigns without validity.timeZone (e.g. Europe/Paris)')
    .action((options: EvaluateOptions) => {
      const campaigns = loadDocument(options.campaigns, 'campaigns', decodeCampaigns)
      const basket: Basket = loadDocument(options.basket, 'basket', decodeBasket)
      const customer: Customer | undefined =
        options.customer === undefined ? undefined : loadDocument(options.customer, 'customer', decodeCustomer)
      const loyalty =
        options.program === undefined ? undefined : loadDocument(options.program, 'program', decodeProgram)
      const usage: UsageSnapshot | undefined =
        options.usage === undefined ? undefined : loadDocument(options.usage, 'usage', decodeUsage)
      const compiled = compile(campaigns, storeTimeZoneOf(options.storeTimeZone))
      for (const p of compiled.problems) io.err(`tessera: warning: campaign ${p.campaignId}: ${p.code}: ${p.message}\n`)
      for (const m of amountMismatches(basket)) io.err(`tessera: warning: basket ${m.path}: ${m.message}\n`)
      printJson(io, evaluate(compiled, basket, customer, loyalty, usage))
    })
