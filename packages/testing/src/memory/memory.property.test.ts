import type { LoyaltyStore, PostingRequest } from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { memoryLoyaltyStore } from './memoryStore.js'

const T0 = Date.parse('2026-11-26T10:00:00Z')
const DAY = 86_400_000

/** One step of a random scenario; keys are made from the step index, so a replay reuses them. */
type Step =
  | { readonly op: 'earn'; readonly points: number; readonly pendingDays: number; readonly expiryDays?: number }
  | { readonly op: 'redeem'; readonly points: number }
  | { readonly op: 'reserve'; readonly points: number; readonly ttlHours: number }
  | { readonly op: 'commit' | 'release'; readonly pick: number }
  | { readonly op: 'reverse'; readonly pick: number; readonly points?: number }
  | { readonly op: 'adjust'; readonly points: number }
  | { readonly op: 'sweep' }
  | { readonly op: 'wait'; readonly hours: number }

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('earn' as const),
    points: fc.integer({ min: 1, max: 300 }),
    pendingDays: fc.constantFrom(0, 0, 0, 1, 3),
    expiryDays: fc.option(fc.integer({ min: 4, max: 10 }), { nil: undefined }),
  }),
  fc.record({ op: fc.constant('redeem' as const), points: fc.integer({ min: 1, max: 120 }) }),
  fc.record({
    op: fc.constant('reserve' as const),
    points: fc.integer({ min: 1, max: 200 }),
    ttlHours: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({ op: fc.constantFrom('commit' as const, 'release' as const), pick: fc.nat() }),
  fc.record({
    op: fc.constant('reverse' as const),
    pick: fc.nat(),
    points: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
  }),
  fc.record({ op: fc.constant('adjust' as const), points: fc.integer({ min: -100, max: 100 }).filter((n) => n !== 0) }),
  fc.record({ op: fc.constant('sweep' as const) }),
  fc.record({ op: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 72 }) }),
)

/** Turns steps into keyed requests (and sweeps), deterministically. */
const requestsOf = (steps: readonly Step[]) => {
  let at = T0
  const account = { accountId: 'a1' }
  const out: ({ sweep: number; key: string } | PostingRequest)[] = []
  const reserveKeys: string[] = []
  const reversible: string[] = []
  steps.forEach((s, i) => {
    const key = `k${i}`
    switch (s.op) {
      case 'wait':
        at += s.hours * 3_600_000
        return
      case 'sweep':
        out.push({ sweep: at, key })
        return
      case 'earn':
        reversible.push(key)
        out.push({
          kind: 'earn',
          key,
          at,
          account,
          points: s.points,
          availableFrom: at + s.pendingDays * DAY,
          ...(s.expiryDays === undefined ? {} : { expiresAt: at + s.expiryDays * DAY }),
        })
        return
      case 'redeem':
        reversible.push(key)
        out.push({ kind: 'redeem', key, at, account, points: s.points })
        return
      case 'reserve':
        reserveKeys.push(key)
        out.push({ kind: 'reserve', key, at, account, points: s.points, expiresAt: at + s.ttlHours * 3_600_000 })
        return
      case 'commit':
      case 'release': {
        const reservationId = reserveKeys[s.pick % Math.max(1, reserveKeys.length)]
        if (reservationId === undefined) return
        if (s.op === 'commit') reversible.push(key)
        out.push({ kind: s.op, key, at, account, reservationId })
        return
      }
      case 'reverse': {
        const ofKey = reversible[s.pick % Math.max(1, reversible.length)]
        if (ofKey === undefined) return
        out.push({ kind: 'reverse', key, at, account, ofKey, ...(s.points === undefined ? {} : { points: s.points }) })
        return
      }
      case 'adjust':
        out.push({ kind: 'adjust', key, at, account, points: s.points, reason: 'property test' })
        return
    }
  })
  return { requests: out, end: at }
}

const runAll = async (store: LoyaltyStore, requests: ReturnType<typeof requestsOf>['requests']) => {
  const results: unknown[] = []
  for (const r of requests) {
    results.push('sweep' in r ? await store.expireDue(r.sweep, r.key) : await store.post(r))
  }
  return results
}

const fresh = async () => {
  const store = memoryLoyaltyStore()
  await store.openAccount({ accountId: 'a1', programId: 'club', at: T0 })
  return store
}

describe('memory store properties', () => {
  it('after any sequence of postings, every balance row equals the recomputation from entries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 60 }), async (steps) => {
        const store = await fresh()
        await runAll(store, requestsOf(steps).requests)
        const report = await store.check()
        expect(report).toMatchObject({ _tag: 'Right', right: { problems: [] } })
        await store.close()
      }),
      { numRuns: 300 },
    )
  })

  it('replaying any sequence of keyed postings changes nothing and returns the same results', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 30 }), async (steps) => {
        const store = await fresh()
        const { requests, end } = requestsOf(steps)
        const results = await runAll(store, requests)
        const entries = await store.entries('a1')
        const balance = await store.balance('a1', end)
        // A refused posting wrote nothing and left its key free, so only the accepted ones replay.
        const accepted = requests.flatMap((r, i) => {
          const result = results[i] as { _tag: string; right?: unknown }
          return 'sweep' in r || result._tag === 'Left' ? [] : [{ request: r, result: result.right }]
        })
        for (const { request, result } of accepted) {
          expect(await store.post(request)).toEqual({ _tag: 'Right', right: result })
        }
        expect(await store.entries('a1')).toEqual(entries)
        expect(await store.balance('a1', end)).toEqual(balance)
        await store.close()
      }),
      { numRuns: 100 },
    )
  })

  it('posting an earn or a redemption and then reversing it restores every balance', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { maxLength: 25 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 0, max: 3 }),
        async (steps, earn, points, pendingDays) => {
          const store = await fresh()
          const { requests, end } = requestsOf(steps)
          await runAll(store, requests)
          const before = await store.balance('a1', end)
          const account = { accountId: 'a1' }
          const posted = await store.post(
            earn
              ? { kind: 'earn', key: 'x', at: end, account, points, availableFrom: end + pendingDays * DAY }
              : { kind: 'redeem', key: 'x', at: end, account, points },
          )
          if (posted._tag === 'Left') {
            expect(posted.left._tag).toBe('InsufficientPoints')
            return
          }
          const reversed = await store.post({ kind: 'reverse', key: 'y', at: end, account, ofKey: 'x' })
          expect(reversed._tag).toBe('Right')
          expect(await store.balance('a1', end)).toEqual(before)
          expect((await store.check())._tag === 'Right').toBe(true)
          await store.close()
        },
      ),
      { numRuns: 150 },
    )
  })
})
