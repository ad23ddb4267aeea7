import type { Migration } from './migrate.js'

/**
 * The schema of the Postgres loyalty store, as versioned migrations. Times are epoch milliseconds
 * (`bigint`), points are `bigint`; whole documents that are only ever read back (entry bodies,
 * posting results, reservation takes) are JSON text. No advisory locks, no extensions: the SQL fits
 * Postgres-compatible distributed engines.
 * @category store-postgres
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'loyalty ledger, cards and members',
    sql: `
CREATE TABLE ledger_programs (
  program_id text PRIMARY KEY,
  policy text NOT NULL
);
CREATE TABLE members (
  member_id text PRIMARY KEY,
  body text NOT NULL
);
CREATE TABLE accounts (
  account_id text PRIMARY KEY,
  program_id text NOT NULL,
  member_id text,
  household_id text,
  status text NOT NULL,
  merged_into text,
  opened_at bigint NOT NULL
);
CREATE TABLE balances (
  account_id text PRIMARY KEY,
  as_of bigint NOT NULL,
  available bigint NOT NULL,
  pending bigint NOT NULL,
  reserved bigint NOT NULL,
  debt bigint NOT NULL,
  sequence integer NOT NULL
) WITH (fillfactor = 70);
CREATE TABLE lots (
  account_id text NOT NULL,
  lot_id text NOT NULL,
  origin text NOT NULL,
  points bigint NOT NULL,
  remaining bigint NOT NULL,
  available_from bigint NOT NULL,
  expires_at bigint,
  created_at bigint NOT NULL,
  PRIMARY KEY (account_id, lot_id)
);
CREATE INDEX lots_due ON lots (expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;
CREATE TABLE reservations (
  account_id text NOT NULL,
  reservation_id text NOT NULL,
  points bigint NOT NULL,
  takes text NOT NULL,
  expires_at bigint NOT NULL,
  status text NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (account_id, reservation_id)
);
CREATE INDEX reservations_due ON reservations (expires_at) WHERE status = 'open';
CREATE TABLE entries (
  entry_id text PRIMARY KEY,
  account_id text NOT NULL,
  sequence integer NOT NULL,
  kind text NOT NULL,
  key text NOT NULL,
  of_key text,
  points bigint NOT NULL,
  body text NOT NULL,
  UNIQUE (account_id, sequence)
);
CREATE INDEX entries_of_key ON entries (of_key) WHERE of_key IS NOT NULL;
CREATE TABLE postings (
  key text PRIMARY KEY,
  request text NOT NULL,
  result text NOT NULL
);
CREATE TABLE cards (
  number text PRIMARY KEY,
  account_id text NOT NULL,
  member_id text,
  status text NOT NULL,
  replaced_by text,
  issued_at bigint NOT NULL
);
CREATE INDEX cards_account ON cards (account_id);
CREATE TABLE households (
  household_id text PRIMARY KEY,
  account_id text NOT NULL,
  member_ids text NOT NULL
);
CREATE INDEX households_account ON households (account_id);
CREATE TABLE memberships (
  member_id text NOT NULL,
  club_id text NOT NULL,
  from_at bigint NOT NULL,
  until_at bigint NOT NULL,
  period_months integer NOT NULL,
  auto_renew boolean NOT NULL,
  PRIMARY KEY (member_id, club_id)
);
CREATE TABLE serials (
  sequence text PRIMARY KEY,
  value bigint NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'named counters: the monthly referral cap of a referrer',
    sql: 'CREATE TABLE counters (name text PRIMARY KEY, value bigint NOT NULL);',
  },
]
