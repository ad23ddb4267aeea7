import { compileSelector, type LineMatcher } from '../catalog/selector.js'
import { allocate } from '../money/allocate.js'
import type { Points } from '../money/Money.js'
import { toHundredths } from '../money/percent.js'
import type { PointsReward, Program } from './campaign.codec.js'
import type { UsageSnapshot } from './candidates.js'
import type { BasketContext, State } from './context.js'
import type { Entry } from './engine.js'
import type { Evaluation } from './evaluation.codec.js'
import type { Explainer } from './explanations.js'

// Points: on net amounts once every discount is known, floored over the transaction, allocated per line.

/** Converts big weights to safe integers, keeping their proportions as closely as integers allow. */
const safeWeights = (weights: readonly bigint[]): number[] => {
  let max = 0n
  for (const w of weights) if (w > max) max = w
  const limit = BigInt(Number.MAX_SAFE_INTEGER) / BigInt(Math.max(weights.length, 1))
  const divisor = max > limit ? max / limit + 1n : 1n
  return weights.map((w) => Number(w / divisor))
}

const lineAllocations = (ctx: BasketContext, shares: readonly number[]) => {
  const out: { lineId: string; points: Points }[] = []
  for (let i = 0; i < shares.length; i++) {
    if (shares[i] !== 0) out.push({ lineId: ctx.lines[i]!.id, points: shares[i] as Points })
  }
  return out
}

export interface PointsClaim {
  readonly entry: Entry
  readonly spec: PointsReward
}

export type Breakdown = Evaluation['points']['breakdown'][number]

export const computePoints = (
  ctx: BasketContext,
  state: State,
  program: Program | undefined,
  claims: readonly PointsClaim[],
  usage: UsageSnapshot | undefined,
  why: Explainer,
): Breakdown[] => {
  const n = ctx.lines.length
  const breakdown: Breakdown[] = []
  if (n === 0 || (program === undefined && claims.length === 0)) return breakdown
  const excluded: LineMatcher | undefined =
    program?.earn?.exclude === undefined ? undefined : compileSelector(program.earn.exclude)
  const earnable = ctx.lines.map((l) => excluded === undefined || !excluded(l))
  const net = state.remaining
  const budgetLeft = (entry: Entry) => {
    const b = entry.limits?.budget?.points
    return b === undefined ? Number.MAX_SAFE_INTEGER : b - (usage?.campaigns?.[entry.id]?.pointsSpent ?? 0)
  }
  const push = (source: string, total: number, shares: number[]) => {
    breakdown.push({ source, points: total as Points, allocations: lineAllocations(ctx, shares) })
  }
  const capped = (entry: Entry, total: number, weights: number[]) => {
    const left = budgetLeft(entry)
    if (total > left) {
      why.add(entry, { code: 'BUDGET_PARTIAL', by: 'points', required: total, actual: left })
      total = Math.max(0, left)
    }
    push(entry.id, total, allocate(total, weights))
  }

  // Program earn, with the tier multiplier and campaign multipliers before the floor.
  const earn = program?.earn
  const multipliers = claims.filter((c) => c.spec.multiplier !== undefined)
  if (earn !== undefined && program !== undefined) {
    const tier = program.tiers?.find((t) => t.id === ctx.customer?.tier)
    const tierH = BigInt(tier === undefined ? 100 : (toHundredths(tier.multiplier) as { right: number }).right)
    const base = ctx.lines.map((l, i) =>
      earnable[i] ? BigInt(earn.basis === 'gross' ? l.amount : (net[i] as number)) : 0n,
    )
    let weights = base.map((b) => b * tierH)
    let denominator = BigInt(earn.per) * 100n
    const pts = BigInt(earn.points)
    const floorOf = (ws: readonly bigint[]) => Number((ws.reduce((s, w) => s + w, 0n) * pts) / denominator)
    const programPoints = floorOf(weights)
    push(program.id, programPoints, allocate(programPoints, safeWeights(weights)))
    let earned = programPoints
    for (const claim of multipliers) {
      const m = BigInt((toHundredths(claim.spec.multiplier as number) as { right: number }).right)
      const match = claim.spec.of === undefined ? undefined : compileSelector(claim.spec.of)
      const next = weights.map((w, i) => w * (match === undefined || match(ctx.lines[i]!) ? m : 100n))
      const delta = next.map((w, i) => w - (weights[i] as bigint) * 100n)
      weights = next
      denominator *= 100n
      const total = floorOf(weights)
      capped(claim.entry, total - earned, safeWeights(delta))
      earned = total
    }
  }
  for (const claim of claims) {
    const spec = claim.spec
    if (spec.fixed !== undefined) {
      capped(
        claim.entry,
        spec.fixed,
        net.map((v, i) => (earnable[i] ? v : 0)),
      )
    } else if (spec.perAmount !== undefined) {
      const per = spec.perAmount
      const match = per.of === undefined ? undefined : compileSelector(per.of)
      const weights = net.map((v, i) => (earnable[i] && (match === undefined || match(ctx.lines[i]!)) ? v : 0))
      const total = Number((BigInt(weights.reduce((s, w) => s + w, 0)) * BigInt(per.points)) / BigInt(per.per))
      capped(claim.entry, total, weights)
    } else if (earn === undefined) {
      why.add(claim.entry, { code: 'NOTHING_DISCOUNTABLE', message: 'a points multiplier needs a program that earns' })
    }
  }
  return breakdown
}
