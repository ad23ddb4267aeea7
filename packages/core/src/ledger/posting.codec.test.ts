import Ajv2020 from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { toJsonSchema } from '../codec/jsonSchema.js'
import { decodePosting, PostingCodec } from './posting.codec.js'

describe('decodePosting', () => {
  it('decodes an earn with ISO times into epoch milliseconds', () => {
    const decoded = decodePosting({
      kind: 'earn',
      key: 'T-0042-03-000187/earn',
      at: '2026-11-26T10:15:00+01:00',
      account: { card: '2900001234566' },
      points: 12,
      availableFrom: '2026-12-10T10:15:00+01:00',
    })
    expect(decoded).toEqual({
      _tag: 'Right',
      right: {
        kind: 'earn',
        key: 'T-0042-03-000187/earn',
        at: Date.parse('2026-11-26T09:15:00Z'),
        account: { card: '2900001234566' },
        points: 12,
        availableFrom: Date.parse('2026-12-10T09:15:00Z'),
      },
    })
  })

  it('names an unknown kind and lists the allowed ones', () => {
    const e = decodePosting({ kind: 'refund', key: 'k', at: '2026-11-26T10:15:00+01:00' })
    expect(e._tag === 'Left' && e.left.problems[0]).toMatchObject({ path: 'kind' })
    expect(e._tag === 'Left' && e.left.message).toContain('"earn"')
  })

  it('names each bad field with its path', () => {
    const e = decodePosting({
      kind: 'redeem',
      key: 'k',
      at: '2026-11-26 10:15',
      account: { card: '2900001234566', accountId: 'a1' },
      points: 2.5,
      pionts: 3,
    })
    if (e._tag === 'Right') throw new Error('expected an error')
    const paths = e.left.problems.map((p) => p.path).sort()
    expect(paths).toEqual(['account.card', 'at', 'pionts', 'points'])
    expect(e.left.message).toContain('did you mean "points"')
  })

  it('applies the ledger’s own checks after decoding (a lot must outlive its pending period)', () => {
    const e = decodePosting({
      kind: 'earn',
      key: 'k',
      at: '2026-11-26T10:00:00Z',
      account: { accountId: 'a1' },
      points: 5,
      availableFrom: '2026-12-10T00:00:00Z',
      expiresAt: '2026-12-01T00:00:00Z',
    })
    expect(e).toMatchObject({ _tag: 'Left', left: { problems: [{ path: 'expiresAt' }] } })
  })

  it('has a JSON Schema that accepts a valid transfer and refuses a bad one', () => {
    const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(toJsonSchema(PostingCodec))
    const transfer = {
      kind: 'transfer',
      key: 'k',
      at: '2026-11-26T10:00:00Z',
      from: { accountId: 'a' },
      to: { accountId: 'b' },
    }
    expect(validate(transfer)).toBe(true)
    expect(validate({ ...transfer, to: { card: '1' } })).toBe(false)
  })
})
