import { type DecodeError, decodeError, decodeWith } from '@tessera/core'
import { type Either, isLeft, left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import {
  BUNDLE_FORMAT,
  type BundleKey,
  BundleKeyCodec,
  type BundlePayload,
  BundlePayloadCodec,
  type SignedBundle,
} from './bundle.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The head office's private signing key: an Ed25519 JWK (`kty` OKP, `crv` Ed25519, `d`, `x`) with
 * its key id in `kid`. Keep it off the tills: they only ever hold public keys.
 * @category bundle
 */
export interface SigningKey {
  readonly kty: 'OKP'
  readonly crv: 'Ed25519'
  readonly kid: string
  readonly d: string
  readonly x: string
}

/** What a new key pair gives: the private JWK to keep, and the public half to publish. @category bundle */
export interface GeneratedKey {
  readonly signingKey: SigningKey
  readonly publicKey: BundleKey
}

const ED25519 = { name: 'Ed25519' } as const
const subtle = () => globalThis.crypto.subtle

// ── codecs ───────────────────────────────────────────────────────────────────────────────────────

const B64URL = (bytes: number, what: string) =>
  new t.Type<string, string, unknown>(
    'Base64Url',
    (u): u is string => typeof u === 'string',
    (u, c) =>
      typeof u === 'string' && /^[A-Za-z0-9_-]+$/.test(u) && Buffer.from(u, 'base64url').length === bytes
        ? t.success(u)
        : t.failure(u, c, `must be ${what}: ${bytes} bytes in base64url`),
    t.identity,
  )
const literal = <V extends string>(value: V) =>
  new t.Type<V, string, unknown>(
    value,
    (u): u is V => u === value,
    (u, c) => (u === value ? t.success(value) : t.failure(u, c, `must be "${value}"`)),
    t.identity,
  )

/**
 * A private key file: the JWK `tessera bundle keygen` writes. Unknown JWK members are dropped
 * (`key_ops`, `ext`, `alg` are common), the required ones checked.
 * @category bundle
 */
export const SigningKeyCodec = t.exact(
  t.type({
    kty: literal('OKP'),
    crv: literal('Ed25519'),
    kid: BundleKeyCodec.required.keyId,
    d: B64URL(32, 'the private key'),
    x: B64URL(32, 'the public key'),
  }),
) as unknown as t.Type<SigningKey, SigningKey, unknown>

/** Decodes a private signing key (a JWK with `kid`). @category bundle */
export const decodeSigningKey = (u: unknown, document = 'signing key'): Either<DecodeError, SigningKey> =>
  decodeWith(SigningKeyCodec, document)(u)

/** What the head office puts in a bundle; `keyId` is taken from the signing key. @category bundle */
export type BundleContent = Omit<BundlePayload, 'keyId'>

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Makes a new Ed25519 key pair with WebCrypto (`globalThis.crypto.subtle`, randomness from the
 * platform). Reads no clock.
 * @category bundle
 */
export const generateBundleKey = async (keyId: string): Promise<Either<DecodeError, GeneratedKey>> => {
  const id = BundleKeyCodec.required.keyId.decode(keyId)
  if (isLeft(id))
    return left(decodeError('key id', [{ path: 'keyId', reason: 'must be 1–64 letters, digits, ".", "_" or "-"' }]))
  const pair = (await subtle().generateKey(ED25519, true, ['sign', 'verify'])) as {
    readonly privateKey: Parameters<ReturnType<typeof subtle>['exportKey']>[1]
  }
  const jwk = await subtle().exportKey('jwk', pair.privateKey)
  const signingKey: SigningKey = { kty: 'OKP', crv: 'Ed25519', kid: keyId, d: jwk.d as string, x: jwk.x as string }
  return right({ signingKey, publicKey: { keyId, publicKey: signingKey.x } })
}

/** The public half of a signing key, as tills trust it. @category bundle */
export const publicKeyOf = (key: SigningKey): BundleKey => ({ keyId: key.kid, publicKey: key.x })

/**
 * Signs a bundle: checks the content with the payload codec (so the head office cannot publish
 * what a till would refuse), serialises the payload once with `JSON.stringify`, signs those exact
 * UTF-8 bytes with Ed25519 and ships them base64 beside the signature. The signer's key id goes in
 * both the envelope and the payload.
 * @category bundle
 */
export const signBundle = async (
  content: BundleContent,
  key: SigningKey,
): Promise<Either<DecodeError, SignedBundle>> => {
  const checkedKey = decodeSigningKey(key)
  if (isLeft(checkedKey)) return checkedKey
  const payload = { ...content, keyId: key.kid }
  const checked = decodeWith(BundlePayloadCodec, 'bundle payload')(payload)
  if (isLeft(checked)) return checked
  const bytes = new TextEncoder().encode(JSON.stringify(checked.right))
  // A file whose public half was edited would sign bundles no till can verify: refuse it here.
  const mismatch = left(decodeError('signing key', [{ path: 'x', reason: 'is not the public half of "d"' }]))
  let privateKey: Parameters<ReturnType<typeof subtle>['sign']>[1]
  try {
    privateKey = await subtle().importKey('jwk', { kty: 'OKP', crv: 'Ed25519', d: key.d, x: key.x }, ED25519, true, [
      'sign',
    ])
  } catch {
    return mismatch
  }
  if ((await subtle().exportKey('jwk', privateKey)).x !== key.x) return mismatch
  const signature = new Uint8Array(await subtle().sign(ED25519, privateKey, bytes))
  return right({
    format: BUNDLE_FORMAT,
    keyId: key.kid,
    payload: Buffer.from(bytes).toString('base64'),
    signature: Buffer.from(signature).toString('base64'),
  })
}

/** The JSON text of a signed bundle, as written to a file or a message. @category bundle */
export const bundleText = (bundle: SignedBundle): string => `${JSON.stringify(bundle, null, 2)}\n`
