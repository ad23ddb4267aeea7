import type { Pool } from 'pg'
import { EVENT_OUTBOX_SQL } from '../events/outbox.js'

/**
 * The head office's sync tables. Plain SQL that fits Postgres-compatible distributed engines: no
 * sequences on hot paths, no advisory locks, every key made by the tills (entry ids) or natural.
 * - `sync_entries`: every entry applied, keyed by its id (applied twice = booked once).
 * - `sync_postings`, `sync_accounts`: the head office's points ledger (a balance may go below
 *   zero: a debt that later earnings repay), `sync_cards`.
 * - `sync_codes`: the standing redemption of each single-use code; `sync_conflicts` the later ones;
 *   `sync_code_releases` the redemptions a full return gave back.
 * - `sync_campaigns`: usage and budget per campaign, and what conflicts cost it.
 * - `sync_tills`: what was applied of each till. `sync_*_claims`: the online checks' holds.
 */
export const HEAD_OFFICE_DDL = `
CREATE TABLE IF NOT EXISTS sync_entries (
  id uuid PRIMARY KEY,
  till text NOT NULL,
  seq bigint NOT NULL,
  kind text NOT NULL,
  ref text NOT NULL,
  at_ms bigint NOT NULL,
  offline boolean NOT NULL,
  body jsonb NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (till, seq)
);
CREATE TABLE IF NOT EXISTS sync_accounts (
  account_id text PRIMARY KEY,
  points bigint NOT NULL DEFAULT 0,
  opening bigint NOT NULL DEFAULT 0,
  lowest bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sync_postings (
  entry_id uuid NOT NULL REFERENCES sync_entries (id),
  posting text NOT NULL,
  account_id text NOT NULL,
  kind text NOT NULL,
  points bigint NOT NULL,
  PRIMARY KEY (entry_id, posting)
);
CREATE TABLE IF NOT EXISTS sync_cards (
  number text PRIMARY KEY,
  account_id text NOT NULL,
  entry_id uuid
);
CREATE TABLE IF NOT EXISTS sync_codes (
  code text PRIMARY KEY,
  entry_id uuid NOT NULL,
  till text NOT NULL,
  transaction_id text NOT NULL,
  campaign_id text,
  at_ms bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_code_releases (
  code text NOT NULL,
  transaction_id text NOT NULL,
  entry_id uuid NOT NULL,
  PRIMARY KEY (code, transaction_id)
);
CREATE TABLE IF NOT EXISTS sync_conflicts (
  kind text NOT NULL,
  subject text NOT NULL,
  entry_id uuid NOT NULL,
  till text NOT NULL,
  transaction_id text NOT NULL,
  first_entry_id uuid NOT NULL,
  first_till text NOT NULL,
  first_transaction_id text NOT NULL,
  campaign_id text,
  cost bigint NOT NULL,
  detected_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, subject, entry_id)
);
CREATE TABLE IF NOT EXISTS sync_campaigns (
  campaign_id text PRIMARY KEY,
  redemptions bigint NOT NULL DEFAULT 0,
  discount_spent bigint NOT NULL DEFAULT 0,
  points_spent bigint NOT NULL DEFAULT 0,
  conflict_cost bigint NOT NULL DEFAULT 0,
  discount_budget bigint,
  points_budget bigint
);
CREATE TABLE IF NOT EXISTS sync_tills (
  till text PRIMARY KEY,
  applied bigint NOT NULL DEFAULT 0,
  max_seq bigint NOT NULL DEFAULT 0,
  last_entry_id uuid,
  last_at_ms bigint,
  last_applied_at timestamptz
);
CREATE TABLE IF NOT EXISTS sync_code_claims (
  code text PRIMARY KEY,
  till text NOT NULL,
  transaction_id text NOT NULL,
  expires_at_ms bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_point_claims (
  key text PRIMARY KEY,
  account_id text NOT NULL,
  points bigint NOT NULL,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sync_point_claims_account ON sync_point_claims (account_id);
`

/** Creates the head office's sync tables, and the events outbox its consumer records in, if missing. @category sync */
export const migrateHeadOffice = async (pool: Pool): Promise<void> => {
  await pool.query(HEAD_OFFICE_DDL)
  await pool.query(EVENT_OUTBOX_SQL)
}
