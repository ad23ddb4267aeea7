import { type ParseBarcodeOptions, parseBarcode } from '../gs1.js'

// The helpers of the GS1 readers' tests (moved with them out of gs1.test.ts).

/** The barcode read, or the test fails with the reader's message. */
export const ok = (text: string, options?: ParseBarcodeOptions) => {
  const r = parseBarcode(text, options)
  if (r._tag === 'Left') throw new Error(r.left.message)
  return r.right
}

/** The reader's refusal, or the test fails. */
export const err = (text: string, options?: ParseBarcodeOptions) => {
  const r = parseBarcode(text, options)
  if (r._tag === 'Right') throw new Error(`expected an error for ${text}`)
  return r.left
}
