/**
 * The randomness port. The core never calls a random number generator itself: whoever needs random
 * bytes (coupon codes, serials) receives a RandomSource, so tests can pass a seeded one.
 * @category ports
 */
export interface RandomSource {
  /** `n` fresh random bytes. */
  readonly bytes: (n: number) => Uint8Array
}

/**
 * Cryptographically secure random bytes from `globalThis.crypto.getRandomValues` (Node ≥ 19,
 * browsers, Wasm hosts with Web Crypto). For the edges of an application (CLI, server, till): codes
 * drawn from it cannot be predicted, which is what makes a 2^-40 guess probability meaningful.
 * @category ports
 */
export const cryptoRandomSource: RandomSource = {
  bytes: (n) => {
    const out = new Uint8Array(n)
    // getRandomValues fills at most 65,536 bytes per call.
    for (let offset = 0; offset < n; offset += 65_536) {
      globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(n, offset + 65_536)))
    }
    return out
  },
}
