import { describe, expect, it } from 'vitest'
import { cryptoRandomSource } from './Random.js'

describe('cryptoRandomSource', () => {
  it('returns exactly the bytes asked, beyond the 65,536-byte limit of one getRandomValues call', () => {
    const bytes = cryptoRandomSource.bytes(200_000)
    expect(bytes).toHaveLength(200_000)
    // The tail past the first 65,536 bytes is filled too: 134,464 zero bytes by chance is impossible.
    expect(bytes.subarray(65_536).some((b) => b !== 0)).toBe(true)
    expect(bytes.subarray(196_608).some((b) => b !== 0)).toBe(true)
  })

  it('gives different bytes on each call', () => {
    expect(cryptoRandomSource.bytes(32)).not.toEqual(cryptoRandomSource.bytes(32))
  })
})
