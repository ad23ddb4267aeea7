import {
  applyEvaluation,
  ORDER_DOCUMENT,
  type OrderToBasketOptions,
  orderToBasket,
  type SquareCatalog,
  SquareCatalogCodec,
} from '@tessera/adapter-square'
import {
  compile,
  type DecodeError,
  decodeCampaigns,
  decodeCustomer,
  decodeError,
  decodeProgram,
  decodeWith,
  evaluate,
} from '@tessera/core'
import type { Command } from 'commander'
import type { Either } from 'fp-ts/lib/Either.js'
import { type CliIo, CommandFailure, orFail, printJson, readJsonFile, storeTimeZoneOf } from '../io.js'
import { loadDocument } from './evaluate.js'

/**
 * A Square order file: an `Order`, or a request or response that holds one under `order`
 * (`CreateOrderRequest`, `CalculateOrderRequest`, `RetrieveOrderResponse`…). Errors name the field
 * in the file (`order.line_items.2.quantity`).
 */
interface OrderFile {
  readonly order: unknown
  readonly wrapper?: Record<string, unknown>
}

const readOrderFile = (path: string): OrderFile => {
  const json = orFail(readJsonFile(path, ORDER_DOCUMENT))
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && !('line_items' in json) && 'order' in json) {
    return { order: (json as { order: unknown }).order, wrapper: json as Record<string, unknown> }
  }
  return { order: json }
}

/** Fails the command (exit 2) with the error, its paths prefixed with `order.` inside a wrapper. */
const orFailIn = <A>(file: string, wrapped: boolean, e: Either<DecodeError, A>): A => {
  if (e._tag === 'Right') return e.right
  const error = wrapped
    ? decodeError(
        e.left.document,
        e.left.problems.map((p) => ({
          path: e.left.document === ORDER_DOCUMENT ? (p.path === '' ? 'order' : `order.${p.path}`) : p.path,
          reason: p.reason,
        })),
      )
    : e.left
  throw new CommandFailure(`${file}: ${error.message}`)
}

const decodeCatalog = decodeWith(SquareCatalogCodec, 'square catalog')

interface BasketFlags {
  readonly id?: string
  readonly at?: string
  readonly card?: string
  readonly channel?: string
  readonly terminalId?: string
  readonly catalog?: string
}

const basketOptions = (flags: BasketFlags): OrderToBasketOptions => {
  if (flags.channel !== undefined && flags.channel !== 'store' && flags.channel !== 'online') {
    throw new CommandFailure(`--channel: must be "store" or "online", got "${flags.channel}"`)
  }
  const catalog: SquareCatalog | undefined =
    flags.catalog === undefined ? undefined : loadDocument(flags.catalog, 'square catalog', decodeCatalog)
  return {
    ...(flags.id === undefined ? {} : { id: flags.id }),
    ...(flags.at === undefined ? {} : { at: flags.at }),
    ...(flags.card === undefined ? {} : { card: flags.card }),
    ...(flags.channel === undefined ? {} : { channel: flags.channel as 'store' | 'online' }),
    ...(flags.terminalId === undefined ? {} : { terminalId: flags.terminalId }),
    ...(catalog === undefined ? {} : { catalog }),
  }
}

const basketFlags = (command: Command) =>
  command
    .option('--id <id>', "the basket id (default: the order's id, then its reference_id)")
    .option('--at <time>', "the time of the sale, ISO-8601 with offset (default: the order's created_at)")
    .option('--card <card>', "the loyalty card (default: the order's customer_id)")
    .option('--channel <channel>', 'store or online (default: online)')
    .option('--terminal-id <id>', "the terminal (default: the order's source.name, else square)")
    .option('--catalog <file>', 'JSON object of item variations by catalog_object_id: { sku, categories, brand, tags }')

interface ApplyOptions extends BasketFlags {
  readonly campaigns: string
  readonly order: string
  readonly customer?: string
  readonly program?: string
  readonly storeTimeZone?: string
}

/**
 * `tessera square import FILE` prints `{ "basket": … }` for a Square order;
 * `tessera square apply --campaigns FILE --order FILE` prints the order with Tessera's discounts
 * (one fixed-amount line-item discount per campaign and line), in the same wrapper as the file, so
 * a `CalculateOrderRequest` comes out ready to post. Bad input exits 2 with the field named and
 * nothing on stdout.
 */
export const registerSquare = (program: Command, io: CliIo) => {
  const square = program
    .command('square')
    .description('Square Orders: import an order as a basket, apply Tessera discounts')
  basketFlags(
    square
      .command('import')
      .description('print { "basket": … } for a Square Order JSON (or a request holding one under "order")')
      .argument('<file>', 'the Square Order JSON'),
  ).action((file: string, flags: BasketFlags) => {
    const { order, wrapper } = readOrderFile(file)
    const basket = orFailIn(file, wrapper !== undefined, orderToBasket(order, basketOptions(flags)))
    printJson(io, { basket })
  })
  basketFlags(
    square
      .command('apply')
      .description("print the Square order with Tessera's discounts as line-item discounts")
      .requiredOption('--campaigns <file>', 'JSON array of campaigns')
      .requiredOption('--order <file>', 'the Square Order JSON (or a request holding one under "order")')
      .option('--customer <file>', 'the customer JSON (omit for an anonymous basket)')
      .option('--program <file>', 'the loyalty program JSON')
      .option('--store-time-zone <zone>', 'IANA zone for campaigns without validity.timeZone (e.g. Europe/Paris)'),
  ).action((options: ApplyOptions) => {
    const campaigns = loadDocument(options.campaigns, 'campaigns', decodeCampaigns)
    const customer =
      options.customer === undefined ? undefined : loadDocument(options.customer, 'customer', decodeCustomer)
    const loyalty = options.program === undefined ? undefined : loadDocument(options.program, 'program', decodeProgram)
    const { order, wrapper } = readOrderFile(options.order)
    const wrapped = wrapper !== undefined
    const basket = orFailIn(options.order, wrapped, orderToBasket(order, basketOptions(options)))
    const compiled = compile(campaigns, storeTimeZoneOf(options.storeTimeZone))
    for (const p of compiled.problems) io.err(`tessera: warning: campaign ${p.campaignId}: ${p.code}: ${p.message}\n`)
    const evaluation = evaluate(compiled, basket, customer, loyalty)
    const applied = orFailIn(options.order, wrapped, applyEvaluation(order, evaluation))
    printJson(io, wrapper === undefined ? applied : { ...wrapper, order: applied })
  })
  return square
}
