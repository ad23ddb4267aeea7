import type { Customer, IsoDateTime, LifecycleStage, LocalDate, Points } from '@tessera/core'
import { withCheckDigit } from './catalog.js'
import { type Rng, seededRng } from './prng.js'

/**
 * The demo store's members: 1,000+ loyalty card holders with names, birthdays, segments,
 * attributes and 12 months of visit history. Each member is drawn from a behaviour archetype (new,
 * regular, loyal, ambassador, wavering, lapsed) so that tiers, lifecycle stages and the Pareto share
 * computed from their history come out realistic.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** One past visit: when, and how much was spent (cents, after discounts). @category store */
export interface Visit {
  readonly at: IsoDateTime
  readonly spend: number
}

/** A loyalty member of the demo store. @category store */
export interface Member {
  readonly memberId: string
  /** EAN-13 card number in the store's `2900…` range, with its GS1 check digit. */
  readonly card: string
  readonly firstName: string
  readonly lastName: string
  readonly birthday: LocalDate
  readonly segments: readonly string[]
  readonly attributes: Readonly<Record<string, string | number | boolean>>
  /** The behaviour the history was drawn from; the lifecycle stage analytics should find. */
  readonly archetype: LifecycleStage
  readonly joinedAt: IsoDateTime
  /** The member who brought this one, if any (referral). */
  readonly referredBy?: string
  /** Visits in the 12 months before `asOf`, oldest first. */
  readonly visits: readonly Visit[]
}

/** Options of {@link generateMembers}. @category store */
export interface MemberOptions {
  readonly count?: number
  /** The day the history ends (exclusive): the trading day that follows it. */
  readonly asOf: LocalDate
  readonly seed?: number | string
}

// ── data ─────────────────────────────────────────────────────────────────────────────────────────

const FIRST_NAMES = [
  'Camille',
  'Léa',
  'Manon',
  'Chloé',
  'Inès',
  'Sarah',
  'Julie',
  'Emma',
  'Louise',
  'Anna',
  'Clara',
  'Zoé',
  'Lucas',
  'Hugo',
  'Louis',
  'Nathan',
  'Thomas',
  'Antoine',
  'Mathieu',
  'Julien',
  'Nicolas',
  'Karim',
  'Yanis',
  'Paul',
  'Jonas',
  'Lena',
  'Mia',
  'Sophie',
  'Lukas',
  'Felix',
  'Marie',
  'Pierre',
  'Élodie',
  'Amandine',
  'Théo',
  'Maxime',
  'Aïcha',
  'Fatou',
  'Mehdi',
  'Noah',
  'Sofia',
  'Giulia',
  'Marco',
  'Elif',
  'Ana',
] as const
const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefebvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Morel',
  'Girard',
  'André',
  'Mercier',
  'Dupont',
  'Lambert',
  'Bonnet',
  'François',
  'Martinez',
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Rossi',
  'Benali',
  'Diallo',
  'Nguyen',
  'Haddad',
  'Costa',
] as const

interface Archetype {
  readonly stage: LifecycleStage
  readonly share: number
  /** Mean visits per month while active. */
  readonly visitsPerMonth: number
  /** Median basket in cents. */
  readonly basket: number
}

const ARCHETYPES: readonly Archetype[] = [
  { stage: 'new', share: 0.1, visitsPerMonth: 3, basket: 2600 },
  { stage: 'satisfied', share: 0.25, visitsPerMonth: 0.35, basket: 4200 },
  { stage: 'happy', share: 0.24, visitsPerMonth: 4.5, basket: 4300 },
  { stage: 'ambassador', share: 0.08, visitsPerMonth: 7, basket: 6800 },
  { stage: 'wavering', share: 0.17, visitsPerMonth: 3.5, basket: 3600 },
  { stage: 'lapsed', share: 0.16, visitsPerMonth: 2, basket: 2800 },
]

const DAY_MS = 86_400_000

// ── constructors ─────────────────────────────────────────────────────────────────────────────────

const PARIS_OFFSET = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' })

/** The Europe/Paris UTC offset (`+01:00` or `+02:00`) at an instant. @category store */
export const parisOffset = (epochMs: number): string => {
  const name = PARIS_OFFSET.formatToParts(new Date(epochMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
  const match = /GMT([+-]\d{2}:\d{2})/.exec(name)
  return match?.[1] ?? '+00:00'
}

/**
 * The ISO-8601 local time with offset, in Europe/Paris, of a wall-clock time on a day:
 * `parisTime('2026-11-26', 10 * 60 + 15)` is `2026-11-26T10:15:00+01:00`.
 * @category store
 */
export const parisTime = (day: string, minutesOfDay: number): IsoDateTime => {
  const h = Math.floor(minutesOfDay / 60)
  const m = Math.floor(minutesOfDay % 60)
  const s = Math.round((minutesOfDay % 1) * 60) % 60
  const local = `${day}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
  // The offset at noon UTC of that day is the day's offset except in the two switch-over nights.
  const offset = parisOffset(Date.parse(`${day}T12:00:00Z`))
  return `${local}${offset}` as IsoDateTime
}

/** `day` plus `n` days, as `YYYY-MM-DD`. @category store */
export const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)

/** Minutes after midnight of a visit: weighted to the busy hours of a supermarket (8:00–21:00). */
const visitMinute = (rng: Rng): number => {
  const hour = rng.weighted<number>([
    [8, 4],
    [9, 6],
    [10, 8],
    [11, 10],
    [12, 11],
    [13, 7],
    [14, 5],
    [15, 5],
    [16, 7],
    [17, 11],
    [18, 12],
    [19, 9],
    [20, 5],
  ])
  return hour * 60 + rng.int(0, 59) + rng.int(0, 59) / 60
}

/** A basket value around a median: log-normal, so a few big shops make the long tail. */
const basketSpend = (rng: Rng, median: number): number =>
  Math.max(150, Math.round(median * Math.exp(rng.normal(0, 0.55))))

/**
 * Generates the demo members with their 12-month history. Deterministic in the seed and `asOf`.
 * Throws a `RangeError` on a count below 1 or a malformed `asOf` (bugs in the caller).
 *
 * @example
 * const members = generateMembers({ asOf: '2026-11-26' as LocalDate })
 * members[0].card // '2900000000011'
 * @category store
 */
export const generateMembers = (options: MemberOptions): Member[] => {
  const count = options.count ?? 1200
  if (!Number.isSafeInteger(count) || count < 1)
    throw new RangeError(`generateMembers: count must be a whole number ≥ 1, got ${count}`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.asOf) || Number.isNaN(Date.parse(options.asOf))) {
    throw new RangeError(`generateMembers: asOf must be a YYYY-MM-DD date, got ${JSON.stringify(options.asOf)}`)
  }
  const rng = seededRng(options.seed ?? 'tessera-members')
  const asOfMs = Date.parse(`${options.asOf}T00:00:00Z`)
  const members: Member[] = []
  const ambassadors: string[] = []
  for (let i = 1; i <= count; i++) {
    const archetype = rng.weighted(ARCHETYPES.map((a) => [a, a.share] as const))
    const memberId = `m-${String(i).padStart(5, '0')}`
    const card = withCheckDigit(`2900${String(i).padStart(8, '0')}`)
    const age = Math.round(Math.min(88, Math.max(18, rng.normal(45, 15))))
    const birthYear = Number(options.asOf.slice(0, 4)) - age
    const birthday = `${birthYear}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`
    const pets = rng.weighted<string>([
      ['none', 60],
      ['dog', 22],
      ['cat', 18],
    ])
    const household = rng.weighted<number>([
      [1, 30],
      [2, 32],
      [3, 16],
      [4, 15],
      [5, 7],
    ])
    const segments: string[] = []
    if (rng.chance(0.18)) segments.push('wine-lovers')
    if (household >= 3 && rng.chance(0.5)) segments.push('young-families')
    if (pets !== 'none') segments.push('pet-owners')
    if (rng.chance(0.15)) segments.push('organic')
    if (age < 26) segments.push('students')
    if (age >= 65) segments.push('seniors')

    // The active window of the history, by archetype (days before asOf).
    const { stage } = archetype
    // Shoppers differ a lot within an archetype: how often they come and how much they buy.
    const frequency = Math.exp(rng.normal(0, 0.45))
    const basketMedian = archetype.basket * Math.exp(rng.normal(0, 0.5))
    const firstDaysAgo = stage === 'new' ? rng.int(3, 40) : rng.int(120, 365)
    const lastDaysAgo =
      stage === 'lapsed' ? rng.int(95, Math.max(96, firstDaysAgo - 10)) : stage === 'wavering' ? rng.int(20, 45) : 1
    const visits: Visit[] = []
    for (let daysAgo = firstDaysAgo; daysAgo >= lastDaysAgo; daysAgo--) {
      let rate = Math.min(0.9, (archetype.visitsPerMonth * frequency) / 30)
      // Wavering members used to come often and have been slowing down for three months.
      if (stage === 'wavering' && daysAgo < 150) rate *= 0.4
      const forcedFirst = daysAgo === firstDaysAgo
      if (!forcedFirst && !rng.chance(rate)) continue
      const day = new Date(asOfMs - daysAgo * DAY_MS).toISOString().slice(0, 10)
      visits.push({ at: parisTime(day, visitMinute(rng)), spend: basketSpend(rng, basketMedian) })
    }
    const member: Member = {
      memberId,
      card,
      firstName: rng.pick(FIRST_NAMES),
      lastName: rng.pick(LAST_NAMES),
      birthday: birthday as LocalDate,
      segments,
      attributes: { pets, household, emailOptIn: rng.chance(0.62) },
      archetype: stage,
      joinedAt: visits[0]?.at ?? parisTime(addDays(options.asOf, -firstDaysAgo), 9 * 60),
      visits,
    }
    members.push(member)
    if (stage === 'ambassador') ambassadors.push(memberId)
  }
  // Every ambassador brought one to three friends, who joined through the referral scheme.
  const referred = new Set<number>()
  for (const ambassador of ambassadors) {
    for (let k = rng.int(1, 3); k > 0; k--) {
      const i = rng.int(0, members.length - 1)
      const friend = members[i] as Member
      if (referred.has(i) || friend.memberId === ambassador || friend.archetype === 'ambassador') continue
      referred.add(i)
      members[i] = { ...friend, referredBy: ambassador }
    }
  }
  return members
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/** The tier ladder the member's 12-month spend is judged against (ids and spend thresholds). @category store */
export interface TierLadder {
  readonly tiers: readonly { readonly id: string; readonly qualify: { readonly spend: number } }[]
}

/** The highest tier whose 12-month spend threshold is met, or `undefined`. @category store */
export const tierFor = (spend12m: number, ladder: TierLadder): string | undefined => {
  let tier: string | undefined
  for (const t of [...ladder.tiers].sort((a, b) => a.qualify.spend - b.qualify.spend)) {
    if (spend12m >= t.qualify.spend) tier = t.id
  }
  return tier
}

/** Spend in cents over the visits of the 365 days before `asOf`. @category store */
export const spend12m = (member: Member, asOf: LocalDate): number => {
  const from = Date.parse(`${asOf}T00:00:00Z`) - 365 * DAY_MS
  return member.visits.reduce((sum, v) => (Date.parse(v.at) >= from ? sum + v.spend : sum), 0)
}

/**
 * The member as the engine sees them (wire-contract `Customer`): stats from the history, the tier
 * from the ladder, and the points balance if known. `lifecycle` is left to analytics.
 * @category store
 */
export const toCustomer = (member: Member, asOf: LocalDate, ladder: TierLadder, pointsBalance?: number): Customer => {
  const spend = spend12m(member, asOf)
  const tier = tierFor(spend, ladder)
  const first = member.visits[0]
  const last = member.visits[member.visits.length - 1]
  return {
    card: member.card,
    memberId: member.memberId,
    ...(tier !== undefined ? { tier } : {}),
    segments: member.segments,
    birthday: member.birthday,
    attributes: member.attributes,
    stats: {
      visits: member.visits.length,
      ...(first !== undefined ? { firstPurchaseAt: first.at } : {}),
      ...(last !== undefined ? { lastPurchaseAt: last.at } : {}),
      spend12m: spend,
    },
    ...(pointsBalance !== undefined ? { pointsBalance: pointsBalance as Points } : {}),
  }
}
