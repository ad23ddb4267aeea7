import { newEntryId, type SyncEntry } from '../entry/entry.js'

/** A close entry as a till would write it, for head-office tests. */
export const closeEntry = (
  till: string,
  seq: number,
  accountId: string,
  points: number,
  extra: Partial<SyncEntry> = {},
): SyncEntry => ({
  v: 1,
  id: newEntryId(),
  till,
  seq,
  kind: 'close',
  atMs: 1_764_148_500_000 + seq,
  ref: `${till}-S-${seq}`,
  offline: false,
  postings: [{ entryId: `${till}-S-${seq}`, accountId, kind: 'earn', points }],
  codes: [],
  campaigns: [{ campaignId: 'members-5', redemptions: 1, discountSpent: 50, pointsSpent: 0 }],
  accounts: [],
  cards: [],
  total: 1000,
  ...extra,
})
