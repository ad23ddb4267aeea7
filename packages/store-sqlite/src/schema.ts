import type { SqliteMigration } from './database.js'

/**
 * The schema of the SQLite loyalty store, as versioned migrations. The same tables as the Postgres
 * store: times are epoch milliseconds, points integers; entry bodies, posting results and
 * reservation takes are JSON text.
 * @category store-sqlite
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'loyalty ledger, cards and members',
    sql: `
CREATE TABLE ledger_programs (program_id TEXT PRIMARY KEY, policy TEXT NOT NULL);
CREATE TABLE members (member_id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE accounts (
  account_id TEXT PRIMARY KEY,
  program_id TEXT NOT NULL,
  member_id TEXT,
  household_id TEXT,
  status TEXT NOT NULL,
  merged_into TEXT,
  opened_at INTEGER NOT NULL
);
CREATE TABLE balances (
  account_id TEXT PRIMARY KEY,
  as_of INTEGER NOT NULL,
  available INTEGER NOT NULL,
  pending INTEGER NOT NULL,
  reserved INTEGER NOT NULL,
  debt INTEGER NOT NULL,
  sequence INTEGER NOT NULL
);
CREATE TABLE lots (
  account_id TEXT NOT NULL,
  lot_id TEXT NOT NULL,
  origin TEXT NOT NULL,
  points INTEGER NOT NULL,
  remaining INTEGER NOT NULL,
  available_from INTEGER NOT NULL,
  expires_at INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, lot_id)
);
CREATE INDEX lots_due ON lots (expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;
CREATE TABLE reservations (
  account_id TEXT NOT NULL,
  reservation_id TEXT NOT NULL,
  points INTEGER NOT NULL,
  takes TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, reservation_id)
);
CREATE INDEX reservations_due ON reservations (expires_at) WHERE status = 'open';
CREATE TABLE entries (
  entry_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  of_key TEXT,
  points INTEGER NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (account_id, sequence)
);
CREATE INDEX entries_of_key ON entries (of_key) WHERE of_key IS NOT NULL;
CREATE TABLE postings (key TEXT PRIMARY KEY, request TEXT NOT NULL, result TEXT NOT NULL);
CREATE TABLE cards (
  number TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  member_id TEXT,
  status TEXT NOT NULL,
  replaced_by TEXT,
  issued_at INTEGER NOT NULL
);
CREATE INDEX cards_account ON cards (account_id);
CREATE TABLE households (household_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, member_ids TEXT NOT NULL);
CREATE INDEX households_account ON households (account_id);
CREATE TABLE memberships (
  member_id TEXT NOT NULL,
  club_id TEXT NOT NULL,
  from_at INTEGER NOT NULL,
  until_at INTEGER NOT NULL,
  period_months INTEGER NOT NULL,
  auto_renew INTEGER NOT NULL,
  PRIMARY KEY (member_id, club_id)
);
CREATE TABLE serials (sequence TEXT PRIMARY KEY, value INTEGER NOT NULL);
`,
  },
  {
    version: 2,
    name: 'named counters: the monthly referral cap of a referrer',
    sql: 'CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);',
  },
]
