import { describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

describe('tessera gs1 parse', () => {
  it('prints a German weighed item as JSON', async () => {
    const r = await runCli('gs1', 'parse', '2811111068708', '--country', 'DE')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({
      kind: 'variableMeasure',
      weightGrams: 6870,
      lookupGtin: '2811110000006',
    })
  })

  it('prints a DataBar coupon', async () => {
    const r = await runCli('gs1', 'parse', '(8110)1061414165432132501101203140131')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ scheme: 'databar-8110', saveValue: 250, expiry: '2014-01-31' })
  })

  it('exits 1 on a bad check digit, with the reason on stderr and nothing on stdout', async () => {
    const r = await runCli('gs1', 'parse', '4022847518217')
    expect(r).toMatchObject({ code: 1, stdout: '' })
    expect(r.stderr).toMatch(/BAD_CHECK_DIGIT: check digit of 4022847518217 is 7, expected 6/)
  })

  it('exits 2 on something that is not a barcode', async () => {
    const r = await runCli('gs1', 'parse', 'hello')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/MALFORMED/)
  })
})
