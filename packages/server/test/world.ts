import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Campaign, Clock, Program } from '@tessera/core'
import { createTestDatabase } from '@tessera/store-postgres'
import type { FastifyInstance } from 'fastify'
import { createApiKey, createServer, openServerStores, type ServerConfig, type ServerStores } from '../src/index.js'

/** The campaigns of the tests: 10 % off jam (limited per customer), a coded 3 € off, a coupon, a budgeted one. */
export const CAMPAIGNS: Campaign[] = [
  {
    id: 'jam-10',
    status: 'active',
    reward: { percentOff: { of: { sku: ['JAM'] }, percent: 10 } },
  } as Campaign,
  {
    id: 'xmas',
    status: 'active',
    code: { required: true, pool: 'XMAS26' },
    reward: { amountOff: { of: 'basket', amount: 300 } },
  } as Campaign,
  {
    id: 'tea-budget',
    status: 'active',
    reward: { amountOff: { of: { sku: ['TEA'] }, amount: 100 } },
    limits: { budget: { discount: 500 } },
  } as Campaign,
  {
    id: 'next-visit',
    status: 'active',
    reward: { issueCoupon: { template: 'five-off', validForDays: 30 } },
  } as Campaign,
]
export const PROGRAM = {
  id: 'club',
  earn: { points: 1, per: 100 },
  pendingDays: 0,
  rewards: [{ id: 'voucher-5', cost: 3, grants: { amountOff: { of: 'basket', amount: 500 } } }],
} as unknown as Program

export const SHOP = '0042'
export const CARD = '2900001234566'
export const AT = '2026-11-26T10:15:00+01:00'
export const CODES = ['XMAS26-AAAA', 'XMAS26-BBBB', 'XMAS26-CCCC']

export const fixedAt = (iso: string): Clock => ({ now: () => Date.parse(iso) as never })

export interface World {
  readonly app: FastifyInstance
  readonly stores: ServerStores
  readonly key: string
  readonly otherShopKey: string
  readonly auth: Record<string, string>
  /** The SQLite file (SQLite worlds). */
  readonly file?: string
  readonly dispose: () => Promise<void>
}

/** A server on a fresh store (SQLite in a temp folder, or a fresh PostgreSQL database), seeded. */
export const makeWorld = async (
  backend: 'sqlite' | 'postgres' = 'sqlite',
  options: {
    readonly codeAttempts?: { limit?: number; windowMs?: number }
    readonly maxConnections?: number
    readonly logger?: Record<string, unknown>
    readonly clock?: Clock
    readonly commercetools?: ServerConfig['commercetools']
    /** The stores as the server sees them (a test injects faults around the real ones). */
    readonly wrapStores?: (stores: ServerStores) => ServerStores
  } = {},
): Promise<World> => {
  let stores: ServerStores
  let cleanup: () => Promise<void>
  let file: string | undefined
  if (backend === 'postgres') {
    const db = await createTestDatabase()
    stores = await openServerStores({ databaseUrl: db.url, maxConnections: options.maxConnections ?? 20 })
    cleanup = db.drop
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-server-'))
    file = join(dir, 'shop.sqlite')
    stores = await openServerStores({ file })
    cleanup = async () => rmSync(dir, { recursive: true, force: true })
  }
  await stores.loyalty.openAccount({ accountId: 'acc-1', programId: 'club', at: 0 })
  await stores.loyalty.issueCard({ number: CARD, accountId: 'acc-1', at: 0 })
  await stores.checkout.putPool({ id: 'XMAS26', kind: { type: 'singleUse' }, campaignId: 'xmas' })
  await stores.checkout.addCodes('XMAS26', CODES)
  const clock = options.clock ?? fixedAt(AT)
  const app = createServer({
    store: options.wrapStores?.(stores) ?? stores,
    program: PROGRAM,
    campaigns: CAMPAIGNS,
    keys: { keyring: { K1: new Uint8Array(32).fill(7) }, keyId: 'K1' },
    clock,
    keyCacheMs: 0,
    ...(options.codeAttempts ? { codeAttempts: options.codeAttempts } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.commercetools ? { commercetools: options.commercetools } : {}),
  })
  await app.ready()
  const key = (await createApiKey(stores.server, { shop: SHOP, till: '01', atMs: 0 })).key
  const otherShopKey = (await createApiKey(stores.server, { shop: '0099', till: '01', atMs: 0 })).key
  return {
    app,
    stores,
    key,
    otherShopKey,
    auth: { authorization: `Bearer ${key}` },
    ...(file !== undefined ? { file } : {}),
    dispose: async () => {
      await app.close()
      await stores.close()
      await cleanup()
    },
  }
}

/** A basket of the test shop. */
export const basket = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  storeId: SHOP,
  terminalId: '01',
  channel: 'store',
  currency: 'EUR',
  pricesIncludeTax: true,
  at: AT,
  lines: [
    { id: '1', sku: 'JAM', quantity: 2, unitPrice: 349, amount: 698, categories: ['grocery'] },
    { id: '2', sku: 'BREAD', quantity: 1, unitPrice: 302, amount: 302, categories: ['bakery'] },
  ],
  ...extra,
})
