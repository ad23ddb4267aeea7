import { createHash } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import {
  assessTier,
  type Campaign,
  type Checkout,
  type Clock,
  type CurrencyCode,
  type Customer,
  classifyLifecycle,
  createLoyaltyHost,
  decodeCampaigns,
  decodeProgram,
  type EpochMs,
  enginePricer,
  type Keyring,
  type LifecycleStage,
  type LocalDate,
  type LoyaltyHost,
  type LoyaltyStore,
  ledgerFailed,
  type Pricer,
  type Program,
  referralCode,
  rewardReferral,
  type TierActivity,
  tierProgress,
  uuidV7Ids,
  windowTotals,
} from '@tessera/core'
import { openSqliteStores, type SqliteStores } from '@tessera/store-sqlite'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import type { TierProgress } from '../receipt/receipt.js'
import { demoCampaigns, demoProgram, type JsonObject, templateIds } from '../store/campaigns.js'
import { type Catalog, generateCatalog } from '../store/catalog.js'
import { addDays, generateMembers, type Member, parisOffset } from '../store/members.js'
import { type DemoValue, demoValueSnapshot } from '../store/value.js'

/**
 * The demo store on the real thing: one SQLite file holding the loyalty ledger (cards, members,
 * accounts, points) and the checkout (code pools, usage, closes, returns), the demo catalog and
 * campaigns, and a `createCheckout` over them. The till and the demo day both run through it.
 *
 * Seeding (once per file) enrols every generated member with a real account and card, posts their
 * 12 months of history as real ledger earns (one per member and month, at the program's base rate
 * floored per visit, in batches of one SQLite transaction each), and rewards their referrals
 * through `rewardReferral`.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link openDemoShop}. @category shop */
export interface DemoShopOptions {
  /** The SQLite file (created if missing), or `:memory:`. */
  readonly file: string
  /** Delete the file first (and its WAL) to start from an empty store. */
  readonly reset?: boolean
  /** The first day after the members' history: the trading day. */
  readonly day: LocalDate
  readonly seed?: string
  /** Members to enrol (default 1,200). */
  readonly members?: number
  /** The checkout's clock, read for code holds only (default: a settable clock at `day` 08:00). */
  readonly clock?: Clock
  /** The coupon signing keys; default the demo key (a constant: never use it in production). */
  readonly keyring?: Keyring
  readonly keyId?: string
  /** Reports seeding progress: members enrolled so far. */
  readonly onSeed?: (done: number, total: number) => void
}

/** Why the shop could not open: a bad option, or a store refusal while seeding. @category shop */
export interface DemoShopError {
  readonly _tag: 'DemoShopError'
  readonly message: string
}

/** A purchase the shop knows of for a member: history or a close of this process. @category shop */
export interface ShopPurchase {
  readonly at: string
  readonly amount: number
}

/** The demo store, open. @category shop */
export interface DemoShop {
  readonly file: string
  readonly day: LocalDate
  readonly storeId: string
  readonly storeName: string
  readonly storeAddress: readonly string[]
  readonly timeZone: string
  readonly catalog: Catalog
  readonly members: readonly Member[]
  /**
   * The customer-value snapshot fitted on the members' history (stored on each member at seeding);
   * absent, with the reason, when the history is too small to fit (a demo of a few members).
   */
  readonly value: DemoValue | undefined
  readonly valueProblem?: string
  readonly byCard: ReadonlyMap<string, Member>
  readonly byId: ReadonlyMap<string, Member>
  readonly campaignDocuments: readonly JsonObject[]
  readonly campaigns: readonly Campaign[]
  readonly program: Program
  readonly templates: ReadonlySet<string>
  readonly pricer: Pricer
  readonly keyring: Keyring
  readonly store: SqliteStores['checkout']
  readonly loyalty: LoyaltyStore
  readonly host: LoyaltyHost
  readonly checkout: Checkout
  /** The checkout's clock (code holds). */
  readonly clock: Clock
  /** Moves a settable clock (the simulated day's); does nothing to a real clock. */
  readonly moveClock: (ms: EpochMs) => void
  /** Whether this open seeded the file (false: it was seeded before). */
  readonly seeded: boolean
  /** The account id of a member. */
  readonly accountOf: (member: Member) => string
  /** Records a close of this process for a member (their history for tiers and lifecycle). */
  readonly recordPurchase: (memberId: string, purchase: ShopPurchase) => void
  /** History plus this process's purchases, before `at`. */
  readonly purchasesOf: (member: Member, at: string) => readonly ShopPurchase[]
  /** The member as the engine judges them at `at`: tier (`assessTier`), lifecycle, stats, balance from the ledger. */
  readonly customerOf: (member: Member, at: string) => Promise<Customer>
  /** Where the member stands on the tier ladder at `at` (`tierProgress`), for the receipt and the screen. */
  readonly tierProgressOf: (member: Member, at: string) => TierProgress
  readonly tierOf: (member: Member, at: string) => string | undefined
  readonly lifecycleOf: (member: Member, at: string) => LifecycleStage
  /** Available points now (from the ledger). */
  readonly availablePoints: (member: Member, at: string) => Promise<number>
  readonly close: () => Promise<void>
}

// ── constants ────────────────────────────────────────────────────────────────────────────────────

/** The demo's coupon key id. @category shop */
export const DEMO_KEY_ID = 'DEMO'

/**
 * The demo's coupon signing key: a constant derived from a public phrase, so that a coupon printed
 * by the demo scans at the till. Load a real secret with `decodeKeyring` in a real shop.
 * @category shop
 */
export const DEMO_KEYRING: Keyring = {
  [DEMO_KEY_ID]: new Uint8Array(createHash('sha256').update('tessera demo coupon key: not a secret').digest()),
}

const STORE_ID = '0042'
const TIME_ZONE = 'Europe/Paris'
const MONTH_MS = 30.4375 * 86_400_000
const REFERRAL_SECRET = 'tessera demo referral secret'
/** Earns posted per SQLite transaction while seeding. */
const SEED_BATCH = 2_000

// ── operations ───────────────────────────────────────────────────────────────────────────────────

const shopError = (message: string): DemoShopError => ({ _tag: 'DemoShopError', message })

/** A clock the demo moves along with the simulated day. @category shop */
export interface SettableClock extends Clock {
  readonly set: (ms: EpochMs) => void
}

/** A {@link SettableClock} starting at `startMs`. @category shop */
export const settableClock = (startMs: EpochMs): SettableClock => {
  let current = startMs
  return {
    now: () => current,
    set: (ms) => {
      current = ms
    },
  }
}

/** Spend of a visit → points at the program's base rate (1 point per euro, floored per visit). */
const basePoints = (program: Program, spend: number): number =>
  program.earn === undefined ? 0 : Math.floor((spend * program.earn.points) / program.earn.per)

/**
 * Opens (and seeds if new) the demo store on a SQLite file.
 * @category shop
 */
export const openDemoShop = async (options: DemoShopOptions): Promise<Either<DemoShopError, DemoShop>> => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.day) || Number.isNaN(Date.parse(options.day)))
    return left(shopError(`day: must be a YYYY-MM-DD date, got ${JSON.stringify(options.day)}`))
  const count = options.members ?? 1200
  if (!Number.isSafeInteger(count) || count < 1)
    return left(shopError(`members: must be a whole number ≥ 1, got ${JSON.stringify(options.members)}`))
  if (typeof options.file !== 'string' || options.file === '')
    return left(shopError('file: must be a SQLite file path or ":memory:"'))
  if (options.file !== ':memory:') {
    if (options.reset === true)
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${options.file}${suffix}`, { force: true })
    mkdirSync(dirname(options.file), { recursive: true })
  }
  const seed = options.seed ?? 'tessera-demo'
  const catalog = generateCatalog(`${seed}-catalog`)
  const members = generateMembers({ asOf: options.day, count, seed: `${seed}-members` })
  // BG/NBD and Gamma-Gamma on the 12 months of history: each member's CLV, P(alive) and value rank.
  const fitted = demoValueSnapshot(members, options.day, TIME_ZONE)
  const value = fitted._tag === 'Right' ? fitted.right : undefined
  // The campaigns run from 40 days before the day to 60 days after it, so the till works on any date.
  const campaignDocuments = demoCampaigns(catalog, {
    from: `${addDays(options.day, -40)}T00:00:00+01:00`,
    until: `${addDays(options.day, 60)}T00:00:00+01:00`,
  })
  const campaigns = decodeCampaigns(campaignDocuments)
  const programDoc = decodeProgram(demoProgram())
  // The demo documents are ours and tested to decode: a failure is a broken invariant.
  if (campaigns._tag === 'Left') throw new Error(campaigns.left.message)
  if (programDoc._tag === 'Left') throw new Error(programDoc.left.message)
  const program = programDoc.right
  const keyring = options.keyring ?? DEMO_KEYRING
  const keyId = options.keyId ?? DEMO_KEY_ID
  const stores = openSqliteStores({ file: options.file })
  const store = stores.checkout
  const loyalty = stores.loyalty
  const clock = options.clock ?? settableClock(Date.parse(`${options.day}T08:00:00+01:00`))
  const pricer = enginePricer(campaigns.right, { storeTimeZone: TIME_ZONE }, program)
  const host = createLoyaltyHost({
    stores: { loyalty, checkout: store },
    pricer,
    campaigns: campaigns.right,
    program,
    keyring,
    keyId,
    clock,
    storeTimeZone: TIME_ZONE,
    ids: uuidV7Ids,
  })
  const checkout = host.checkout
  const byCard = new Map(members.map((m) => [m.card, m]))
  const byId = new Map(members.map((m) => [m.memberId, m]))
  const accountOf = (m: Member) => `acc-${m.memberId}`

  const first = members[0] as Member
  const known = await loyalty.card(first.card)
  let seeded = false
  if (known._tag === 'Left') {
    const done = await seedShop(stores, members, program, campaignDocuments, accountOf, options.onSeed, value)
    if (done._tag === 'Left') {
      await stores.close()
      return done
    }
    seeded = true
  }

  const extra = new Map<string, ShopPurchase[]>()
  const purchasesOf = (m: Member, at: string): ShopPurchase[] => {
    const atMs = Date.parse(at)
    return [...m.visits.map((v) => ({ at: v.at, amount: v.spend })), ...(extra.get(m.memberId) ?? [])].filter(
      (p) => Date.parse(p.at) < atMs,
    )
  }
  const activityOf = (m: Member, at: string): TierActivity[] =>
    purchasesOf(m, at).map((p) => ({ at: p.at, spend: p.amount }))
  const referrals = new Map<string, number>()
  for (const m of members) if (m.referredBy) referrals.set(m.referredBy, (referrals.get(m.referredBy) ?? 0) + 1)
  const tierOf = (m: Member, at: string): string | undefined => {
    const assessed = assessTier(activityOf(m, at), undefined, program, at)
    return assessed._tag === 'Right' ? assessed.right.tier : undefined
  }
  const lifecycleOf = (m: Member, at: string): LifecycleStage => {
    const stage = classifyLifecycle(
      { purchases: purchasesOf(m, at), successfulReferrals: referrals.get(m.memberId) ?? 0 },
      at,
    )
    return stage._tag === 'Right' ? stage.right : 'new'
  }
  const availablePoints = async (m: Member, at: string): Promise<number> => {
    const balance = await loyalty.balance(accountOf(m), Date.parse(at))
    return balance._tag === 'Right' ? balance.right.available : 0
  }
  const tierProgressOf = (m: Member, at: string): TierProgress => {
    const history = activityOf(m, at)
    const progress = tierProgress(history, undefined, program, at, { currency: 'EUR' as CurrencyCode, locale: 'fr-FR' })
    const windowMonths = program.tiers?.[0]?.qualify.windowMonths ?? 12
    if (progress._tag === 'Left') return { spend: windowTotals(history, at, windowMonths).spend }
    const p = progress.right
    const spend = windowTotals(history, at, p.windowMonths ?? windowMonths).spend
    return {
      ...(p.current !== undefined ? { tier: p.current } : {}),
      ...(p.next !== undefined ? { next: p.next, nextAt: spend + (p.missing.spend ?? 0) } : {}),
      spend,
    }
  }
  // The member as the store knows them (the host's identify: card status, tier, stats and
  // lifecycle from the stored purchases, the available points balance from the ledger).
  const customerOf = async (m: Member, at: string): Promise<Customer> => {
    const view = await host.identify(m.card, at)
    return (view._tag === 'Right' ? view.right.customer : undefined) ?? { card: m.card }
  }

  return right({
    file: options.file,
    day: options.day,
    storeId: STORE_ID,
    storeName: 'Marché Tessera',
    storeAddress: ['12 rue des Lices', '49100 Angers'],
    timeZone: TIME_ZONE,
    catalog,
    members,
    value,
    ...(fitted._tag === 'Left' ? { valueProblem: fitted.left.message } : {}),
    byCard,
    byId,
    campaignDocuments,
    campaigns: campaigns.right,
    program,
    templates: new Set(templateIds(campaignDocuments)),
    pricer,
    keyring,
    store,
    loyalty,
    host,
    checkout,
    clock,
    moveClock: (ms) => {
      if ('set' in clock && typeof clock.set === 'function') (clock as SettableClock).set(ms)
    },
    seeded,
    accountOf,
    recordPurchase: (memberId, purchase) => {
      const list = extra.get(memberId) ?? []
      list.push(purchase)
      extra.set(memberId, list)
    },
    purchasesOf,
    customerOf,
    tierProgressOf,
    tierOf,
    lifecycleOf,
    availablePoints,
    close: () => stores.close(),
  })
}

/**
 * Seeds an empty store: the program's ledger policy, the coupon pools of the templates, every
 * member with an account and a card, their history as monthly earns (pending 14 days, expiring
 * after 24 months, as the program says), and their referral rewards.
 */
const seedShop = async (
  { checkout: store, loyalty }: Pick<SqliteStores, 'checkout' | 'loyalty'>,
  members: readonly Member[],
  program: Program,
  campaignDocuments: readonly JsonObject[],
  accountOf: (m: Member) => string,
  onSeed: ((done: number, total: number) => void) | undefined,
  value: DemoValue | undefined,
): Promise<Either<DemoShopError, void>> => {
  const fail = (what: string, e: { readonly message: string }) => left(shopError(`seeding ${what}: ${e.message}`))
  const policy = await loyalty.putProgram({
    programId: program.id,
    policy: { allowNegative: false, returnMayGoNegative: true },
  })
  if (policy._tag === 'Left') return fail('the program', policy.left)
  const templates = new Set(templateIds(campaignDocuments))
  for (const doc of campaignDocuments) {
    const pool = (doc.code as { readonly pool?: string } | undefined)?.pool
    if (pool === undefined || !templates.has(String(doc.id))) continue
    const put = await store.putPool({ id: pool, kind: { type: 'singleUse' }, campaignId: String(doc.id) })
    if (put._tag === 'Left') return fail(`pool ${pool}`, put.left)
  }
  for (const [i, m] of members.entries()) {
    const joined = Date.parse(m.joinedAt)
    const saved = await loyalty.saveMember({
      memberId: m.memberId,
      programId: program.id,
      profile: { firstName: m.firstName, lastName: m.lastName },
      joinedAt: joined,
      segments: m.segments,
      birthday: m.birthday,
      attributes: m.attributes,
      ...(value?.byMember.has(m.memberId) ? { value: value.byMember.get(m.memberId) } : {}),
    })
    if (saved._tag === 'Left') return fail(`member ${m.memberId}`, saved.left)
    const opened = await loyalty.openAccount({
      accountId: accountOf(m),
      programId: program.id,
      memberId: m.memberId,
      at: joined,
    })
    if (opened._tag === 'Left') return fail(`account of ${m.memberId}`, opened.left)
    const card = await loyalty.issueCard({ number: m.card, accountId: accountOf(m), memberId: m.memberId, at: joined })
    if (card._tag === 'Left') return fail(`card ${m.card}`, card.left)
    if (i % 100 === 0) onSeed?.(i, members.length)
  }
  onSeed?.(members.length, members.length)

  // The history as purchases: tiers, stats and lifecycle stages are derived from them by the store.
  await store.importPurchases(
    members.flatMap((m) =>
      m.visits.map((v, i) => ({
        customer: `member:${m.memberId}`,
        id: `history/${m.memberId}/${i}`,
        at: v.at,
        amount: v.spend,
        points: basePoints(program, v.spend),
      })),
    ),
  )

  // The history: one earn per member and month of visits (points floored per visit), in batches.
  const pendingMs = (program.pendingDays ?? 0) * 86_400_000
  const expiryMs = program.expiry === undefined ? undefined : program.expiry.afterMonths * MONTH_MS
  const earns = members.flatMap((m) => {
    const months = new Map<string, { at: number; points: number }>()
    for (const v of m.visits) {
      const month = v.at.slice(0, 7)
      const at = Date.parse(v.at)
      const prior = months.get(month)
      months.set(month, {
        at: Math.max(prior?.at ?? 0, at),
        points: (prior?.points ?? 0) + basePoints(program, v.spend),
      })
    }
    return [...months]
      .filter(([, e]) => e.points > 0)
      .map(([month, e]) => ({
        kind: 'earn' as const,
        key: `history/${m.memberId}/${month}`,
        at: e.at,
        account: { accountId: accountOf(m) },
        points: e.points,
        availableFrom: e.at + pendingMs,
        ...(expiryMs !== undefined ? { expiresAt: Math.round(e.at + expiryMs) } : {}),
        reason: `visits of ${month}`,
      }))
  })
  for (let from = 0; from < earns.length; from += SEED_BATCH) {
    const batch = earns.slice(from, from + SEED_BATCH)
    const posted = await store.transact(async (tx) => {
      for (const request of batch) {
        const r = await tx.post(request)
        if (r._tag === 'Left') return left(ledgerFailed(r.left))
      }
      return right(batch.length)
    })
    if (posted._tag === 'Left') return fail('the history earns', posted.left)
  }

  // Referrals: the referee's first visit of at least the qualifying spend rewards both sides.
  const byId = new Map(members.map((m) => [m.memberId, m]))
  for (const m of members) {
    if (m.referredBy === undefined) continue
    const referrer = byId.get(m.referredBy)
    const qualifying = m.visits.find((v) => v.spend >= (program.referral?.qualifyingSpend ?? 0))
    if (referrer === undefined || qualifying === undefined) continue
    const rewarded = await rewardReferral(
      loyalty,
      program,
      {
        referrer: { memberId: referrer.memberId, card: referrer.card },
        referee: { memberId: m.memberId, card: m.card },
        code: referralCode(referrer.memberId, REFERRAL_SECRET),
        purchase: { spend: qualifying.spend, at: qualifying.at },
      },
      { secret: REFERRAL_SECRET },
    )
    if (rewarded._tag === 'Left') return fail(`referral of ${m.memberId}`, rewarded.left)
  }
  return right(undefined)
}

/**
 * Seeds other stores (PostgreSQL's, for `pnpm serve`) with the demo shop of {@link openDemoShop}:
 * the same members, accounts, cards, pools, history and referrals for the same `day`, `seed` and
 * `members`. Stores that already know the first member's card are left as they are; answers
 * whether it seeded.
 * @category shop
 */
export const seedDemoStores = async (
  stores: Pick<SqliteStores, 'checkout' | 'loyalty'>,
  options: Pick<DemoShopOptions, 'day' | 'seed' | 'members' | 'onSeed'>,
): Promise<Either<DemoShopError, boolean>> => {
  const seed = options.seed ?? 'tessera-demo'
  const catalog = generateCatalog(`${seed}-catalog`)
  const members = generateMembers({ asOf: options.day, count: options.members ?? 1200, seed: `${seed}-members` })
  const first = members[0]
  if (first === undefined || (await stores.loyalty.card(first.card))._tag === 'Right') return right(false)
  const fitted = demoValueSnapshot(members, options.day, TIME_ZONE)
  const documents = demoCampaigns(catalog, {
    from: `${addDays(options.day, -40)}T00:00:00+01:00`,
    until: `${addDays(options.day, 60)}T00:00:00+01:00`,
  })
  const program = decodeProgram(demoProgram())
  if (program._tag === 'Left') throw new Error(program.left.message)
  const accountOf = (m: Member) => `acc-${m.memberId}`
  const value = fitted._tag === 'Right' ? fitted.right : undefined
  const done = await seedShop(stores, members, program.right, documents, accountOf, options.onSeed, value)
  return done._tag === 'Left' ? done : right(true)
}

/** The day before `day`, as a LocalDate. @category shop */
export const previousDay = (day: LocalDate): LocalDate => addDays(day, -1) as LocalDate

/**
 * The local ISO-8601 time (Europe/Paris, with its offset) of an instant: `2026-11-26T10:15:00+01:00`.
 * @category shop
 */
export const localIso = (ms: EpochMs): string => {
  const offset = parisOffset(ms)
  const sign = offset.startsWith('-') ? -1 : 1
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)))
  return `${new Date(ms + minutes * 60_000).toISOString().slice(0, 19)}${offset}`
}
