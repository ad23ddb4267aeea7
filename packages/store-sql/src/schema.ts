/**
 * The column types of one SQL engine, for the schema both stores share.
 * @category store-sql
 */
export interface SqlTypes {
  readonly text: string
  /** A 32-bit integer (sequence numbers, months). */
  readonly int: string
  /** A 64-bit integer: epoch milliseconds, points, minor units. */
  readonly bigint: string
  readonly bool: string
  /** Table options of the hot balance rows (PostgreSQL: room for HOT updates). */
  readonly balancesOptions: string
  /** Table options of key-only tables (SQLite: `WITHOUT ROWID`). */
  readonly keyedOptions: string
  /**
   * Whether a close or return row may be a bare claim (its id only, the rest NULL): PostgreSQL
   * claims the id before the work, SQLite holds the whole file instead.
   */
  readonly claimRows: boolean
}

/** SQLite's column types. @category store-sql */
export const SQLITE_TYPES: SqlTypes = {
  text: 'TEXT',
  int: 'INTEGER',
  bigint: 'INTEGER',
  bool: 'INTEGER',
  balancesOptions: '',
  keyedOptions: ' WITHOUT ROWID',
  claimRows: false,
}

/** PostgreSQL's column types. @category store-sql */
export const POSTGRES_TYPES: SqlTypes = {
  text: 'text',
  int: 'integer',
  bigint: 'bigint',
  bool: 'boolean',
  balancesOptions: ' WITH (fillfactor = 70)',
  keyedOptions: '',
  claimRows: true,
}

/**
 * One versioned schema change: applied once, in version order, each in its own transaction with
 * its row in `schema_migrations`.
 * @category store-sql
 */
export interface SqlMigration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/**
 * The loyalty store's tables, the same in every SQL engine: times are epoch milliseconds, points
 * 64-bit integers; entry bodies, posting results and reservation takes are JSON text.
 * @category store-sql
 */
export const loyaltyMigrations = (t: SqlTypes): readonly SqlMigration[] => [
  {
    version: 1,
    name: 'loyalty ledger, cards and members',
    sql: `
CREATE TABLE ledger_programs (program_id ${t.text} PRIMARY KEY, policy ${t.text} NOT NULL);
CREATE TABLE members (member_id ${t.text} PRIMARY KEY, body ${t.text} NOT NULL);
CREATE TABLE accounts (
  account_id ${t.text} PRIMARY KEY,
  program_id ${t.text} NOT NULL,
  member_id ${t.text},
  household_id ${t.text},
  status ${t.text} NOT NULL,
  merged_into ${t.text},
  opened_at ${t.bigint} NOT NULL
);
CREATE TABLE balances (
  account_id ${t.text} PRIMARY KEY,
  as_of ${t.bigint} NOT NULL,
  available ${t.bigint} NOT NULL,
  pending ${t.bigint} NOT NULL,
  reserved ${t.bigint} NOT NULL,
  debt ${t.bigint} NOT NULL,
  sequence ${t.int} NOT NULL
)${t.balancesOptions};
CREATE TABLE lots (
  account_id ${t.text} NOT NULL,
  lot_id ${t.text} NOT NULL,
  origin ${t.text} NOT NULL,
  points ${t.bigint} NOT NULL,
  remaining ${t.bigint} NOT NULL,
  available_from ${t.bigint} NOT NULL,
  expires_at ${t.bigint},
  created_at ${t.bigint} NOT NULL,
  PRIMARY KEY (account_id, lot_id)
);
CREATE INDEX lots_due ON lots (expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;
CREATE TABLE reservations (
  account_id ${t.text} NOT NULL,
  reservation_id ${t.text} NOT NULL,
  points ${t.bigint} NOT NULL,
  takes ${t.text} NOT NULL,
  expires_at ${t.bigint} NOT NULL,
  status ${t.text} NOT NULL,
  created_at ${t.bigint} NOT NULL,
  PRIMARY KEY (account_id, reservation_id)
);
CREATE INDEX reservations_due ON reservations (expires_at) WHERE status = 'open';
CREATE TABLE entries (
  entry_id ${t.text} PRIMARY KEY,
  account_id ${t.text} NOT NULL,
  sequence ${t.int} NOT NULL,
  kind ${t.text} NOT NULL,
  key ${t.text} NOT NULL,
  of_key ${t.text},
  points ${t.bigint} NOT NULL,
  body ${t.text} NOT NULL,
  UNIQUE (account_id, sequence)
);
CREATE INDEX entries_of_key ON entries (of_key) WHERE of_key IS NOT NULL;
CREATE TABLE postings (key ${t.text} PRIMARY KEY, request ${t.text} NOT NULL, result ${t.text} NOT NULL);
CREATE TABLE cards (
  number ${t.text} PRIMARY KEY,
  account_id ${t.text} NOT NULL,
  member_id ${t.text},
  status ${t.text} NOT NULL,
  replaced_by ${t.text},
  issued_at ${t.bigint} NOT NULL
);
CREATE INDEX cards_account ON cards (account_id);
CREATE TABLE households (household_id ${t.text} PRIMARY KEY, account_id ${t.text} NOT NULL, member_ids ${t.text} NOT NULL);
CREATE INDEX households_account ON households (account_id);
CREATE TABLE memberships (
  member_id ${t.text} NOT NULL,
  club_id ${t.text} NOT NULL,
  from_at ${t.bigint} NOT NULL,
  until_at ${t.bigint} NOT NULL,
  period_months ${t.int} NOT NULL,
  auto_renew ${t.bool} NOT NULL,
  PRIMARY KEY (member_id, club_id)
);
CREATE TABLE serials (sequence ${t.text} PRIMARY KEY, value ${t.bigint} NOT NULL);
`,
  },
  {
    version: 2,
    name: 'named counters: the monthly referral cap of a referrer',
    sql: `CREATE TABLE counters (name ${t.text} PRIMARY KEY, value ${t.bigint} NOT NULL);`,
  },
]

/**
 * The checkout's tables (versions from 1001, beside the loyalty store's): code pools and codes,
 * usage counters per campaign, per customer and per coupon template, the stored closes and returns
 * with their receipts, purchases and open sessions. Whole documents that are only read back are
 * JSON text. Where the engine claims ids first ({@link SqlTypes.claimRows}), a close or return row
 * whose `request` is NULL is a claim of a transaction in flight; readers skip it.
 * @category store-sql
 */
export const checkoutMigrations = (t: SqlTypes): readonly SqlMigration[] => {
  const filled = t.claimRows ? '' : ' NOT NULL'
  return [
    {
      version: 1001,
      name: 'checkout: code pools, codes, usage, closes and returns',
      sql: `
CREATE TABLE checkout_pools (pool_id ${t.text} PRIMARY KEY, body ${t.text} NOT NULL);
CREATE TABLE checkout_codes (
  code ${t.text} PRIMARY KEY,
  pool_id ${t.text} NOT NULL,
  kind ${t.text} NOT NULL,
  valid_from_ms ${t.bigint},
  valid_until_ms ${t.bigint},
  redemptions ${t.text} NOT NULL DEFAULT '[]',
  reservations ${t.text} NOT NULL DEFAULT '[]',
  revoked ${t.text}
)${t.keyedOptions};
CREATE TABLE checkout_campaign_usage (
  campaign_id ${t.text} PRIMARY KEY,
  redemptions ${t.bigint} NOT NULL,
  discount_spent ${t.bigint} NOT NULL,
  points_spent ${t.bigint} NOT NULL
);
CREATE TABLE checkout_customer_usage (
  campaign_id ${t.text} NOT NULL,
  customer ${t.text} NOT NULL,
  bucket ${t.text} NOT NULL,
  uses ${t.bigint} NOT NULL,
  PRIMARY KEY (campaign_id, customer, bucket)
)${t.keyedOptions};
CREATE TABLE checkout_coupon_usage (
  template ${t.text} NOT NULL,
  customer ${t.text} NOT NULL,
  bucket ${t.text} NOT NULL,
  uses ${t.bigint} NOT NULL,
  PRIMARY KEY (template, customer, bucket)
)${t.keyedOptions};
CREATE TABLE checkout_closes (
  transaction_id ${t.text} PRIMARY KEY,
  request ${t.text}${filled},
  card ${t.text},
  snapshot ${t.text}${filled},
  bookings ${t.text}${filled},
  receipt ${t.text}${filled}
);
CREATE INDEX checkout_closes_card ON checkout_closes (card) WHERE card IS NOT NULL;
CREATE TABLE checkout_returns (
  return_id ${t.text} PRIMARY KEY,
  transaction_id ${t.text}${filled},
  position ${t.int}${filled},
  request ${t.text}${filled},
  receipt ${t.text}${filled},
  UNIQUE (transaction_id, position)
);
`,
    },
    {
      version: 1002,
      name: 'checkout: purchases (tiers, stats and lifecycle come from them) and open sessions',
      sql: `
CREATE TABLE checkout_purchases (
  id ${t.text} PRIMARY KEY,
  customer ${t.text} NOT NULL,
  at ${t.text} NOT NULL,
  at_ms ${t.bigint} NOT NULL,
  amount ${t.bigint} NOT NULL,
  points ${t.bigint} NOT NULL
);
CREATE INDEX checkout_purchases_customer ON checkout_purchases (customer, at_ms);
CREATE TABLE checkout_sessions (transaction_id ${t.text} PRIMARY KEY, body ${t.text} NOT NULL);
`,
    },
  ]
}
