import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import bwipjs from 'bwip-js/node'

/**
 * Coupon barcodes: a Code 128 SVG file beside the receipt (for a printer or a phone), and a QR code
 * drawn in the terminal with Unicode half blocks. A terminal receipt is 42 columns wide, and a
 * 14-character code in Code 128 needs about 190 modules, so the terminal draws the same text as a
 * QR code (21–25 modules wide), which a scanner reads from the screen just as well.
 */

/** Characters allowed in a barcode file name; anything else becomes `_`. */
const safeName = (code: string): string => code.replace(/[^A-Za-z0-9-]/g, '_')

/**
 * Writes the coupon code as a Code 128 SVG (with the human-readable text under the bars) into
 * `dir`, creating it if needed, and returns the file's path.
 *
 * @example
 * writeCouponBarcode('SAUCE-7KQ2-X9PD', 'artifacts/coupons') // 'artifacts/coupons/SAUCE-7KQ2-X9PD.svg'
 * @category receipt
 */
export const writeCouponBarcode = (code: string, dir: string): string => {
  if (code.length === 0) throw new RangeError('writeCouponBarcode: empty code')
  const svg = bwipjs.toSVG({
    bcid: 'code128',
    text: code,
    scale: 3,
    height: 12,
    includetext: true,
    textxalign: 'center',
  })
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${safeName(code)}.svg`)
  writeFileSync(path, svg)
  return path
}

/**
 * The dark/light modules of the code's QR symbol, row by row (true = dark), with a quiet zone of
 * `quiet` modules around it.
 * @category receipt
 */
export const qrModules = (code: string, quiet = 2): boolean[][] => {
  // Error correction L: a signed coupon's ~130 characters then fit a version-5 symbol (37 modules),
  // which with its quiet zone stays within a 42-column receipt; M would need 41 + 4 columns.
  const [symbol] = bwipjs.raw('qrcode', code, 'eclevel=L') as {
    pixs: number[]
    pixx: number
    pixy: number
  }[]
  if (symbol === undefined) throw new Error(`qrModules: bwip-js returned no symbol for ${JSON.stringify(code)}`)
  const size = symbol.pixx + 2 * quiet
  const rows: boolean[][] = []
  for (let y = 0; y < symbol.pixy + 2 * quiet; y++) {
    const row: boolean[] = []
    for (let x = 0; x < size; x++) {
      const sx = x - quiet
      const sy = y - quiet
      const inside = sx >= 0 && sy >= 0 && sx < symbol.pixx && sy < symbol.pixy
      row.push(inside && symbol.pixs[sy * symbol.pixx + sx] === 1)
    }
    rows.push(row)
  }
  return rows
}

/**
 * The code's QR symbol drawn with Unicode half blocks, two module rows per text line, one module
 * per column: `█` both dark, `▀` top dark, `▄` bottom dark, space both light.
 * @category receipt
 */
export const drawQrCode = (code: string): string[] => {
  const rows = qrModules(code)
  const lines: string[] = []
  for (let y = 0; y < rows.length; y += 2) {
    const top = rows[y] as boolean[]
    const bottom = rows[y + 1] ?? top.map(() => false)
    lines.push(top.map((dark, x) => (dark ? (bottom[x] ? '█' : '▀') : bottom[x] ? '▄' : ' ')).join(''))
  }
  return lines
}
