import { decodeConfig, runCartLines, runDelivery } from '@tessera/adapter-shopify'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, orFail, printJson, readJsonFile } from '../io.js'

interface RunOptions {
  readonly campaigns: string
  readonly input: string
  readonly target?: string
  readonly currency?: string
}

type Json = Record<string, unknown>

const isObject = (u: unknown): u is Json => typeof u === 'object' && u !== null && !Array.isArray(u)

/**
 * `tessera shopify run --campaigns FILE --input FILE` runs the Shopify discount function on a
 * function input (the JSON Shopify passes to it), with the campaigns as the discount's metafield,
 * and prints the function's output JSON; the reasons it logs go to stderr. The target is
 * `cart.lines.discounts.generate.run`, or the delivery one with `--target delivery` (the default
 * when the input's cart has delivery groups and no lines). Input the function refuses exits 2 with
 * its reason, naming the field, and nothing on stdout.
 */
export const registerShopify = (program: Command, io: CliIo) => {
  const shopify = program.command('shopify').description('Shopify discount function: run it on a function input')
  shopify
    .command('run')
    .description("print the discount function's output JSON for a Shopify function input")
    .requiredOption(
      '--campaigns <file>',
      'JSON array of campaigns, or the metafield document { currency, campaigns, … }',
    )
    .requiredOption('--input <file>', 'the function input JSON (what Shopify passes to the function)')
    .option(
      '--target <target>',
      'cart-lines or delivery (default: delivery when the cart has delivery groups and no lines)',
    )
    .option('--currency <code>', "the campaigns' currency, when the campaigns file is an array (default: the cart's)")
    .action((options: RunOptions) => {
      const campaigns = orFail(readJsonFile(options.campaigns, 'campaigns'))
      const jsonValue =
        options.currency === undefined
          ? campaigns
          : Array.isArray(campaigns)
            ? { currency: options.currency, campaigns }
            : isObject(campaigns)
              ? { ...campaigns, currency: options.currency }
              : campaigns
      const config = decodeConfig({ jsonValue })
      if (config._tag === 'Left') {
        const problems = config.left.problems.map(
          (p) => `${p.path.replace(/^discount\.metafield\.jsonValue\.?/, '') || '(root)'}: ${p.reason}`,
        )
        throw new CommandFailure(`${options.campaigns}: invalid campaigns: ${problems.join('; ')}`)
      }
      const input = orFail(readJsonFile(options.input, 'shopify input'))
      if (!isObject(input))
        throw new CommandFailure(`${options.input}: invalid shopify input: (root): must be a JSON object`)
      const cart = isObject(input.cart) ? input.cart : {}
      const target =
        options.target ?? (Array.isArray(cart.deliveryGroups) && !Array.isArray(cart.lines) ? 'delivery' : 'cart-lines')
      if (target !== 'cart-lines' && target !== 'delivery')
        throw new CommandFailure(`--target: must be "cart-lines" or "delivery", got "${target}"`)
      const discount = isObject(input.discount) ? input.discount : {}
      const withCampaigns = { ...input, discount: { ...discount, metafield: { jsonValue } } }
      const run = target === 'delivery' ? runDelivery(withCampaigns) : runCartLines(withCampaigns)
      if (run.error !== undefined) throw new CommandFailure(`${options.input}: ${run.error.message}`)
      for (const line of run.log) io.err(`${line}\n`)
      printJson(io, run.result)
    })
  return shopify
}
