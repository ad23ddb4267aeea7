import {
  CtCatalogCodec,
  EXTENSION_DOCUMENT,
  type ExtensionOptions,
  priceExtensionInput,
  type Strategy,
} from '@tessera/adapter-commercetools'
import { compile, decodeCampaigns, decodeCustomer, decodeProgram, decodeWith } from '@tessera/core'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, orFail, printJson, readJsonFile, storeTimeZoneOf } from '../io.js'
import { loadDocument } from './evaluate.js'

interface PriceOptions {
  readonly campaigns: string
  readonly cart: string
  readonly strategy?: string
  readonly catalog?: string
  readonly at?: string
  readonly card?: string
  readonly storeId?: string
  readonly customer?: string
  readonly program?: string
  readonly storeTimeZone?: string
}

const decodeCatalog = decodeWith(CtCatalogCodec, 'commercetools catalog')

/**
 * The file of `--cart`: an extension request body (`{ action, resource: { typeId: "cart", id, obj } }`)
 * as is, or a bare `Cart` (it has `lineItems`), sent as an Update of that cart.
 */
const extensionBodyOf = (json: unknown): unknown =>
  typeof json === 'object' && json !== null && !Array.isArray(json) && 'lineItems' in json && !('resource' in json)
    ? { action: 'Update', resource: { typeId: 'cart', id: (json as { id?: unknown }).id, obj: json } }
    : json

/**
 * `tessera commercetools price --campaigns FILE --cart FILE` prints what the API Extension answers
 * for the cart: `{ "actions": [...] }`, the update actions that make commercetools compute Tessera's
 * totals. Bad input exits 2 with the field named and nothing on stdout.
 */
export const registerCommercetools = (program: Command, io: CliIo) => {
  const commercetools = program
    .command('commercetools')
    .description("commercetools: the Cart API Extension's answer for a cart")
  commercetools
    .command('price')
    .description('print the update actions ({ "actions": [...] }) the extension answers for a cart')
    .requiredOption('--campaigns <file>', 'JSON array of campaigns')
    .requiredOption('--cart <file>', 'an extension request body, or a commercetools Cart JSON')
    .option('--strategy <strategy>', 'directDiscounts (default) or externalPrice')
    .option('--catalog <file>', 'JSON object of SKUs: { categories, brand, tags, discountable }')
    .option('--at <time>', "the time of the sale, ISO-8601 with offset (default: the cart's lastModifiedAt)")
    .option('--card <card>', 'the loyalty card (default: the cart custom field tesseraCard)')
    .option('--store-id <id>', "the shop (default: the cart's store key, else commercetools)")
    .option('--customer <file>', 'the customer JSON (omit for an anonymous cart)')
    .option('--program <file>', 'the loyalty program JSON')
    .option('--store-time-zone <zone>', 'IANA zone for campaigns without validity.timeZone (e.g. Europe/Paris)')
    .action((options: PriceOptions) => {
      if (options.strategy !== undefined && !['directDiscounts', 'externalPrice'].includes(options.strategy)) {
        throw new CommandFailure(`--strategy: must be "directDiscounts" or "externalPrice", got "${options.strategy}"`)
      }
      const campaigns = loadDocument(options.campaigns, 'campaigns', decodeCampaigns)
      const customer =
        options.customer === undefined ? undefined : loadDocument(options.customer, 'customer', decodeCustomer)
      const loyalty =
        options.program === undefined ? undefined : loadDocument(options.program, 'program', decodeProgram)
      const catalog =
        options.catalog === undefined
          ? undefined
          : loadDocument(options.catalog, 'commercetools catalog', decodeCatalog)
      const body = extensionBodyOf(orFail(readJsonFile(options.cart, EXTENSION_DOCUMENT)))
      const compiled = compile(campaigns, storeTimeZoneOf(options.storeTimeZone))
      for (const p of compiled.problems) io.err(`tessera: warning: campaign ${p.campaignId}: ${p.code}: ${p.message}\n`)
      const extension: ExtensionOptions = {
        ...(options.strategy === undefined ? {} : { strategy: options.strategy as Strategy }),
        ...(catalog === undefined ? {} : { catalog }),
        ...(options.at === undefined ? {} : { at: options.at }),
        ...(options.card === undefined ? {} : { card: options.card }),
        ...(options.storeId === undefined ? {} : { storeId: options.storeId }),
        ...(customer === undefined ? {} : { customer }),
        ...(loyalty === undefined ? {} : { program: loyalty }),
      }
      const priced = priceExtensionInput(body, compiled, extension)
      if (priced._tag === 'Left') throw new CommandFailure(`${options.cart}: ${priced.left.message}`)
      printJson(io, { actions: priced.right.actions })
    })
  return commercetools
}
