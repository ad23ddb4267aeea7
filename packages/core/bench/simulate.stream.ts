/** The seeded stream of `pnpm bench:simulate`, shared by the main thread and its workers. */
import { type Campaign, decodeBasket, decodeCampaigns, decodeCustomer, type HistorySale } from '../src/index.js'
import { baskets, campaigns, catalogue, rng } from './workload.js'

const SEED = 20_261_126
export const LINES = 40
const POOL = 4_000
const CHUNK = 1_000
const FROM_MS = Date.parse('2026-01-05T08:00:00+01:00')
const SPAN_MS = 350 * 86_400_000

const orThrow = <A>(
  e: { readonly _tag: 'Left'; readonly left: { message: string } } | { readonly _tag: 'Right'; readonly right: A },
): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}

/** An instant with the +01:00 offset of the generator's baskets. */
const atOf = (ms: number) => `${new Date(ms + 3_600_000).toISOString().slice(0, 19)}+01:00`

export interface BenchStream {
  readonly campaigns: readonly Campaign[]
  readonly chunk: number
  /** Entries `from`..`from + chunk` of the stream: the pool's lines and customers, ids and times of their own. */
  readonly chunkOf: (from: number) => HistorySale[]
}

/** N baskets of 40 lines over 2026, in time order, from a pool of 4,000 generated baskets and customers. */
export const streamOf = (n: number): BenchStream => {
  const r = rng(SEED)
  const products = catalogue(r)
  const campaignSet = orThrow(decodeCampaigns(campaigns(r, 1_000)))
  const pool = baskets(r, products, POOL, LINES).map((w) => ({
    basket: orThrow(decodeBasket(w.basket)),
    customer: w.customer === undefined ? undefined : orThrow(decodeCustomer(w.customer)),
  }))
  const chunkOf = (from: number): HistorySale[] => {
    const out: HistorySale[] = []
    for (let i = from; i < Math.min(n, from + CHUNK); i++) {
      const p = pool[i % POOL] as (typeof pool)[number]
      const basket = { ...p.basket, id: `T-${i}`, at: atOf(FROM_MS + Math.floor((i * SPAN_MS) / n)) } as typeof p.basket
      out.push({ kind: 'sale', basket, ...(p.customer !== undefined ? { customer: p.customer } : {}) })
    }
    return out
  }
  return { campaigns: campaignSet, chunk: CHUNK, chunkOf }
}
