import type { Customer } from '../../customer/customer.codec.js'
import { DAY_MS } from '../../time/duration.js'
import { epochMs } from '../../time/time.codec.js'
import type { AttributeMatch, CustomerCondition } from '../campaign.codec.js'
import { type Check, type CustomerFn, fail, type LocalDay, OK } from '../context.js'
import { allOf, anyOf, noneOf } from './logic.js'

const no = (by: string, required: unknown, actual: unknown, message: string): Check => {
  const reason: { code: string; by: string; required?: string; actual?: string; message: string } = {
    code: 'CUSTOMER_CONDITION',
    by,
    message,
  }
  if (required !== undefined) reason.required = required as string
  if (actual !== undefined) reason.actual = actual as string
  return fail(reason)
}

/** Days from `today` to the nearest anniversary of `birthday` (month and day), before or after, across the new year. */
export const daysToBirthday = (birthday: string, today: LocalDay): number => {
  const month = Number(birthday.slice(5, 7))
  const day = Number(birthday.slice(8, 10))
  const t = Date.UTC(today.year, today.month - 1, today.day)
  let best = Number.POSITIVE_INFINITY
  for (const year of [today.year - 1, today.year, today.year + 1]) {
    best = Math.min(best, Math.abs(Date.UTC(year, month - 1, day) - t) / DAY_MS)
  }
  return best
}

const matchesAttribute = (value: unknown, accepted: readonly AttributeMatch[]): boolean =>
  Array.isArray(value)
    ? value.some((v) => accepted.includes(v as AttributeMatch))
    : accepted.includes(value as AttributeMatch)

/** The registry of customer conditions, keyed by their DSL name. */
export const CUSTOMER_CONDITIONS: Readonly<Record<string, (spec: never) => CustomerFn>> = {
  all: (parts: readonly CustomerCondition[]) => allOf(parts.map(compileCustomerCondition)),
  any: (parts: readonly CustomerCondition[]) => anyOf(parts.map(compileCustomerCondition)),
  not: (part: CustomerCondition) => noneOf(compileCustomerCondition(part), 'the customer'),
  /** `{ "tier": { "in": ["gold"] } }` */
  tier: (spec: { readonly in: readonly string[] }) => (c: Customer) =>
    c.tier !== undefined && spec.in.includes(c.tier) ? OK : no('tier', spec.in, c.tier, 'tier not in the list'),
  /** `{ "segment": { "in": [..] } }`: the customer is in one of the segments. */
  segment: (spec: { readonly in: readonly string[] }) => (c: Customer) =>
    (c.segments ?? []).some((s) => spec.in.includes(s))
      ? OK
      : no('segment', [...spec.in], [...(c.segments ?? [])], 'in none of the segments'),
  /** `{ "lifecycle": { "in": ["wavering"] } }` */
  lifecycle: (spec: { readonly in: readonly string[] }) => (c: Customer) =>
    c.lifecycle !== undefined && spec.in.includes(c.lifecycle)
      ? OK
      : no('lifecycle', [...spec.in], c.lifecycle, 'lifecycle stage not in the list'),
  /** `{ "attribute": { "name": "pets", "in": ["dog"] } }`: typed equality, so "10" never equals 10. */
  attribute: (spec: { readonly name: string; readonly in: readonly AttributeMatch[] }) => (c: Customer) =>
    matchesAttribute(c.attributes?.[spec.name], spec.in)
      ? OK
      : no('attribute', spec.in.map(String), undefined, `attribute "${spec.name}" does not match`),
  /** `{ "birthday": { "withinDays": 7 } }`: the birthday is at most n days before or after today, in the campaign's zone. */
  birthday: (spec: { readonly withinDays: number }) => (c: Customer, _ctx, today) => {
    if (c.birthday === undefined) return no('birthday', spec.withinDays, undefined, 'no birthday on file')
    const d = daysToBirthday(c.birthday, today)
    return d <= spec.withinDays ? OK : no('birthday', spec.withinDays, d, 'birthday too far from today')
  },
  /** `{ "visits": { "atLeast": 10 } }` */
  visits: (spec: { readonly atLeast: number }) => (c: Customer) => {
    const visits = c.stats?.visits ?? 0
    return visits >= spec.atLeast ? OK : no('visits', spec.atLeast, visits, 'not enough visits')
  },
  /** `{ "firstPurchase": true }`: the customer has never purchased before (no first purchase and no visits on file). */
  firstPurchase: (expected: boolean) => (c: Customer) => {
    const first = c.stats?.firstPurchaseAt === undefined && (c.stats?.visits ?? 0) === 0
    return first === expected ? OK : no('firstPurchase', String(expected), String(first), 'first purchase mismatch')
  },
  /** `{ "inactiveDays": { "atLeast": 60 } }`: whole days since the last purchase; a customer without one is not inactive. */
  inactiveDays: (spec: { readonly atLeast: number }) => (c: Customer, ctx) => {
    const last = c.stats?.lastPurchaseAt
    if (last === undefined) return no('inactiveDays', spec.atLeast, undefined, 'no last purchase on file')
    const days = Math.floor((ctx.nowMs - epochMs(last)) / DAY_MS)
    return days >= spec.atLeast ? OK : no('inactiveDays', spec.atLeast, days, 'not inactive long enough')
  },
  /**
   * `{ "value": { "topShare": 0.2 } }`: the customer is among the members who carry the top 20 % of
   * predicted value (the value snapshot's `shareAbove` is below the share).
   */
  value: (spec: { readonly topShare: number }) => (c: Customer) => {
    if (c.value === undefined) return no('value', spec.topShare, undefined, 'no value snapshot on file')
    return c.value.shareAbove < spec.topShare
      ? OK
      : no('value', spec.topShare, c.value.shareAbove, 'not in the top share of value')
  },
  /** `{ "alive": { "below": 0.5 } }` (win-back) or `{ "alive": { "atLeast": 0.8 } }`: P(alive) from the value snapshot. */
  alive: (spec: { readonly below?: number; readonly atLeast?: number }) => (c: Customer) => {
    // required: the interval P(alive) must fall in, "[atLeast, below)"
    const range = `[${spec.atLeast ?? 0}, ${spec.below ?? 1}${spec.below === undefined ? ']' : ')'}`
    const p = c.value?.pAlive
    if (p === undefined) return no('alive', range, undefined, 'no value snapshot on file')
    return (spec.below ?? 2) > p && p >= (spec.atLeast ?? 0) ? OK : no('alive', range, p, 'P(alive) out of range')
  },
}

/** Compiles a customer condition. */
export function compileCustomerCondition(condition: CustomerCondition): CustomerFn {
  const key = Object.keys(condition)[0] as string
  const compiler = CUSTOMER_CONDITIONS[key] as (spec: unknown) => CustomerFn
  return compiler((condition as Record<string, unknown>)[key])
}
