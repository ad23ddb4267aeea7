import type { Migration } from '../migrate.js'

/**
 * The checkout tables of the Postgres store (versions from 1001, beside the loyalty store's): code
 * pools and codes, usage counters per campaign, per customer and per coupon template, and the
 * stored closes and returns with their receipts. A close or return row whose `request` is NULL is a
 * claim: the id was taken by a transaction in flight (see {@link openPostgresCheckoutStore}); readers
 * skip it. No extensions, no advisory locks: the SQL fits Postgres-compatible distributed engines.
 * @category store-postgres
 */
export const POSTGRES_CHECKOUT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1001,
    name: 'checkout: code pools, codes, usage, closes and returns',
    sql: `
CREATE TABLE checkout_pools (
  pool_id text PRIMARY KEY,
  body text NOT NULL
);
CREATE TABLE checkout_codes (
  code text PRIMARY KEY,
  pool_id text NOT NULL,
  kind text NOT NULL,
  valid_from_ms bigint,
  valid_until_ms bigint,
  redemptions text NOT NULL DEFAULT '[]',
  reservations text NOT NULL DEFAULT '[]',
  revoked text
);
CREATE TABLE checkout_campaign_usage (
  campaign_id text PRIMARY KEY,
  redemptions bigint NOT NULL,
  discount_spent bigint NOT NULL,
  points_spent bigint NOT NULL
);
CREATE TABLE checkout_customer_usage (
  campaign_id text NOT NULL,
  customer text NOT NULL,
  bucket text NOT NULL,
  uses bigint NOT NULL,
  PRIMARY KEY (campaign_id, customer, bucket)
);
CREATE TABLE checkout_coupon_usage (
  template text NOT NULL,
  customer text NOT NULL,
  bucket text NOT NULL,
  uses bigint NOT NULL,
  PRIMARY KEY (template, customer, bucket)
);
CREATE TABLE checkout_closes (
  transaction_id text PRIMARY KEY,
  request text,
  card text,
  snapshot text,
  bookings text,
  receipt text
);
CREATE INDEX checkout_closes_card ON checkout_closes (card) WHERE card IS NOT NULL;
CREATE TABLE checkout_returns (
  return_id text PRIMARY KEY,
  transaction_id text,
  position integer,
  request text,
  receipt text,
  UNIQUE (transaction_id, position)
);
`,
  },
  {
    version: 1002,
    name: 'checkout: purchases (tiers, stats and lifecycle come from them) and open sessions',
    sql: `
CREATE TABLE checkout_purchases (
  id text PRIMARY KEY,
  customer text NOT NULL,
  at text NOT NULL,
  at_ms bigint NOT NULL,
  amount bigint NOT NULL,
  points bigint NOT NULL
);
CREATE INDEX checkout_purchases_customer ON checkout_purchases (customer, at_ms);
CREATE TABLE checkout_sessions (transaction_id text PRIMARY KEY, body text NOT NULL);
`,
  },
]
