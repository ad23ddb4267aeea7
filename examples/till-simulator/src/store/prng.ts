/**
 * A small seeded pseudo-random generator (sfc32 seeded through splitmix32) so the demo store is the
 * same on every run and machine. Not cryptographic: it only makes believable demo data.
 */

/** A seeded random source with the helpers the generators need. @category store */
export interface Rng {
  /** A float in [0, 1). */
  readonly next: () => number
  /** An integer in [min, max], both inclusive. */
  readonly int: (min: number, max: number) => number
  /** True with probability `p`. */
  readonly chance: (p: number) => boolean
  /** One element of a non-empty list. */
  readonly pick: <A>(items: readonly A[]) => A
  /** One element, chosen with probability proportional to its weight. */
  readonly weighted: <A>(items: readonly (readonly [A, number])[]) => A
  /** A normally distributed float (Box–Muller). */
  readonly normal: (mean: number, sd: number) => number
  /** A new independent generator derived from this one and a label. */
  readonly fork: (label: string) => Rng
}

const splitmix32 = (seed: number): (() => number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

/** A 32-bit FNV-1a hash of a string, to turn labels into seeds. @category store */
export const hashSeed = (text: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}

/**
 * A deterministic generator from a numeric or string seed.
 *
 * @example
 * const rng = seededRng(42)
 * rng.int(1, 6) // the same die roll on every run
 * @category store
 */
export const seededRng = (seed: number | string): Rng => {
  const numeric = typeof seed === 'string' ? hashSeed(seed) : seed >>> 0
  const init = splitmix32(numeric)
  let a = init()
  let b = init()
  let c = init()
  let d = init()
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) >>> 0
    return t / 4294967296
  }
  for (let i = 0; i < 12; i++) next()
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  const pick = <A>(items: readonly A[]): A => {
    if (items.length === 0) throw new RangeError('pick: empty list')
    return items[Math.floor(next() * items.length)] as A
  }
  const weighted = <A>(items: readonly (readonly [A, number])[]): A => {
    const total = items.reduce((sum, [, w]) => sum + w, 0)
    let roll = next() * total
    for (const [item, w] of items) {
      roll -= w
      if (roll < 0) return item
    }
    const last = items[items.length - 1]
    if (last === undefined) throw new RangeError('weighted: empty list')
    return last[0]
  }
  const normal = (mean: number, sd: number): number => {
    const u = Math.max(next(), 1e-12)
    const v = next()
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick,
    weighted,
    normal,
    fork: (label) => seededRng((hashSeed(label) ^ Math.floor(next() * 4294967296)) >>> 0),
  }
}
