import type { Campaign, Program } from '@tessera/core'
import type { Either } from 'fp-ts/lib/Either.js'
import { beforeAll, describe, expect, it } from 'vitest'
import type { BundleKey, BundleRejected, SignedBundle } from './bundle.js'
import { bundleText, type GeneratedKey, generateBundleKey, publicKeyOf, signBundle } from './sign.js'
import { verifyBundle } from './verify.js'

const right = <A>(e: Either<{ readonly message: string }, A>): A => {
  if (e._tag === 'Left') throw new Error(`expected success, got ${e.left.message}`)
  return e.right
}
const refused = <A>(e: Either<BundleRejected, A>): BundleRejected => {
  if (e._tag === 'Right') throw new Error('expected the bundle to be refused')
  return e.left
}

const campaigns: readonly Campaign[] = [
  { id: 'members-10', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } },
]
const program: Program = { id: 'club', earn: { points: 1, per: 100 } }
const ISSUED = '2026-11-26T06:00:00+01:00'

let hq: GeneratedKey
let next: GeneratedKey
let trusted: readonly BundleKey[]
const sign = async (version: number, key = hq, keys: readonly BundleKey[] = [key.publicKey]) =>
  bundleText(right(await signBundle({ version, issuedAt: ISSUED, campaigns, program, keys }, key.signingKey)))
/** A signed bundle with its payload replaced by other JSON, the signature kept. */
const withPayload = (text: string, change: (payload: Record<string, unknown>) => unknown) => {
  const envelope = JSON.parse(text) as SignedBundle
  const payload = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Record<string, unknown>
  return JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify(change(payload))).toString('base64') })
}

beforeAll(async () => {
  hq = right(await generateBundleKey('hq-2026-11'))
  next = right(await generateBundleKey('hq-2027-05'))
  trusted = [hq.publicKey]
})

describe('a signed campaign bundle', () => {
  it('signs the exact payload bytes and verifies them: campaigns, program, version, signer, keys', async () => {
    const verified = right(await verifyBundle(await sign(3), trusted))
    expect(verified.payload).toEqual({
      version: 3,
      issuedAt: ISSUED,
      keyId: 'hq-2026-11',
      campaigns,
      program,
      keys: [hq.publicKey],
    })
    expect(publicKeyOf(hq.signingKey)).toEqual(hq.publicKey)
  })

  it('refuses a payload changed after signing as TAMPERED', async () => {
    const text = withPayload(await sign(3), (p) => ({
      ...p,
      campaigns: [{ ...campaigns[0], reward: { percentOff: { of: '*', percent: 90 } } }],
    }))
    const e = refused(await verifyBundle(text, trusted))
    expect(e).toMatchObject({ reason: 'TAMPERED', keyId: 'hq-2026-11' })
    expect(e.message).toContain('signature does not match')
  })

  it('refuses a changed signature as TAMPERED', async () => {
    const envelope = JSON.parse(await sign(3)) as SignedBundle
    const bytes = Buffer.from(envelope.signature, 'base64')
    bytes[10] = (bytes[10] as number) ^ 1
    const text = JSON.stringify({ ...envelope, signature: bytes.toString('base64') })
    expect(refused(await verifyBundle(text, trusted)).reason).toBe('TAMPERED')
  })

  it('refuses a bundle signed by a key it does not trust as UNKNOWN_KEY, and a key id swapped for a trusted one as TAMPERED', async () => {
    const foreign = await sign(3, next)
    const e = refused(await verifyBundle(foreign, trusted))
    expect(e).toMatchObject({ reason: 'UNKNOWN_KEY', keyId: 'hq-2027-05' })
    expect(e.message).toContain('hq-2026-11')
    // The envelope relabelled with the trusted key id: the trusted key does not verify it.
    const relabelled = JSON.stringify({ ...(JSON.parse(foreign) as SignedBundle), keyId: 'hq-2026-11' })
    expect(refused(await verifyBundle(relabelled, trusted)).reason).toBe('TAMPERED')
  })

  it('refuses an older or same version as NOT_NEWER, naming both versions', async () => {
    const text = await sign(3)
    expect(refused(await verifyBundle(text, trusted, 3))).toMatchObject({ reason: 'NOT_NEWER', version: 3, current: 3 })
    expect(refused(await verifyBundle(text, trusted, 7))).toMatchObject({ reason: 'NOT_NEWER', version: 3, current: 7 })
    expect(right(await verifyBundle(text, trusted, 2)).payload.version).toBe(3)
  })

  it('refuses malformed JSON, an unknown envelope field and bad base64 as MALFORMED, naming the field', async () => {
    const text = await sign(3)
    const notJson = refused(await verifyBundle(text.slice(0, 40), trusted))
    expect(notJson.reason).toBe('MALFORMED')
    expect(notJson.message).toContain('malformed JSON')
    const extra = refused(await verifyBundle(JSON.stringify({ ...JSON.parse(text), note: 'hi' }), trusted))
    expect(extra).toMatchObject({ reason: 'MALFORMED', problems: [{ path: 'note' }] })
    expect(extra.problems?.[0]?.reason).toContain('unknown field')
    const badSignature = refused(
      await verifyBundle(JSON.stringify({ ...JSON.parse(text), signature: 'not base64!' }), trusted),
    )
    expect(badSignature).toMatchObject({ reason: 'MALFORMED', problems: [{ path: 'signature' }] })
    const format = refused(await verifyBundle(JSON.stringify({ ...JSON.parse(text), format: 'v0' }), trusted))
    expect(format).toMatchObject({ reason: 'MALFORMED', problems: [{ path: 'format' }] })
  })

  it('refuses, as MALFORMED, a signed payload whose campaign has an unknown field (the core codec decides)', async () => {
    // Sign a payload the signer did not check, as an older or foreign tool might.
    const payload = {
      version: 4,
      issuedAt: ISSUED,
      keyId: hq.signingKey.kid,
      campaigns: [{ ...campaigns[0], rewrd: {} }],
      program,
      keys: [hq.publicKey],
    }
    const bytes = new TextEncoder().encode(JSON.stringify(payload))
    const key = await crypto.subtle.importKey('jwk', { ...hq.signingKey }, { name: 'Ed25519' }, false, ['sign'])
    const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, bytes))
    const text = JSON.stringify({
      format: 'tessera-bundle/1',
      keyId: hq.signingKey.kid,
      payload: Buffer.from(bytes).toString('base64'),
      signature: Buffer.from(signature).toString('base64'),
    })
    const e = refused(await verifyBundle(text, trusted))
    expect(e.reason).toBe('MALFORMED')
    expect(e.problems).toContainEqual(expect.objectContaining({ path: 'campaigns.0.rewrd' }))
  })

  it('refuses to sign what a till would refuse: an invalid campaign, duplicate ids, no keys, a bad version', async () => {
    const bad = await signBundle(
      {
        version: 0,
        issuedAt: ISSUED,
        campaigns: [campaigns[0] as Campaign, campaigns[0] as Campaign],
        program,
        keys: [],
      },
      hq.signingKey,
    )
    expect(bad._tag).toBe('Left')
    const paths = bad._tag === 'Left' ? bad.left.problems.map((p) => p.path) : []
    expect(paths).toEqual(expect.arrayContaining(['version']))
    const dup = await signBundle(
      {
        version: 1,
        issuedAt: ISSUED,
        campaigns: [campaigns[0] as Campaign, campaigns[0] as Campaign],
        program,
        keys: [],
      },
      hq.signingKey,
    )
    const dupPaths = dup._tag === 'Left' ? dup.left.problems.map((p) => p.path) : []
    expect(dupPaths).toEqual(expect.arrayContaining(['campaigns.1.id', 'keys']))
    const edited = await signBundle(
      { version: 1, issuedAt: ISSUED, campaigns, program, keys: [hq.publicKey] },
      { ...hq.signingKey, x: next.signingKey.x },
    )
    expect(edited._tag === 'Left' && edited.left.problems[0]?.path).toBe('x')
  })

  it('refuses a key id that is not a key id', async () => {
    const e = await generateBundleKey('has space')
    expect(e._tag === 'Left' && e.left.problems[0]?.path).toBe('keyId')
  })
})
