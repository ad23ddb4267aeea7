import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { ApiKeyRow, ServerStore } from './serverStore.js'

/*
 * Per-till API keys: `tk_<keyId>.<secret>`. The key id is public (it finds the row), the secret is
 * 32 random bytes shown once; the store keeps only its SHA-256, compared in constant time.
 */

/** A till as an accepted API key names it. @category server */
export interface Till {
  readonly keyId: string
  readonly shop: string
  readonly till: string
}

/** A key just made: `key` is shown once and never stored. @category server */
export interface NewApiKey extends Till {
  readonly key: string
}

const sha256 = (s: string) => createHash('sha256').update(s).digest()
const KEY = /^tk_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/
/** Compared against when the key id is unknown, so that an unknown id takes as long as a wrong secret. */
const DUMMY = sha256('tessera: no such key')

/** Makes and stores a key for a shop's till. @category server */
export const createApiKey = async (
  store: Pick<ServerStore, 'putKey'>,
  input: { readonly shop: string; readonly till: string; readonly atMs: number },
): Promise<NewApiKey> => {
  const keyId = randomBytes(8).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  await store.putKey({
    keyId,
    shop: input.shop,
    till: input.till,
    secretHash: sha256(secret).toString('hex'),
    createdAtMs: input.atMs,
  })
  return { keyId, shop: input.shop, till: input.till, key: `tk_${keyId}.${secret}` }
}

/** Rotation: a new key for the same till, then the old one revoked. @category server */
export const rotateApiKey = async (
  store: Pick<ServerStore, 'putKey' | 'findKey' | 'revokeKey'>,
  keyId: string,
  atMs: number,
): Promise<NewApiKey | undefined> => {
  const old = await store.findKey(keyId)
  if (old === undefined) return undefined
  const next = await createApiKey(store, { shop: old.shop, till: old.till, atMs })
  await store.revokeKey(keyId, atMs)
  return next
}

/**
 * The till of an `Authorization` header, or undefined for a missing, malformed, unknown, wrong or
 * revoked key (the caller answers 401 without saying which).
 * @category server
 */
export const authenticate = async (
  find: (keyId: string) => Promise<ApiKeyRow | undefined>,
  header: string | undefined,
): Promise<Till | undefined> => {
  const match = header === undefined ? null : /^Bearer (\S+)$/.exec(header)
  const parsed = match?.[1] === undefined ? null : KEY.exec(match[1])
  const keyId = parsed?.[1]
  const secret = parsed?.[2]
  const row = keyId === undefined ? undefined : await find(keyId)
  const expected = row === undefined ? DUMMY : Buffer.from(row.secretHash, 'hex')
  const given = sha256(secret ?? '')
  const same = expected.length === given.length && timingSafeEqual(expected, given)
  if (row === undefined || !same || row.revokedAtMs !== undefined) return undefined
  return { keyId: row.keyId, shop: row.shop, till: row.till }
}
