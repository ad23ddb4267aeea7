import {
  type CouponClaims,
  couponBarcodeData,
  decodeKeyring,
  isIsoDateTime,
  type Keyring,
  signCoupon,
  verifyCoupon,
} from '@tessera/core'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, EXIT, orFail, printJson, readJsonFile } from '../io.js'

const loadKeyring = (path: string): Keyring => {
  const json = orFail(readJsonFile(path, 'key file'))
  return orFail(decodeKeyring(json, `key file (${path})`))
}

const instant = (at: string | undefined, now: () => number): number => {
  if (at === undefined) return now()
  if (!isIsoDateTime(at)) throw new CommandFailure(`--at must be an ISO-8601 date-time with an offset, got "${at}"`)
  return Date.parse(at)
}

const describeClaims = (c: CouponClaims) =>
  `pool ${c.pool}, serial ${c.serial}, ${c.card === undefined ? 'bearer' : `card ${c.card}`}, valid ${c.validFrom} – ${c.validUntil}, key ${c.keyId}`

/**
 * `tessera coupon verify` (offline check of a printed checkout coupon: exit 0 valid, 1 invalid, 2 bad
 * input such as a missing or bad key file) and `tessera coupon sign`. Key file:
 * `{ "keys": { "k1": "<hex or base64 secret>" } }`. `now` is the clock (the system clock by default).
 */
export const registerCoupon = (program: Command, io: CliIo, now: () => number = Date.now) => {
  const coupon = program.command('coupon').description('sign and verify checkout coupons offline')
  coupon
    .command('verify')
    .description('check a printed coupon offline: exit 0 valid, 1 invalid (with the reason), 2 bad input')
    .argument('<code>', 'the coupon text as scanned')
    .requiredOption('--key-file <file>', 'JSON key file { "keys": { "k1": "<hex or base64>" } }')
    .option('--at <time>', 'judge validity at this ISO-8601 time (default: now)')
    .option('--card <card>', 'the card presented with the coupon')
    .option('--json', 'print the result as JSON')
    .action((code: string, options: { keyFile: string; at?: string; card?: string; json?: boolean }) => {
      const keyring = loadKeyring(options.keyFile)
      const r = verifyCoupon(code, keyring, instant(options.at, now), options.card)
      if (options.json) {
        printJson(
          io,
          r._tag === 'Right'
            ? { valid: true, claims: r.right }
            : {
                valid: false,
                reason: r.left.reason,
                message: r.left.message,
                ...(r.left.claims ? { claims: r.left.claims } : {}),
              },
        )
      } else if (r._tag === 'Right') io.out(`valid: ${describeClaims(r.right)}\n`)
      else io.out(`invalid: ${r.left.reason}: ${r.left.message}\n`)
      if (r._tag === 'Left') throw new CommandFailure(`coupon refused (${r.left.reason})`, EXIT.negative)
    })
  coupon
    .command('sign')
    .description('sign a checkout coupon and print its text (the Code 128 / QR data)')
    .requiredOption('--key-file <file>', 'JSON key file')
    .requiredOption('--key-id <id>', 'the key to sign with')
    .requiredOption('--pool <pool>', 'the coupon pool')
    .requiredOption('--serial <serial>', 'the serial within the pool')
    .option('--card <card>', 'the card it is issued to (omit for a bearer coupon)')
    .requiredOption('--from <time>', 'valid from (ISO-8601 with offset)')
    .requiredOption('--until <time>', 'valid until, exclusive (ISO-8601 with offset)')
    .option('--json', 'print the text and the bwip-js barcode options as JSON')
    .action(
      (options: {
        keyFile: string
        keyId: string
        pool: string
        serial: string
        card?: string
        from: string
        until: string
        json?: boolean
      }) => {
        const keyring = loadKeyring(options.keyFile)
        const text = orFail(
          signCoupon(
            {
              pool: options.pool,
              serial: options.serial,
              ...(options.card !== undefined ? { card: options.card } : {}),
              validFrom: options.from,
              validUntil: options.until,
            },
            keyring,
            options.keyId,
          ),
        )
        if (options.json) printJson(io, { text, barcodes: couponBarcodeData(text) })
        else io.out(`${text}\n`)
      },
    )
  return coupon
}
