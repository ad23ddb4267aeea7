import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Campaign, createLoyaltyHost, type Program } from '@tessera/core'
import { openSqliteStores } from '@tessera/store-sqlite'
import { AT, basketOf, fixedClock, line, sequentialIds, TEST_KEYRING } from '@tessera/testing'
import Database from 'better-sqlite3'
import type { Either } from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BundleKey, BundleRejected, SignedBundle, VerifiedBundle } from './bundle.js'
import { type BundleKeeper, fileBundleStore, memoryBundleStore, openBundleKeeper, sqliteBundleStore } from './keeper.js'
import { bundleText, type GeneratedKey, generateBundleKey, signBundle } from './sign.js'

const right = <A>(e: Either<{ readonly message: string }, A>): A => {
  if (e._tag === 'Left') throw new Error(`expected success, got ${e.left.message}`)
  return e.right
}
const refused = (e: Either<BundleRejected, VerifiedBundle>): BundleRejected => {
  if (e._tag === 'Right') throw new Error(`expected a refusal, got version ${e.right.payload.version}`)
  return e.left
}

const program: Program = { id: 'club', earn: { points: 1, per: 100 } }
const tenOff: Campaign = { id: 'all-10', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } }
const fiftyOff: Campaign = { id: 'all-50', status: 'active', reward: { percentOff: { of: '*', percent: 50 } } }

const dir = mkdtempSync(join(tmpdir(), 'tessera-bundle-keeper-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let hq: GeneratedKey
let rotated: GeneratedKey
let stranger: GeneratedKey
beforeAll(async () => {
  hq = right(await generateBundleKey('hq-1'))
  rotated = right(await generateBundleKey('hq-2'))
  stranger = right(await generateBundleKey('hq-1'))
})

const sign = async (
  version: number,
  campaigns: readonly Campaign[],
  key: GeneratedKey = hq,
  keys: readonly BundleKey[] = [key.publicKey],
) =>
  bundleText(
    right(
      await signBundle({ version, issuedAt: '2026-11-26T06:00:00+01:00', campaigns, program, keys }, key.signingKey),
    ),
  )

/** The till's host on the kept bundle's campaigns and program, over the till's own SQLite stores. */
const tillHost = (keeper: BundleKeeper, file: string) => {
  const bundle = keeper.current()
  if (bundle === undefined) throw new Error('the till holds no bundle')
  const stores = openSqliteStores({ file })
  const host = createLoyaltyHost({
    stores,
    program: bundle.payload.program,
    campaigns: bundle.payload.campaigns,
    keyring: TEST_KEYRING,
    keyId: 'K1',
    clock: fixedClock(AT),
    storeTimeZone: 'Europe/Paris',
    ids: sequentialIds('till'),
  })
  return { host, close: stores.close }
}
const priceOf = async (keeper: BundleKeeper, file: string) => {
  const { host, close } = tillHost(keeper, file)
  try {
    return right(await host.price({ basket: basketOf('T-1', [line('1', '3017620422003', 2, 500)]) })).evaluation.total
  } finally {
    await close()
  }
}

describe('the bundle keeper of a till', () => {
  it('keeps selling on its last good bundle after a tampered, a foreign and an older one', async () => {
    const file = join(dir, 'till-1.sqlite')
    const db = new Database(file)
    const keeper = await openBundleKeeper({ store: sqliteBundleStore(db), provisioned: [hq.publicKey] })
    expect(keeper.current()).toBeUndefined()
    right(await keeper.offer(await sign(5, [tenOff])))
    expect(await priceOf(keeper, file)).toBe(900)

    const good = await sign(6, [fiftyOff])
    const envelope = JSON.parse(good) as SignedBundle
    const tampered = JSON.stringify({
      ...envelope,
      payload: Buffer.from(
        Buffer.from(envelope.payload, 'base64').toString('utf8').replace('"percent":50', '"percent":90'),
      ).toString('base64'),
    })
    expect(refused(await keeper.offer(tampered)).reason).toBe('TAMPERED')
    expect(refused(await keeper.offer(await sign(7, [fiftyOff], stranger))).reason).toBe('TAMPERED')
    expect(refused(await keeper.offer(await sign(5, [fiftyOff]))).reason).toBe('NOT_NEWER')
    expect(refused(await keeper.offer('{"format":'))).toMatchObject({ reason: 'MALFORMED' })
    expect(keeper.version()).toBe(5)
    expect(await priceOf(keeper, file)).toBe(900)

    // The till restarts: the kept bundle comes back from its SQLite, and it still sells on it.
    db.close()
    const db2 = new Database(file)
    const restarted = await openBundleKeeper({ store: sqliteBundleStore(db2), provisioned: [hq.publicKey] })
    expect(restarted.restoreProblem).toBeUndefined()
    expect(restarted.version()).toBe(5)
    expect(await priceOf(restarted, file)).toBe(900)
    right(await restarted.offer(good))
    expect(await priceOf(restarted, file)).toBe(500)
    db2.close()
  })

  it('rotates keys: the old key announces the new one, the new one signs next, and the retired key is refused', async () => {
    const store = fileBundleStore(join(dir, 'rotation.json'))
    const keeper = await openBundleKeeper({ store, provisioned: [hq.publicKey] })
    // Before the announcement, a bundle from the new key is unknown.
    expect(refused(await keeper.offer(await sign(1, [tenOff], rotated))).reason).toBe('UNKNOWN_KEY')
    // Step 1: hq-1 signs a bundle that trusts both keys.
    right(await keeper.offer(await sign(10, [tenOff], hq, [hq.publicKey, rotated.publicKey])))
    expect(keeper.trusted().map((k) => k.keyId)).toEqual(['hq-1', 'hq-2'])
    // Step 2: hq-2 signs, and its bundle retires hq-1.
    right(await keeper.offer(await sign(11, [fiftyOff], rotated, [rotated.publicKey])))
    expect(keeper.trusted().map((k) => k.keyId)).toEqual(['hq-2'])
    // Step 3: a bundle from the retired key is now refused, even with a higher version.
    const retired = refused(await keeper.offer(await sign(12, [tenOff], hq)))
    expect(retired).toMatchObject({ reason: 'UNKNOWN_KEY', keyId: 'hq-1' })
    // A restarted till keeps the rotated trust, though it was provisioned with hq-1 only.
    const again = await openBundleKeeper({ store, provisioned: [hq.publicKey] })
    expect(again.version()).toBe(11)
    expect(again.trusted().map((k) => k.keyId)).toEqual(['hq-2'])
    expect(again.current()?.payload.campaigns).toEqual([fiftyOff])
  })

  it('writes the kept bundle atomically and reports a corrupted record instead of using it', async () => {
    const path = join(dir, 'corrupt.json')
    const keeper = await openBundleKeeper({ store: fileBundleStore(path), provisioned: [hq.publicKey] })
    right(await keeper.offer(await sign(2, [tenOff])))
    const record = JSON.parse(readFileSync(path, 'utf8')) as { bundle: string }
    expect(JSON.parse(record.bundle)).toMatchObject({ format: 'tessera-bundle/1', keyId: 'hq-1' })
    writeFileSync(path, readFileSync(path, 'utf8').replace('"bundle"', '"bundel"'))
    const reopened = await openBundleKeeper({ store: fileBundleStore(path), provisioned: [hq.publicKey] })
    expect(reopened.current()).toBeUndefined()
    expect(reopened.restoreProblem).toMatchObject({ reason: 'MALFORMED' })
    expect(reopened.restoreProblem?.problems?.map((p) => p.path)).toContain('bundel')
  })

  it('handles concurrent offers one at a time: the newest wins, the others are NOT_NEWER or superseded', async () => {
    const store = memoryBundleStore()
    const keeper = await openBundleKeeper({ store, provisioned: [hq.publicKey] })
    const texts = await Promise.all([3, 1, 2, 3].map((v) => sign(v, [tenOff])))
    const results = await Promise.all(texts.map((t) => keeper.offer(t)))
    expect(results.map((r) => (r._tag === 'Right' ? r.right.payload.version : r.left.reason))).toEqual([
      3,
      'NOT_NEWER',
      'NOT_NEWER',
      'NOT_NEWER',
    ])
    expect(keeper.version()).toBe(3)
    expect(JSON.parse(store.record() ?? '{}').verifiedWith).toEqual([hq.publicKey])
  })
})
