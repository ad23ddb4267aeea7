import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { decodeCampaigns, decodeProgram, isIsoDateTime, systemClock } from '@tessera/core'
import {
  type BundleKey,
  bundleText,
  decodeSigningKey,
  decodeTrustedKeys,
  generateBundleKey,
  publicKeyOf,
  signBundle,
  type VerifiedBundle,
  verifyBundle,
} from '@tessera/sync'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, EXIT, orFail, printJson, readJsonFile } from '../io.js'
import { loadDocument } from './evaluate.js'

const loadKeys = (path: string): readonly BundleKey[] =>
  loadDocument(path, 'trusted keys', (u) => decodeTrustedKeys(u, 'trusted keys')).keys

const wholeNumber = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new CommandFailure(`${flag} must be a whole number ≥ 1, got "${value}"`)
  return n
}

const summary = (b: VerifiedBundle) => ({
  version: b.payload.version,
  issuedAt: b.payload.issuedAt,
  keyId: b.payload.keyId,
  campaigns: b.payload.campaigns.map((c) => c.id),
  program: b.payload.program.id,
  trusts: b.payload.keys.map((k) => k.keyId),
})

interface SignOptions {
  readonly campaigns: string
  readonly program: string
  readonly key: string
  readonly version?: string
  readonly issuedAt?: string
  readonly trust?: string
  readonly out?: string
}

/**
 * `tessera bundle keygen | sign | verify`: the signed campaign bundle of `@tessera/sync`.
 * - `keygen --key-id ID --out FILE`: writes a new Ed25519 private key (JWK, mode 0600, never
 *   overwritten) and prints the trusted-keys file of its public half.
 * - `sign --campaigns F --program F --key F [--version N] [--issued-at T] [--trust F] [--out F]`:
 *   prints (or writes) the signed bundle. The version defaults to the epoch second of now, the
 *   issued time to now, the announced keys (`--trust`, a trusted-keys file) to the signer's own.
 * - `verify --bundle F --keys F [--after N] [--json]`: exit 0 valid, 1 refused (with the reason:
 *   MALFORMED, UNKNOWN_KEY, TAMPERED, NOT_NEWER), 2 bad input (a missing or bad keys file).
 * `now` is the clock (the system clock by default).
 */
export const registerBundle = (program: Command, io: CliIo, now: () => number = systemClock.now) => {
  const bundle = program
    .command('bundle')
    .description('sign and verify the campaign bundle the head office sends tills')
  bundle
    .command('keygen')
    .description('write a new Ed25519 signing key and print its public half as a trusted-keys file')
    .requiredOption('--key-id <id>', 'the key id (e.g. hq-2026-11); a rotation brings a new id')
    .requiredOption('--out <file>', 'where to write the private key (JWK); never overwritten')
    .action(async (options: { keyId: string; out: string }) => {
      if (existsSync(options.out)) throw new CommandFailure(`${options.out} exists: a signing key is never overwritten`)
      const made = orFail(await generateBundleKey(options.keyId))
      try {
        writeFileSync(options.out, `${JSON.stringify(made.signingKey, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
      } catch (e) {
        throw new CommandFailure(`cannot write ${options.out}: ${(e as Error).message}`)
      }
      printJson(io, { keys: [made.publicKey] })
    })
  bundle
    .command('sign')
    .description('sign campaigns and a program into a bundle, printed on stdout')
    .requiredOption('--campaigns <file>', 'JSON array of campaigns')
    .requiredOption('--program <file>', 'the loyalty program JSON')
    .requiredOption('--key <file>', 'the private signing key (JWK from `bundle keygen`)')
    .option('--version <n>', 'the bundle version, above the last one (default: the epoch second of now)')
    .option('--issued-at <time>', 'ISO-8601 with offset (default: now)')
    .option('--trust <file>', "the keys tills shall trust after this bundle (default: the signer's own)")
    .option('--out <file>', 'write the bundle there instead of stdout')
    .action(async (options: SignOptions) => {
      const campaigns = loadDocument(options.campaigns, 'campaigns', decodeCampaigns)
      const programDocument = loadDocument(options.program, 'program', decodeProgram)
      const key = orFail(
        decodeSigningKey(orFail(readJsonFile(options.key, 'signing key')), `signing key (${options.key})`),
      )
      if (options.issuedAt !== undefined && !isIsoDateTime(options.issuedAt))
        throw new CommandFailure(`--issued-at must be an ISO-8601 date-time with an offset, got "${options.issuedAt}"`)
      const signed = orFail(
        await signBundle(
          {
            version: wholeNumber('--version', options.version) ?? Math.floor(now() / 1000),
            issuedAt: options.issuedAt ?? new Date(now()).toISOString(),
            campaigns,
            program: programDocument,
            keys: options.trust === undefined ? [publicKeyOf(key)] : loadKeys(options.trust),
          },
          key,
        ),
      )
      if (options.out === undefined) io.out(bundleText(signed))
      else writeFileSync(options.out, bundleText(signed))
    })
  bundle
    .command('verify')
    .description('verify a bundle as a till does: exit 0 valid, 1 refused (with the reason), 2 bad input')
    .requiredOption('--bundle <file>', 'the signed bundle')
    .requiredOption('--keys <file>', 'the trusted keys { "keys": [ { "keyId", "publicKey" } ] }')
    .option('--after <version>', 'the version the till holds: the bundle must be newer')
    .option('--json', 'print the result as JSON')
    .action(async (options: { bundle: string; keys: string; after?: string; json?: boolean }) => {
      const keys = loadKeys(options.keys)
      let text: string
      try {
        text = readFileSync(options.bundle, 'utf8')
      } catch (e) {
        throw new CommandFailure(`cannot read ${options.bundle} (${(e as NodeJS.ErrnoException).code ?? 'error'})`)
      }
      const r = await verifyBundle(text, keys, wholeNumber('--after', options.after) ?? 0)
      if (options.json) {
        printJson(io, r._tag === 'Right' ? { valid: true, ...summary(r.right) } : { valid: false, ...r.left })
      } else if (r._tag === 'Right') {
        const s = summary(r.right)
        io.out(
          `valid: version ${s.version}, issued ${s.issuedAt}, key ${s.keyId}, ${s.campaigns.length} campaigns, program ${s.program}, trusts ${s.trusts.join(', ')}\n`,
        )
      } else io.out(`invalid: ${r.left.reason}: ${r.left.message}\n`)
      if (r._tag === 'Left') throw new CommandFailure(`bundle refused (${r.left.reason})`, EXIT.negative)
    })
  return bundle
}
