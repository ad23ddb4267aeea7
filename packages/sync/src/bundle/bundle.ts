import {
  type Campaign,
  CampaignCodec,
  type DecodeError,
  decodeWith,
  type FieldProblem,
  fieldError,
  IsoDateTimeCodec,
  PositiveCount,
  type Program,
  ProgramCodec,
  strictObject,
} from '@tessera/core'
import * as t from 'io-ts'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** The format of a signed bundle's envelope, checked first. @category bundle */
export const BUNDLE_FORMAT = 'tessera-bundle/1'

/**
 * A public signing key as a till trusts it: its id and the raw 32-byte Ed25519 public key,
 * base64url without padding (the `x` of its JWK).
 * @category bundle
 */
export interface BundleKey {
  readonly keyId: string
  readonly publicKey: string
}

/**
 * What the head office publishes to every till: a monotonic `version`, when it was issued, the key
 * that signs it, the campaigns and the program, and the signing keys the tills shall trust from now
 * on (see the rotation in docs/sync-bundle-events.md).
 * @category bundle
 */
export interface BundlePayload {
  readonly version: number
  readonly issuedAt: string
  /** The key that signed this payload; must equal the envelope's `keyId`. */
  readonly keyId: string
  readonly campaigns: readonly Campaign[]
  readonly program: Program
  /** The trusted set after this bundle: it replaces the till's set once the bundle is accepted. */
  readonly keys: readonly BundleKey[]
}

/**
 * The signed bundle as it travels (a JSON file or a message): the signature is over the exact
 * bytes of `payload` (UTF-8 JSON, shipped as standard base64), so no canonical JSON is needed —
 * the till verifies the bytes it received, then parses them.
 * @category bundle
 */
export interface SignedBundle {
  readonly format: typeof BUNDLE_FORMAT
  readonly keyId: string
  /** Base64 of the payload's UTF-8 JSON bytes. */
  readonly payload: string
  /** Base64 of the 64-byte Ed25519 signature over those bytes. */
  readonly signature: string
}

/** A bundle whose signature, content and version were checked. @category bundle */
export interface VerifiedBundle {
  readonly payload: BundlePayload
  /** The signed bundle's JSON text, exactly as received (what a keeper persists). */
  readonly text: string
}

// ── errors ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Why a bundle was refused, checked in this order:
 * - `MALFORMED`: not JSON, an unknown or missing field, a wrong type, bad base64, or a signed
 *   payload whose campaigns or program do not decode (`problems` names each field);
 * - `UNKNOWN_KEY`: signed with a key id the till does not trust;
 * - `TAMPERED`: the signature does not match the payload (or the payload names another signer);
 * - `NOT_NEWER`: its version is not above the version the till already holds.
 * @category bundle
 */
export type BundleRejection = 'MALFORMED' | 'UNKNOWN_KEY' | 'TAMPERED' | 'NOT_NEWER'

/** A refused bundle: the reason, a message naming what is wrong, and the details. @category bundle */
export interface BundleRejected {
  readonly _tag: 'BundleRejected'
  readonly reason: BundleRejection
  readonly message: string
  readonly problems?: readonly FieldProblem[]
  readonly keyId?: string
  readonly version?: number
  /** For `NOT_NEWER`: the version the till holds. */
  readonly current?: number
}

/** Builds a {@link BundleRejected}. @category bundle */
export const bundleRejected = (
  reason: BundleRejection,
  message: string,
  details: Omit<BundleRejected, '_tag' | 'reason' | 'message'> = {},
): BundleRejected => ({ _tag: 'BundleRejected', reason, message, ...details })

/** A {@link DecodeError} as a `MALFORMED` rejection, keeping its field problems. @category bundle */
export const malformed = (e: DecodeError): BundleRejected =>
  bundleRejected('MALFORMED', e.message, { problems: e.problems })

// ── codecs ───────────────────────────────────────────────────────────────────────────────────────

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const BASE64URL = /^[A-Za-z0-9_-]+$/

const KeyIdCodec = new t.Type<string, string, unknown>(
  'KeyId',
  (u): u is string => typeof u === 'string' && KEY_ID.test(u),
  (u, c) =>
    typeof u === 'string' && KEY_ID.test(u)
      ? t.success(u)
      : t.failure(u, c, 'must be a key id of 1–64 letters, digits, ".", "_" or "-"'),
  t.identity,
)

const Base64Codec = (bytes: number | undefined, what: string) =>
  new t.Type<string, string, unknown>(
    'Base64',
    (u): u is string => typeof u === 'string',
    (u, c) => {
      if (typeof u !== 'string' || u.length === 0 || !BASE64.test(u))
        return t.failure(u, c, `must be ${what} in standard base64`)
      if (bytes !== undefined && Buffer.from(u, 'base64').length !== bytes)
        return t.failure(u, c, `must be ${bytes} bytes of base64 (${what})`)
      return t.success(u)
    },
    t.identity,
  )

/** A raw Ed25519 public key: 32 bytes, base64url without padding. */
const PublicKeyCodec = new t.Type<string, string, unknown>(
  'Ed25519PublicKey',
  (u): u is string => typeof u === 'string',
  (u, c) =>
    typeof u === 'string' && BASE64URL.test(u) && Buffer.from(u, 'base64url').length === 32
      ? t.success(u)
      : t.failure(u, c, 'must be a raw Ed25519 public key: 32 bytes in base64url (the "x" of its JWK)'),
  t.identity,
)

/** One trusted public key. @category bundle */
export const BundleKeyCodec = strictObject('BundleKey', { keyId: KeyIdCodec, publicKey: PublicKeyCodec })

const uniqueKeys = (keys: readonly BundleKey[], context: t.Context, at: string): t.Errors => {
  const errors: t.Errors = []
  const seen = new Set<string>()
  for (const [i, k] of keys.entries()) {
    if (seen.has(k.keyId)) errors.push(fieldError(context, [at, i, 'keyId'], k.keyId, `duplicate key id "${k.keyId}"`))
    seen.add(k.keyId)
  }
  if (keys.length === 0) errors.push(fieldError(context, [at], keys, 'must hold at least one key'))
  return errors
}

/** The envelope of a signed bundle; unknown fields are refused. @category bundle */
export const SignedBundleCodec = strictObject('SignedBundle', {
  format: new t.Type<typeof BUNDLE_FORMAT, string, unknown>(
    'BundleFormat',
    (u): u is typeof BUNDLE_FORMAT => u === BUNDLE_FORMAT,
    (u, c) => (u === BUNDLE_FORMAT ? t.success(BUNDLE_FORMAT) : t.failure(u, c, `must be "${BUNDLE_FORMAT}"`)),
    t.identity,
  ),
  keyId: KeyIdCodec,
  payload: Base64Codec(undefined, 'the payload bytes'),
  signature: Base64Codec(64, 'an Ed25519 signature'),
}) as unknown as t.Type<SignedBundle, SignedBundle, unknown>

/**
 * The signed payload: strict at every level, with the core's campaign and program codecs, unique
 * campaign ids and a non-empty set of unique keys.
 * @category bundle
 */
export const BundlePayloadCodec = strictObject(
  'BundlePayload',
  {
    version: PositiveCount,
    issuedAt: IsoDateTimeCodec,
    keyId: KeyIdCodec,
    campaigns: t.readonlyArray(CampaignCodec),
    program: ProgramCodec,
    keys: t.readonlyArray(BundleKeyCodec),
  },
  {},
  {
    check: (p, c) => {
      const errors: t.Errors = [...uniqueKeys(p.keys as readonly BundleKey[], c, 'keys')]
      const seen = new Set<string>()
      for (const [i, campaign] of (p.campaigns as readonly Campaign[]).entries()) {
        if (seen.has(campaign.id))
          errors.push(fieldError(c, ['campaigns', i, 'id'], campaign.id, `duplicate campaign id "${campaign.id}"`))
        seen.add(campaign.id)
      }
      return errors
    },
  },
) as unknown as t.Type<BundlePayload, BundlePayload, unknown>

/**
 * A trusted key file, `{ "keys": [ { "keyId": "hq-2026-11", "publicKey": "<base64url>" } ] }`:
 * what a till is provisioned with, and what `tessera bundle keygen` prints.
 * @category bundle
 */
export const TrustedKeysCodec = strictObject(
  'TrustedKeys',
  { keys: t.readonlyArray(BundleKeyCodec) },
  {},
  { check: (v, c) => uniqueKeys(v.keys as readonly BundleKey[], c, 'keys') },
) as unknown as t.Type<{ readonly keys: readonly BundleKey[] }, unknown, unknown>

/** Decodes a trusted key file. @category bundle */
export const decodeTrustedKeys = (u: unknown, document = 'trusted keys') => decodeWith(TrustedKeysCodec, document)(u)
