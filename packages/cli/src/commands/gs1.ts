import { parseBarcode } from '@tessera/core'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, EXIT, printJson } from '../io.js'

/**
 * `tessera gs1 parse BARCODE [--country DE]`: prints the decoded fields as JSON. Exit 1 when the
 * barcode was read but is invalid (`BAD_CHECK_DIGIT`, `BAD_PRICE_CHECK_DIGIT`: a negative answer),
 * exit 2 when it cannot be read (`MALFORMED`, `UNSUPPORTED`); the reason goes to stderr.
 */
export const registerGs1 = (program: Command, io: CliIo) => {
  const gs1 = program.command('gs1').description('read GS1 barcodes: GTINs, coupons, variable-measure items')
  gs1
    .command('parse')
    .description('decode a scanned barcode (EAN-13, UPC-A, DataBar coupon element string) as JSON')
    .argument('<barcode>', 'the barcode data, e.g. 2811111068708 or "(8110)1061414165432132501101203140131"')
    .option('--country <cc>', 'country whose variable-measure rules apply (DE, SE, NO, DK, GB, FI, EE, LV, LT)')
    .action((barcode: string, options: { country?: string }) => {
      const r = parseBarcode(barcode, options.country === undefined ? {} : { country: options.country })
      if (r._tag === 'Left') {
        const negative = r.left.reason === 'BAD_CHECK_DIGIT' || r.left.reason === 'BAD_PRICE_CHECK_DIGIT'
        throw new CommandFailure(`${r.left.reason}: ${r.left.message}`, negative ? EXIT.negative : EXIT.badInput)
      }
      printJson(io, r.right)
    })
  return gs1
}
