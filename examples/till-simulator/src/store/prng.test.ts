import { describe, expect, it } from 'vitest'
import { seededRng } from './prng.js'

describe('seededRng', () => {
  it('repeats the same sequence for the same seed, and differs for another', () => {
    const a = Array.from({ length: 5 }, seededRng(42).next)
    const rng = seededRng(42)
    expect(Array.from({ length: 5 }, rng.next)).toEqual(a)
    expect(Array.from({ length: 5 }, seededRng(43).next)).not.toEqual(a)
  })
  it('draws integers inclusively and roughly uniformly', () => {
    const rng = seededRng('dice')
    const counts = [0, 0, 0, 0, 0, 0]
    for (let i = 0; i < 6000; i++) counts[rng.int(1, 6) - 1]!++
    for (const c of counts) expect(c).toBeGreaterThan(850)
  })
  it('honours weights', () => {
    const rng = seededRng(7)
    let heavy = 0
    for (let i = 0; i < 2000; i++)
      if (
        rng.weighted([
          ['a', 9],
          ['b', 1],
        ] as const) === 'a'
      )
        heavy++
    expect(heavy).toBeGreaterThan(1700)
  })
  it('refuses to pick from an empty list', () => {
    expect(() => seededRng(1).pick([])).toThrow(/empty/)
  })
})
