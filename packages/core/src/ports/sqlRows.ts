import type { CampaignUsageRow, CloseRecord, ReturnRecord, StoredCode } from '../checkout/model.js'
import type { Card } from '../customer/card.js'
import type { Account, Household } from '../customer/member.js'
import type { BalanceRow } from '../ledger/model.js'

/**
 * The relational layout of Tessera's SQL stores, read back: SQLite and PostgreSQL keep the same
 * tables and columns, so they share these row readers. Pure functions of a row.
 */

/** A row as a SQL driver returns it, by column name. @category stores */
export type SqlRow = Record<string, unknown>

/** An optional field: absent when the column is NULL. @category stores */
export const optionalColumn = <K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } =>
  (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

/** An account from its row. @category stores */
export const accountFromRow = (r: SqlRow): Account => ({
  accountId: r.account_id as string,
  programId: r.program_id as string,
  ...optionalColumn('memberId', r.member_id as string | null),
  ...optionalColumn('householdId', r.household_id as string | null),
  status: r.status as Account['status'],
  ...optionalColumn('mergedInto', r.merged_into as string | null),
  openedAt: r.opened_at as number,
})

/** A balance row from its row. @category stores */
export const balanceRowFromRow = (r: SqlRow): BalanceRow => ({
  accountId: r.account_id as string,
  asOf: r.as_of as number,
  available: r.available as number,
  pending: r.pending as number,
  reserved: r.reserved as number,
  debt: r.debt as number,
  sequence: r.sequence as number,
})

/** A card from its row. @category stores */
export const cardFromRow = (r: SqlRow): Card => ({
  number: r.number as string,
  accountId: r.account_id as string,
  ...optionalColumn('memberId', r.member_id as string | null),
  status: r.status as Card['status'],
  ...optionalColumn('replacedBy', r.replaced_by as string | null),
  issuedAt: r.issued_at as number,
})

/** A household from its row (`member_ids` is JSON text). @category stores */
export const householdFromRow = (r: SqlRow): Household => ({
  householdId: r.household_id as string,
  accountId: r.account_id as string,
  memberIds: JSON.parse(r.member_ids as string),
})

/** A stored code from its row (`kind`, `redemptions` and `reservations` are JSON text). @category stores */
export const storedCodeFromRow = (r: SqlRow): StoredCode => ({
  code: r.code as string,
  pool: r.pool_id as string,
  kind: JSON.parse(r.kind as string),
  ...(r.valid_from_ms === null ? {} : { validFromMs: r.valid_from_ms as number }),
  ...(r.valid_until_ms === null ? {} : { validUntilMs: r.valid_until_ms as number }),
  redemptions: JSON.parse(r.redemptions as string),
  reservations: JSON.parse(r.reservations as string),
  ...(r.revoked === null ? {} : { revoked: JSON.parse(r.revoked as string) }),
})

/** A close record from its row (`snapshot`, `bookings` and `receipt` are JSON text). @category stores */
export const closeRecordFromRow = (r: SqlRow): CloseRecord => ({
  transactionId: r.transaction_id as string,
  request: r.request as string,
  ...(r.card === null ? {} : { card: r.card as string }),
  snapshot: JSON.parse(r.snapshot as string),
  bookings: JSON.parse(r.bookings as string),
  receipt: JSON.parse(r.receipt as string),
})

/** A return record from its row (`receipt` is JSON text). @category stores */
export const returnRecordFromRow = (r: SqlRow): ReturnRecord => ({
  returnId: r.return_id as string,
  transactionId: r.transaction_id as string,
  request: r.request as string,
  receipt: JSON.parse(r.receipt as string),
})

/** A campaign usage row from its row. @category stores */
export const campaignUsageFromRow = (r: SqlRow): CampaignUsageRow => ({
  campaignId: r.campaign_id as string,
  redemptions: r.redemptions as number,
  discountSpent: r.discount_spent as number,
  pointsSpent: r.points_spent as number,
})
