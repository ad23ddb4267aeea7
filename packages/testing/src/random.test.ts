import { describe, expect, it } from 'vitest'
import { seededRandom } from './random.js'

describe('seededRandom', () => {
  it('gives the same bytes for the same seed (in 4-byte chunks or at once)', () => {
    const a = seededRandom(5)
    const b = seededRandom(5)
    const whole = a.bytes(16)
    const parts = new Uint8Array([...b.bytes(4), ...b.bytes(4), ...b.bytes(8)])
    expect(parts).toEqual(whole)
  })

  it('gives different bytes for different seeds', () => {
    expect(seededRandom(1).bytes(32)).not.toEqual(seededRandom(2).bytes(32))
  })

  it('spreads bytes evenly (chi-square over 256 values below the 0.1% critical value)', () => {
    const counts = new Array(256).fill(0)
    for (const byte of seededRandom(11).bytes(256_000)) counts[byte]++
    const chi = counts.reduce((s, c) => s + (c - 1000) ** 2 / 1000, 0)
    expect(chi).toBeLessThan(330.5) // χ²(255) at p = 0.001
  })
})
