import {
  type Campaign,
  type CodeRejection,
  type Compiled,
  type Customer,
  classifyLifecycle,
  compile,
  type DecodeError,
  decodeCampaigns,
  decodeProgram,
  type Evaluation,
  evaluate,
  type LocalDate,
  type Program,
  type RandomSource,
} from '@tessera/core'
import { type Either, right } from 'fp-ts/lib/Either.js'
import type { DayReportInput, ReportMember, ReportTransaction } from '../report/dayReport.js'
import { reportTransactionOf } from '../report/fromEvaluation.js'
import { type DaySale, type DayTransaction, generateTradingDay, type IssuedCoupon } from '../store/baskets.js'
import { demoCampaigns, demoProgram, type Json, type JsonObject, templateIds } from '../store/campaigns.js'
import { type Catalog, generateCatalog, type Product } from '../store/catalog.js'
import {
  addDays,
  generateMembers,
  type Member,
  spend12m,
  type TierLadder,
  tierFor,
  toCustomer,
} from '../store/members.js'
import { type Rng, seededRng } from '../store/prng.js'
import { couponBook } from './couponBook.js'
import { returnShare } from './returns.js'

/**
 * A trading day priced by the engine alone (`compile` + `evaluate`), without the checkout and its
 * stores: coupon codes are judged against an in-memory list of yesterday's coupons, points
 * balances start from an estimate (12 months of earning at the base rate), and returns reverse
 * their share of the stored evaluation. It feeds the end-of-day report and sample receipts until
 * the checkout session (open → identify → price → close → return) drives the demo on SQLite.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link simulateEngineDay}. @category simulate */
export interface EngineDayOptions {
  readonly day: LocalDate
  readonly sales?: number
  readonly members?: number
  readonly seed?: string
  /** Coupons issued on earlier days that customers may bring back. Default 400. */
  readonly issuedCoupons?: number
  /** Called as transactions are priced (for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void
}

/** A sale with what the engine made of it. @category simulate */
export interface PricedSale {
  readonly sale: DaySale
  /** The basket as priced: only the accepted codes. */
  readonly evaluation: Evaluation
  readonly member?: Member
  readonly customer?: Customer
  readonly accepted: readonly string[]
  readonly refused: readonly { readonly code: string; readonly reason: CodeRejection }[]
  readonly pointsBefore: number
  readonly pointsAfter: number
}

/** The simulated day. @category simulate */
export interface EngineDay {
  readonly catalog: Catalog
  readonly members: readonly Member[]
  readonly campaignDocuments: readonly JsonObject[]
  readonly campaigns: readonly Campaign[]
  readonly program: Program
  readonly compiled: Compiled
  readonly transactions: readonly DayTransaction[]
  readonly priced: readonly PricedSale[]
  readonly report: DayReportInput
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/** Demo-only random bytes from the seeded generator, so the demo's codes are reproducible. */
const seededRandomSource = (rng: Rng): RandomSource => ({
  bytes: (n) => Uint8Array.from({ length: n }, () => rng.int(0, 255)),
})

const poolOf = (doc: JsonObject): string | undefined => {
  const code = doc.code as { readonly pool?: string } | undefined
  return code?.pool
}

type Selector = Json

/**
 * Whether a product matches a campaign selector of the wire contract (sku, category with its
 * children, brand, tag, all/any/not, "*"). Used only to know what a coupon's holder comes back for.
 */
const matches = (selector: Selector, product: Product): boolean => {
  if (selector === '*') return true
  if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) return false
  const s = selector as { readonly [k: string]: Json }
  const list = (k: string) => (Array.isArray(s[k]) ? (s[k] as readonly string[]) : undefined)
  if (list('sku')) return list('sku')!.includes(product.sku)
  if (list('category')) return list('category')!.some((c) => product.categories.includes(c))
  if (list('brand')) return list('brand')!.includes(product.brand)
  if (list('tag')) return list('tag')!.some((t) => product.tags.includes(t))
  if (Array.isArray(s.all)) return (s.all as readonly Json[]).every((x) => matches(x, product))
  if (Array.isArray(s.any)) return (s.any as readonly Json[]).some((x) => matches(x, product))
  if (s.not !== undefined) return !matches(s.not as Json, product)
  return false
}

/** The products a template's reward is for (its `of` selector), if it names one. */
const productsOf = (template: JsonObject, catalog: Catalog): string[] => {
  const reward = template.reward as { readonly [k: string]: { readonly of?: Json } } | undefined
  const of = reward === undefined ? undefined : Object.values(reward)[0]?.of
  if (of === undefined || of === 'basket') return []
  return catalog.products.filter((p) => matches(of, p)).map((p) => p.sku)
}

/**
 * Simulates a trading day at 3 tills on the demo store, priced by the engine.
 * @category simulate
 */
export const simulateEngineDay = (options: EngineDayOptions): Either<DecodeError, EngineDay> => {
  const seed = options.seed ?? 'tessera-demo'
  const rng = seededRng(`${seed}-engine-day`)
  const catalog = generateCatalog(`${seed}-catalog`)
  const members = generateMembers({ asOf: options.day, count: options.members ?? 1200, seed: `${seed}-members` })
  const campaignDocuments = demoCampaigns(catalog)
  const campaigns = decodeCampaigns(campaignDocuments)
  if (campaigns._tag === 'Left') return campaigns
  const programDocument = demoProgram()
  const program = decodeProgram(programDocument)
  if (program._tag === 'Left') return program
  const ladder = programDocument as unknown as TierLadder
  const compiled = compile(campaigns.right, { storeTimeZone: 'Europe/Paris' })

  // Yesterday's checkout coupons: personal codes of the template pools.
  const templates = new Set(templateIds(campaignDocuments))
  const pools = campaignDocuments.flatMap((doc) => {
    const pool = poolOf(doc)
    return pool !== undefined && templates.has(String(doc.id))
      ? [{ template: String(doc.id), pool, skus: productsOf(doc, catalog) }]
      : []
  })
  const random = seededRandomSource(rng.fork('codes'))
  const book = couponBook(pools)
  const skusOf = new Map(pools.map((p) => [p.template, p.skus]))
  const issuedList: IssuedCoupon[] = []
  for (let i = 0; i < (options.issuedCoupons ?? 400) && pools.length > 0; i++) {
    const { template } = rng.pick(pools)
    const coupon = book.issue(template, random, rng.pick(members).card)
    issuedList.push({
      code: coupon.code,
      ...(coupon.card ? { card: coupon.card } : {}),
      skus: skusOf.get(template) ?? [],
    })
  }
  const transactions = generateTradingDay({
    catalog,
    members,
    day: options.day,
    ...(options.sales !== undefined ? { sales: options.sales } : {}),
    seed: `${seed}-day-${options.day}`,
    issuedCoupons: issuedList,
  })

  const byCard = new Map(members.map((m) => [m.card, m]))
  const referrals = new Map<string, number>()
  for (const m of members) if (m.referredBy) referrals.set(m.referredBy, (referrals.get(m.referredBy) ?? 0) + 1)
  const asOfInstant = `${options.day}T00:00:00+01:00`
  const lifecycleOf = (m: Member, extra: readonly { at: string; amount: number }[] = [], asOf = asOfInstant) => {
    const stage = classifyLifecycle(
      {
        purchases: [...m.visits.map((v) => ({ at: v.at, amount: v.spend })), ...extra],
        successfulReferrals: referrals.get(m.memberId) ?? 0,
      },
      asOf,
    )
    return stage._tag === 'Right' ? stage.right : 'new'
  }
  // Estimated opening balances: 12 months of earning at the base rate (1 point per euro).
  const balances = new Map(members.map((m) => [m.memberId, Math.floor(spend12m(m, options.day) / 100)]))
  const todaySpend = new Map<string, { at: string; amount: number }[]>()

  const priced: PricedSale[] = []
  const pricedById = new Map<string, PricedSale>()
  const report: ReportTransaction[] = []
  const returnedUnits = new Map<string, number>()
  for (const [i, t] of transactions.entries()) {
    if (i % 50 === 0 || i === transactions.length - 1) options.onProgress?.(i + 1, transactions.length)
    if (t.kind === 'sale') {
      const member = t.basket.card !== undefined ? byCard.get(t.basket.card) : undefined
      const accepted: string[] = []
      const refused: { code: string; reason: CodeRejection }[] = []
      for (const code of t.basket.codes ?? []) {
        const verdict = book.judge(code, t.basket.card, t.basket.at)
        if (verdict.ok) accepted.push(code)
        else refused.push({ code, reason: verdict.reason })
      }
      const pointsBefore = member ? (balances.get(member.memberId) ?? 0) : 0
      const customer =
        member !== undefined
          ? { ...toCustomer(member, options.day, ladder, pointsBefore), lifecycle: lifecycleOf(member) }
          : undefined
      const { codes: _presented, ...rest } = t.basket
      const basket = accepted.length > 0 ? { ...rest, codes: accepted } : rest
      const evaluation = evaluate(compiled, basket, customer, program.right)
      // Close: redeem the codes whose template applied, post the points.
      const appliedTemplates = new Set(evaluation.discounts.map((d) => d.campaignId))
      for (const code of accepted) {
        const record = book.get(code)
        if (record !== undefined && appliedTemplates.has(record.template)) book.redeem(code)
      }
      const pointsAfter = pointsBefore + evaluation.points.earned
      if (member) {
        balances.set(member.memberId, pointsAfter)
        const list = todaySpend.get(member.memberId) ?? []
        list.push({ at: t.basket.at, amount: evaluation.total })
        todaySpend.set(member.memberId, list)
      }
      const p: PricedSale = {
        sale: t,
        evaluation,
        ...(member ? { member } : {}),
        ...(customer ? { customer } : {}),
        accepted,
        refused,
        pointsBefore,
        pointsAfter,
      }
      priced.push(p)
      pricedById.set(t.basket.id, p)
      report.push(
        reportTransactionOf({
          id: t.basket.id,
          kind: 'sale',
          at: t.basket.at,
          terminalId: t.basket.terminalId,
          ...(member ? { memberId: member.memberId } : {}),
          evaluation,
          templates,
          codes: accepted,
          codesRefused: refused,
        }),
      )
      continue
    }
    // A return reverses its share of the stored evaluation; it never re-prices the basket.
    const original = pricedById.get(t.of)
    if (original === undefined) continue
    const already = new Map<string, number>()
    for (const l of original.sale.basket.lines) already.set(l.id, returnedUnits.get(`${t.of}#${l.id}`) ?? 0)
    const share = returnShare(original.sale.basket, original.evaluation, t.lines, already)
    if (typeof share === 'string') continue
    for (const l of share.lines) returnedUnits.set(`${t.of}#${l.lineId}`, (already.get(l.lineId) ?? 0) + l.quantity)
    const { gross, discount, points } = share
    if (original.member) {
      balances.set(original.member.memberId, (balances.get(original.member.memberId) ?? 0) - points)
    }
    report.push({
      id: t.id,
      kind: 'return',
      at: t.at,
      terminalId: t.terminalId,
      ...(original.member ? { memberId: original.member.memberId } : {}),
      gross,
      discount,
      discounts: [],
      pointsEarned: points,
      pointsRedeemed: 0,
      couponsIssued: [],
      couponsRedeemed: [],
      codesRefused: [],
      concerned: [],
      holdouts: [],
    })
  }

  const endOfDay = `${options.day}T23:59:59+01:00`
  const reportMembers: ReportMember[] = members.map((m) => {
    const before = spend12m(m, options.day)
    const today = (todaySpend.get(m.memberId) ?? []).reduce((s, v) => s + v.amount, 0)
    const tierBefore = tierFor(before, ladder)
    // After the day the 12-month window has moved on by a day: the oldest visits drop out.
    const tierAfter = tierFor(spend12m(m, addDays(options.day, 1) as LocalDate) + today, ladder)
    return {
      memberId: m.memberId,
      ...(tierBefore !== undefined ? { tierBefore } : {}),
      ...(tierAfter !== undefined ? { tierAfter } : {}),
      lifecycle: lifecycleOf(m, todaySpend.get(m.memberId) ?? [], endOfDay),
      spend12m: before + today,
    }
  })
  const campaignNames = Object.fromEntries(campaigns.right.map((c) => [c.id, c.name ?? c.id]))
  return right({
    catalog,
    members,
    campaignDocuments,
    campaigns: campaigns.right,
    program: program.right,
    compiled,
    transactions,
    priced,
    report: {
      storeName: 'Marché Tessera',
      storeId: '0042',
      day: options.day,
      currency: 'EUR',
      transactions: report,
      members: reportMembers,
      campaignNames,
      pointsOutstanding: [...balances.values()].reduce((s, b) => s + Math.max(0, b), 0),
      pointValueHundredthsOfCent: 100,
      tierOrder: ['silver', 'gold'],
    },
  })
}
