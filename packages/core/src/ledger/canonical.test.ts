import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical.js'

describe('canonicalJson', () => {
  it('does not depend on key order, and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: undefined, e: null } })).toBe(
      '{"a":{"d":[1,"x"],"e":null},"b":1}',
    )
    expect(canonicalJson({ points: 5, key: 'k' })).toBe(canonicalJson({ key: 'k', points: 5, reason: undefined }))
  })

  it('tells different content apart', () => {
    expect(canonicalJson({ points: 5 })).not.toBe(canonicalJson({ points: 50 }))
    expect(canonicalJson(['1'])).not.toBe(canonicalJson([1]))
  })

  it('throws on values JSON cannot hold (a caller bug)', () => {
    expect(() => canonicalJson({ at: Number.NaN })).toThrow(RangeError)
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError)
  })
})
