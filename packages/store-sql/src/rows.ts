import type {
  Account,
  BalanceRow,
  CampaignUsageRow,
  Card,
  CloseRecord,
  ClubMembership,
  Entry,
  Household,
  Lot,
  Reservation,
  ReturnRecord,
  StoredCode,
} from '@tessera/core'

/**
 * The relational layout of Tessera's SQL stores, read back: SQLite and PostgreSQL keep the same
 * tables and columns, so they share these row readers. Pure functions of a row.
 */

/** A row as a SQL driver returns it, by column name. @category store-sql */
export type SqlRow = Record<string, unknown>

/** An optional field: absent when the column is NULL. @category store-sql */
export const optionalColumn = <K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } =>
  (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

/** An account from its row. @category store-sql */
export const accountFromRow = (r: SqlRow): Account => ({
  accountId: r.account_id as string,
  programId: r.program_id as string,
  ...optionalColumn('memberId', r.member_id as string | null),
  ...optionalColumn('householdId', r.household_id as string | null),
  status: r.status as Account['status'],
  ...optionalColumn('mergedInto', r.merged_into as string | null),
  openedAt: r.opened_at as number,
})

/** A balance row from its row. @category store-sql */
export const balanceRowFromRow = (r: SqlRow): BalanceRow => ({
  accountId: r.account_id as string,
  asOf: r.as_of as number,
  available: r.available as number,
  pending: r.pending as number,
  reserved: r.reserved as number,
  debt: r.debt as number,
  sequence: r.sequence as number,
})

/** A card from its row. @category store-sql */
export const cardFromRow = (r: SqlRow): Card => ({
  number: r.number as string,
  accountId: r.account_id as string,
  ...optionalColumn('memberId', r.member_id as string | null),
  status: r.status as Card['status'],
  ...optionalColumn('replacedBy', r.replaced_by as string | null),
  issuedAt: r.issued_at as number,
})

/** A household from its row (`member_ids` is JSON text). @category store-sql */
export const householdFromRow = (r: SqlRow): Household => ({
  householdId: r.household_id as string,
  accountId: r.account_id as string,
  memberIds: JSON.parse(r.member_ids as string),
})

/** A stored code from its row (`kind`, `redemptions` and `reservations` are JSON text). @category store-sql */
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

/** A close record from its row (`snapshot`, `bookings` and `receipt` are JSON text). @category store-sql */
export const closeRecordFromRow = (r: SqlRow): CloseRecord => ({
  transactionId: r.transaction_id as string,
  request: r.request as string,
  ...(r.card === null ? {} : { card: r.card as string }),
  snapshot: JSON.parse(r.snapshot as string),
  bookings: JSON.parse(r.bookings as string),
  receipt: JSON.parse(r.receipt as string),
})

/** A return record from its row (`receipt` is JSON text). @category store-sql */
export const returnRecordFromRow = (r: SqlRow): ReturnRecord => ({
  returnId: r.return_id as string,
  transactionId: r.transaction_id as string,
  request: r.request as string,
  receipt: JSON.parse(r.receipt as string),
})

/**
 * A campaign usage row from its row; a total read as a sum (a driver may return it as text) counts
 * as a number, and never below zero (counters split into slots may give back below zero one by one).
 * @category store-sql
 */
export const campaignUsageFromRow = (r: SqlRow): CampaignUsageRow => ({
  campaignId: r.campaign_id as string,
  redemptions: Math.max(0, Number(r.redemptions)),
  discountSpent: Math.max(0, Number(r.discount_spent)),
  pointsSpent: Math.max(0, Number(r.points_spent)),
})

/** A lot from its row. @category store-sql */
export const lotFromRow = (r: SqlRow): Lot => ({
  lotId: r.lot_id as string,
  accountId: r.account_id as string,
  origin: r.origin as string,
  points: Number(r.points),
  remaining: Number(r.remaining),
  availableFrom: Number(r.available_from),
  ...optionalColumn('expiresAt', r.expires_at === null ? null : Number(r.expires_at)),
  createdAt: Number(r.created_at),
})

/** A reservation from its row (`takes` is JSON text). @category store-sql */
export const reservationFromRow = (r: SqlRow): Reservation => ({
  reservationId: r.reservation_id as string,
  accountId: r.account_id as string,
  points: Number(r.points),
  takes: JSON.parse(r.takes as string),
  expiresAt: Number(r.expires_at),
  status: r.status as Reservation['status'],
  createdAt: Number(r.created_at),
})

/** A club membership from its row (`auto_renew` is a boolean, or 0/1 in SQLite). @category store-sql */
export const membershipFromRow = (r: SqlRow): ClubMembership => ({
  memberId: r.member_id as string,
  clubId: r.club_id as string,
  from: Number(r.from_at),
  until: Number(r.until_at),
  periodMonths: Number(r.period_months),
  autoRenew: r.auto_renew === true || r.auto_renew === 1,
})

/** A JSON body column (members, entries, pools, sessions). @category store-sql */
export const bodyOf = <A>(r: SqlRow): A => JSON.parse(r.body as string) as A

// ── rows to write ────────────────────────────────────────────────────────────────────────────────

/** The column names of each table, in the order of its `…Columns` function. @category store-sql */
export const ACCOUNT_COLUMNS = [
  'account_id',
  'program_id',
  'member_id',
  'household_id',
  'status',
  'merged_into',
  'opened_at',
]
/** @category store-sql */
export const CARD_COLUMNS = ['number', 'account_id', 'member_id', 'status', 'replaced_by', 'issued_at']
/** @category store-sql */
export const BALANCE_COLUMNS = ['account_id', 'as_of', 'available', 'pending', 'reserved', 'debt', 'sequence']
/** @category store-sql */
export const ENTRY_COLUMNS = ['entry_id', 'account_id', 'sequence', 'kind', 'key', 'of_key', 'points', 'body']
/** @category store-sql */
export const LOT_COLUMNS = [
  'account_id',
  'lot_id',
  'origin',
  'points',
  'remaining',
  'available_from',
  'expires_at',
  'created_at',
]
/** @category store-sql */
export const RESERVATION_COLUMNS = [
  'account_id',
  'reservation_id',
  'points',
  'takes',
  'expires_at',
  'status',
  'created_at',
]
/** @category store-sql */
export const CODE_COLUMNS = [
  'code',
  'pool_id',
  'kind',
  'valid_from_ms',
  'valid_until_ms',
  'redemptions',
  'reservations',
  'revoked',
]

/**
 * Rows as one JSON array of objects keyed by column name: one parameter that a statement turns
 * back into rows (`json_populate_recordset` in PostgreSQL, `json_each` in SQLite).
 * @category store-sql
 */
export const asRecords = (columns: readonly string[], rows: readonly (readonly unknown[])[]): string =>
  JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))))

/** The columns of an account, in table order. @category store-sql */
export const accountColumns = (a: Account): unknown[] => [
  a.accountId,
  a.programId,
  a.memberId ?? null,
  a.householdId ?? null,
  a.status,
  a.mergedInto ?? null,
  a.openedAt,
]

/** The columns of a card, in table order. @category store-sql */
export const cardColumns = (c: Card): unknown[] => [
  c.number,
  c.accountId,
  c.memberId ?? null,
  c.status,
  c.replacedBy ?? null,
  c.issuedAt,
]

/** The columns of a balance row, in table order. @category store-sql */
export const balanceColumns = (b: BalanceRow): unknown[] => [
  b.accountId,
  b.asOf,
  b.available,
  b.pending,
  b.reserved,
  b.debt,
  b.sequence,
]

/** The columns of an entry, in table order (the whole entry is its JSON `body`). @category store-sql */
export const entryColumns = (e: Entry): unknown[] => [
  e.entryId,
  e.accountId,
  e.sequence,
  e.kind,
  e.key,
  e.kind === 'reverse' ? (e.ofKey ?? null) : null,
  e.points,
  JSON.stringify(e),
]

/** The columns of a lot, in table order. @category store-sql */
export const lotColumns = (l: Lot): unknown[] => [
  l.accountId,
  l.lotId,
  l.origin,
  l.points,
  l.remaining,
  l.availableFrom,
  l.expiresAt ?? null,
  l.createdAt,
]

/** The columns of a reservation, in table order. @category store-sql */
export const reservationColumns = (r: Reservation): unknown[] => [
  r.accountId,
  r.reservationId,
  r.points,
  JSON.stringify(r.takes),
  r.expiresAt,
  r.status,
  r.createdAt,
]

/** The columns of a stored code, in table order (documents as JSON text). @category store-sql */
export const codeColumns = (c: StoredCode): unknown[] => [
  c.code,
  c.pool,
  JSON.stringify(c.kind),
  c.validFromMs ?? null,
  c.validUntilMs ?? null,
  JSON.stringify(c.redemptions),
  JSON.stringify(c.reservations),
  c.revoked === undefined ? null : JSON.stringify(c.revoked),
]

/**
 * A value as the store keeps it (a JSON round trip, which also turns a `-0` into `0`), so that a
 * first answer and every replay of it are identical.
 * @category store-sql
 */
export const asStored = <A>(a: A): A => (a === undefined ? a : (JSON.parse(JSON.stringify(a)) as A))
