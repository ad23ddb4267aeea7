import { decodeWith, parseJson } from '@tessera/core'
import { type Either, isLeft, left, right } from 'fp-ts/lib/Either.js'
import {
  type BundleKey,
  BundlePayloadCodec,
  type BundleRejected,
  bundleRejected,
  malformed,
  SignedBundleCodec,
  type VerifiedBundle,
} from './bundle.js'

const ED25519 = { name: 'Ed25519' } as const
const decodeEnvelope = decodeWith(SignedBundleCodec, 'bundle')
const decodePayload = decodeWith(BundlePayloadCodec, 'bundle payload')

/**
 * Verifies a signed bundle as a till receives it (its JSON text), in this order: the envelope
 * decodes (`MALFORMED`), its key id is trusted (`UNKNOWN_KEY`), the Ed25519 signature matches the
 * payload bytes (`TAMPERED`), the payload decodes with the core's campaign and program codecs
 * (`MALFORMED`) and names the same signer (`TAMPERED`), and its version is above `currentVersion`,
 * the version the till holds (`NOT_NEWER`; 0 when it holds none). Nothing of the payload is parsed
 * before its signature is checked. Reads no clock.
 * @category bundle
 */
export const verifyBundle = async (
  text: string,
  trusted: readonly BundleKey[],
  currentVersion = 0,
): Promise<Either<BundleRejected, VerifiedBundle>> => {
  const json = parseJson(text, 'bundle')
  if (isLeft(json)) return left(malformed(json.left))
  const envelope = decodeEnvelope(json.right)
  if (isLeft(envelope)) return left(malformed(envelope.left))
  const { keyId } = envelope.right
  const key = trusted.find((k) => k.keyId === keyId)
  if (key === undefined) {
    return left(
      bundleRejected(
        'UNKNOWN_KEY',
        `bundle signed with key "${keyId}", which this till does not trust (trusted: ${trusted.map((k) => k.keyId).join(', ') || 'none'})`,
        { keyId },
      ),
    )
  }
  const bytes = Buffer.from(envelope.right.payload, 'base64')
  const signature = Buffer.from(envelope.right.signature, 'base64')
  const publicKey = await globalThis.crypto.subtle.importKey(
    'raw',
    Buffer.from(key.publicKey, 'base64url'),
    ED25519,
    false,
    ['verify'],
  )
  if (!(await globalThis.crypto.subtle.verify(ED25519, publicKey, signature, bytes))) {
    return left(bundleRejected('TAMPERED', `bundle signature does not match its payload for key "${keyId}"`, { keyId }))
  }
  const parsed = parseJson(new TextDecoder('utf-8', { fatal: false }).decode(bytes), 'bundle payload')
  if (isLeft(parsed)) return left(malformed(parsed.left))
  const payload = decodePayload(parsed.right)
  if (isLeft(payload)) return left({ ...malformed(payload.left), keyId })
  const { version } = payload.right
  if (payload.right.keyId !== keyId) {
    return left(
      bundleRejected(
        'TAMPERED',
        `bundle envelope names key "${keyId}" but its signed payload names "${payload.right.keyId}"`,
        { keyId, version },
      ),
    )
  }
  if (version <= currentVersion) {
    return left(
      bundleRejected(
        'NOT_NEWER',
        `bundle version ${version} is not newer than version ${currentVersion}, which this till holds`,
        { keyId, version, current: currentVersion },
      ),
    )
  }
  return right({ payload: payload.right, text })
}
