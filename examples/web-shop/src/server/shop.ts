import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import {
  type Clock,
  cryptoRandomSource,
  drawCodes,
  type LocalDate,
  parseCodePattern,
  type RandomSource,
  systemClock,
} from '@tessera/core'
import { createApiKey, type ServerStores, type Started, startServer } from '@tessera/server'
import { DEMO_KEY_ID, localIso, openDemoShop } from '../../../till-simulator/src/shop/shop.js'
import type { Product } from '../../../till-simulator/src/store/catalog.js'
import { shopShelves } from './catalogue.js'
import { registerShopRoutes } from './routes.js'

/**
 * The web shop's process: the till simulator's demo shop (catalogue, campaigns, program, members
 * and cards) seeded once into its own SQLite file, Tessera's server on it (`/v1/…`, `/docs`), the
 * shop's routes (`/shop/api/…`) and the built page (`/`), on one port.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link startWebShop}. @category web-shop */
export interface WebShopOptions {
  /** The shop's SQLite file (created and seeded if missing). Default `.tessera/shop/shop.sqlite`. */
  readonly file?: string
  readonly port?: number
  readonly host?: string
  /** The clock of sales, code holds and keys (default the system clock). */
  readonly clock?: Clock
  /** Members to seed in a new file (default 300). */
  readonly members?: number
  /** The built page (default `dist/web` of this example). */
  readonly webRoot?: string
  /** Flyer codes to add at each start (single-use, "5 € off from 25 €"; default 3). */
  readonly flyerCodes?: number
  readonly random?: RandomSource
  readonly logger?: boolean | Record<string, unknown>
  /**
   * Which proxies to believe for the shopper's address (Fastify's `trustProxy`, e.g. `'127.0.0.1'`
   * behind a local reverse proxy): the server's guard against guessing codes counts per address.
   * Default none: the address of the connection.
   */
  readonly trustProxy?: boolean | string | readonly string[] | number
}

/** A demo card to sign in with. @category web-shop */
export interface DemoCard {
  readonly card: string
  readonly name: string
  readonly tier: string
}

/** The running shop. @category web-shop */
export interface WebShop {
  readonly url: string
  readonly storeId: string
  /** The key of the shop's till `web`: for scripts and tests on `/v1/…` (the page never sees it). */
  readonly apiKey: string
  readonly demoCards: readonly DemoCard[]
  /** Single-use flyer codes of the `comeback-5` coupon (5 € off from 25 €), new at each start. */
  readonly flyerCodes: readonly string[]
  readonly server: Started
  readonly stop: () => Promise<void>
}

/** Why the shop did not start. @category web-shop */
export interface WebShopError {
  readonly _tag: 'WebShopError'
  readonly message: string
}

// ── constants ────────────────────────────────────────────────────────────────────────────────────

/** The built front end, beside this example's sources. @category web-shop */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url))

/** The flyer codes' pool: the till simulator's `comeback-5` template, whose campaign names pool BACK. */
const FLYER_POOL = 'BACK'
const FLYER_PATTERN = 'BACK-####-####'

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Starts the web shop: seeds the file when new (the demo shop's members, cards and history), adds
 * fresh flyer codes, makes a new key for the shop's till (revoking the older ones: only hashes are
 * stored), and listens.
 * @category web-shop
 */
export const startWebShop = async (options: WebShopOptions = {}): Promise<WebShop> => {
  const clock = options.clock ?? systemClock
  const file = options.file ?? join('.tessera', 'shop', 'shop.sqlite')
  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT
  if (!existsSync(join(webRoot, 'index.html')))
    throw new Error(`web-shop: no built page in ${webRoot}: run \`pnpm --filter @tessera/web-shop build:web\``)
  const day = localIso(clock.now()).slice(0, 10) as LocalDate
  const opened = await openDemoShop({ file, day, clock, members: options.members ?? 300 })
  if (opened._tag === 'Left') throw new Error(`web-shop: ${opened.left.message}`)
  const demo = opened.right

  // Flyer codes: single-use codes of the comeback-5 coupon, with a check character (a typo is told apart).
  const pattern = parseCodePattern(FLYER_PATTERN)
  if (pattern._tag === 'Left') throw new Error(pattern.left.message)
  const flyerCodes = drawCodes(pattern.right, options.random ?? cryptoRandomSource, options.flyerCodes ?? 3)
  const pool = await demo.store.putPool({
    id: FLYER_POOL,
    kind: { type: 'singleUse' },
    campaignId: 'comeback-5',
    pattern: FLYER_PATTERN,
  })
  if (pool._tag === 'Left') throw new Error(`web-shop: pool ${FLYER_POOL}: ${pool.left._tag}`)
  const added = await demo.store.addCodes(FLYER_POOL, flyerCodes)
  if (added._tag === 'Left') throw new Error(`web-shop: flyer codes: ${added.left._tag}`)

  const at = localIso(clock.now())
  const demoCards: DemoCard[] = []
  for (const wanted of ['gold', 'silver', undefined]) {
    const m = demo.members.find(
      (x) => demo.tierOf(x, at) === wanted && !demoCards.some((c) => c.card === x.card) && x.visits.length > 0,
    )
    if (m !== undefined) demoCards.push({ card: m.card, name: m.firstName, tier: wanted ?? 'member' })
  }
  const shelves = shopShelves(demo.catalog)
  const sellable = new Map<string, Product>()
  for (const s of shelves) for (const p of s.products) sellable.set(p.sku, demo.catalog.bySku.get(p.sku) as Product)
  const gift = demo.catalog.bySku.get(demo.catalog.giftSku)
  if (gift !== undefined) sellable.set(gift.sku, gift)
  const { campaigns, program, keyring, storeId, timeZone, byCard } = demo
  await demo.close()

  let apiKey = ''
  let stores: ServerStores | undefined
  const server = await startServer({
    location: { file },
    port: options.port ?? 0,
    ...(options.host !== undefined ? { host: options.host } : {}),
    campaigns,
    program,
    keys: { keyring, keyId: DEMO_KEY_ID },
    clock,
    storeTimeZone: timeZone,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    prepare: async (opened) => {
      stores = opened
      const now = clock.now()
      for (const k of await opened.server.listKeys())
        if (k.shop === storeId && k.till === 'web' && k.revokedAtMs === undefined)
          await opened.server.revokeKey(k.keyId, now)
      apiKey = (await createApiKey(opened.server, { shop: storeId, till: 'web', atMs: now })).key
    },
    configure: (app) => {
      app.register(fastifyStatic, { root: webRoot, prefix: '/', index: 'index.html', wildcard: false })
      registerShopRoutes(app, {
        storeId,
        shelves,
        sellable,
        campaigns,
        program,
        apiKey: () => apiKey,
        now: () => localIso(clock.now()),
        holderName: (card) => byCard.get(card)?.firstName,
        findReceipt: async (transactionId) => (await stores?.checkout.findClose(transactionId))?.receipt,
      })
    },
  })
  return { url: server.url, storeId, apiKey, demoCards, flyerCodes, server, stop: server.stop }
}
