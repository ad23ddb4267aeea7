import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Campaign, createLoyaltyHost, type Ids, type LoyaltyHost, type Program } from '@tessera/core'

/** A temporary folder for till files, removed by `done()`. */
export const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), `tessera-${prefix}-`))
  return { dir, file: (name: string) => join(dir, name), done: () => rmSync(dir, { recursive: true, force: true }) }
}

/** The program the sync's tills sell with: 1 point per euro, a 5 € voucher for 50 points. */
export const SYNC_PROGRAM: Program = {
  id: 'club',
  earn: { points: 1, per: 100 },
  rewards: [{ id: 'voucher-5', cost: 50, grants: { amountOff: { of: 'basket', amount: 500 } } }],
}

/** The pool of single-use coupons, the campaign it unlocks (2 € off), and a budgeted members' discount. */
export const COUPON_POOL = 'COUPON'
export const SYNC_CAMPAIGNS: readonly Campaign[] = [
  {
    id: 'coupon-2',
    status: 'active',
    code: { required: true, pool: COUPON_POOL },
    reward: { amountOff: { of: 'basket', amount: 200 } },
  },
  {
    id: 'members-5',
    status: 'active',
    eligibility: { cardRequired: true },
    reward: { percentOff: { of: '*', percent: 5 } },
    limits: { budget: { discount: 1_000_000 } },
  },
]

const counter = (prefix: string): Ids => {
  let n = 0
  return { next: () => `${prefix}-${++n}` }
}

/** A loyalty host over a till's stores, with the sync's program and campaigns. */
export const tillHost = (
  stores: Parameters<typeof createLoyaltyHost>[0]['stores'],
  tillId: string,
  campaigns: readonly Campaign[] = SYNC_CAMPAIGNS,
  now: () => number = Date.now,
): LoyaltyHost =>
  createLoyaltyHost({
    stores,
    program: SYNC_PROGRAM,
    campaigns: [...campaigns],
    keyring: { K1: new Uint8Array(32).fill(7) },
    keyId: 'K1',
    clock: { now },
    storeTimeZone: 'Europe/Paris',
    ids: counter(tillId),
  })
