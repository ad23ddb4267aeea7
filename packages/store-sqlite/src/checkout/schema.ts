import type { SqliteMigration } from '../database.js'

/**
 * The checkout tables of the SQLite store (versions from 1001, beside the loyalty store's): code
 * pools and codes, usage counters per campaign, per customer and per coupon template, and the
 * stored closes and returns with their receipts. Whole documents that are only read back (pool
 * kinds, redemptions, snapshots, receipts) are JSON text.
 * @category store-sqlite
 */
export const SQLITE_CHECKOUT_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1001,
    name: 'checkout: code pools, codes, usage, closes and returns',
    sql: `
CREATE TABLE checkout_pools (pool_id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE checkout_codes (
  code TEXT PRIMARY KEY,
  pool_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  valid_from_ms INTEGER,
  valid_until_ms INTEGER,
  redemptions TEXT NOT NULL DEFAULT '[]',
  reservations TEXT NOT NULL DEFAULT '[]',
  revoked TEXT
) WITHOUT ROWID;
CREATE TABLE checkout_campaign_usage (
  campaign_id TEXT PRIMARY KEY,
  redemptions INTEGER NOT NULL,
  discount_spent INTEGER NOT NULL,
  points_spent INTEGER NOT NULL
);
CREATE TABLE checkout_customer_usage (
  campaign_id TEXT NOT NULL,
  customer TEXT NOT NULL,
  bucket TEXT NOT NULL,
  uses INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, customer, bucket)
) WITHOUT ROWID;
CREATE TABLE checkout_coupon_usage (
  template TEXT NOT NULL,
  customer TEXT NOT NULL,
  bucket TEXT NOT NULL,
  uses INTEGER NOT NULL,
  PRIMARY KEY (template, customer, bucket)
) WITHOUT ROWID;
CREATE TABLE checkout_closes (
  transaction_id TEXT PRIMARY KEY,
  request TEXT NOT NULL,
  card TEXT,
  snapshot TEXT NOT NULL,
  bookings TEXT NOT NULL,
  receipt TEXT NOT NULL
);
CREATE INDEX checkout_closes_card ON checkout_closes (card) WHERE card IS NOT NULL;
CREATE TABLE checkout_returns (
  return_id TEXT PRIMARY KEY,
  transaction_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  request TEXT NOT NULL,
  receipt TEXT NOT NULL,
  UNIQUE (transaction_id, position)
);
`,
  },
  {
    version: 1002,
    name: 'checkout: purchases (tiers, stats and lifecycle come from them) and open sessions',
    sql: `
CREATE TABLE checkout_purchases (
  id TEXT PRIMARY KEY,
  customer TEXT NOT NULL,
  at TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  points INTEGER NOT NULL
);
CREATE INDEX checkout_purchases_customer ON checkout_purchases (customer, at_ms);
CREATE TABLE checkout_sessions (transaction_id TEXT PRIMARY KEY, body TEXT NOT NULL);
`,
  },
]
