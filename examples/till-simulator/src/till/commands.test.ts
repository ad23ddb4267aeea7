import { describe, expect, it } from 'vitest'
import { parseCommand } from './commands.js'

describe('parseCommand', () => {
  it('reads barcodes, cards and printed coupon codes as scans', () => {
    expect(parseCommand('3017620422003')).toEqual({ kind: 'scan', barcode: '3017620422003' })
    expect(parseCommand('  SAUCE-7KQ2-X9PDR ')).toEqual({ kind: 'scan', barcode: 'SAUCE-7KQ2-X9PDR' })
  })
  it('reads each till command', () => {
    expect(parseCommand('q 3')).toEqual({ kind: 'quantity', quantity: 3 })
    expect(parseCommand('q 2 4')).toEqual({ kind: 'quantity', quantity: 2, lineId: '4' })
    expect(parseCommand('c SAUCE-7KQ2-X9PDR')).toEqual({ kind: 'code', code: 'SAUCE-7KQ2-X9PDR' })
    expect(parseCommand('s')).toEqual({ kind: 'subtotal' })
    expect(parseCommand('p card')).toEqual({ kind: 'pay', tender: 'card' })
    expect(parseCommand('p cash')).toEqual({ kind: 'pay', tender: 'cash' })
    // 20.50 € is 2050 cents, parsed exactly.
    expect(parseCommand('p cash 20,50')).toEqual({ kind: 'pay', tender: 'cash', amount: 2050 })
    expect(parseCommand('vl 2')).toEqual({ kind: 'voidLine', lineId: '2' })
    expect(parseCommand('vt')).toEqual({ kind: 'voidTransaction' })
    expect(parseCommand('r T-0042-01-000003')).toEqual({ kind: 'return', receiptId: 'T-0042-01-000003' })
    expect(parseCommand('r T-1 2 3:1')).toEqual({
      kind: 'return',
      receiptId: 'T-1',
      lines: [{ lineId: '2' }, { lineId: '3', quantity: 1 }],
    })
    expect(parseCommand('rp')).toEqual({ kind: 'reprint' })
    expect(parseCommand('rp T-1')).toEqual({ kind: 'reprint', receiptId: 'T-1' })
    expect(parseCommand('help')).toEqual({ kind: 'help' })
    expect(parseCommand('')).toBeUndefined()
  })
  it('explains bad input instead of guessing', () => {
    expect(parseCommand('q zero')).toMatchObject({ kind: 'error', message: expect.stringMatching(/quantity > 0/) })
    expect(parseCommand('q -1')).toMatchObject({ kind: 'error' })
    expect(parseCommand('p bitcoin')).toMatchObject({ kind: 'error', message: expect.stringMatching(/cash.*card/) })
    expect(parseCommand('p cash 20.505')).toMatchObject({ kind: 'error', message: expect.stringMatching(/amount/) })
    expect(parseCommand('r')).toMatchObject({ kind: 'error', message: expect.stringMatching(/receipt id/) })
    expect(parseCommand('r T-1 2:x')).toMatchObject({ kind: 'error', message: expect.stringMatching(/LINE:QUANTITY/) })
    expect(parseCommand('vl')).toMatchObject({ kind: 'error' })
    expect(parseCommand('frobnicate now')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/unknown command/),
    })
  })
})
