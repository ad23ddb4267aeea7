/**
 * Splits an integer total over integer weights by largest remainder: each share is the floor of its
 * exact proportion, and the units left over go one each to the largest remainders, ties to the
 * earlier weight. The shares always sum exactly to the total, and each is within one unit of its
 * exact proportion.
 *
 * This is the one allocation primitive of Tessera: discounts over lines, points over lines, refunds
 * over units all go through it.
 *
 * When every weight is zero the total is split evenly (as if all weights were 1).
 * A negative total is split as the mirror of its absolute value.
 *
 * Throws on a non-integer total, a negative or non-integer weight, or no weights with a non-zero
 * total: those are bugs in the caller.
 *
 * @example
 * allocate(100, [1, 1, 1]) // [34, 33, 33]
 * @category money
 */
export const allocate = (total: number, weights: readonly number[]): number[] => {
  if (!Number.isSafeInteger(total)) throw new RangeError(`allocate: total must be a safe integer, got ${total}`)
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`allocate: weights must be integers ≥ 0, got ${w}`)
  }
  if (weights.length === 0) {
    if (total === 0) return []
    throw new RangeError(`allocate: cannot split ${total} over no weights`)
  }
  if (total < 0) return allocate(-total, weights).map((share) => (share === 0 ? 0 : -share))
  let sum = 0
  for (const w of weights) sum += w
  // Fast path: while total × Σweights stays below 2^53 every product and remainder is an exact
  // double, so the same largest-remainder split needs no BigInt (the evaluator splits hundreds of
  // times per basket). Past that range, the BigInt path below.
  if (sum > 0 && total * sum <= Number.MAX_SAFE_INTEGER) return allocateExact(total, weights, sum)
  return allocateBig(total, weights)
}

const allocateExact = (total: number, weights: readonly number[], sum: number): number[] => {
  const n = weights.length
  const shares = new Array<number>(n)
  const remainders = new Array<number>(n)
  let allocated = 0
  for (let i = 0; i < n; i++) {
    const numerator = total * (weights[i] as number)
    const remainder = numerator % sum
    shares[i] = (numerator - remainder) / sum
    remainders[i] = remainder
    allocated += shares[i] as number
  }
  // Fewer than n units are left over: give them one at a time to the largest remainder, ties to
  // the earlier weight (a selection scan; n is a basket's lines).
  for (let left = total - allocated; left > 0; left--) {
    let best = 0
    for (let i = 1; i < n; i++) if ((remainders[i] as number) > (remainders[best] as number)) best = i
    shares[best] = (shares[best] as number) + 1
    remainders[best] = -1
  }
  return shares
}

const allocateBig = (total: number, weights: readonly number[]): number[] => {
  let sum = 0n
  for (const w of weights) sum += BigInt(w)
  const effective = sum === 0n ? weights.map(() => 1n) : weights.map((w) => BigInt(w))
  const denominator = sum === 0n ? BigInt(weights.length) : sum
  const bigTotal = BigInt(total)
  const shares: bigint[] = []
  const remainders: bigint[] = []
  let allocated = 0n
  for (const w of effective) {
    const numerator = bigTotal * w
    const share = numerator / denominator
    shares.push(share)
    remainders.push(numerator % denominator)
    allocated += share
  }
  let left = Number(bigTotal - allocated)
  if (left > 0) {
    const order = remainders.map((_, i) => i)
    order.sort((a, b) => {
      const ra = remainders[a] as bigint
      const rb = remainders[b] as bigint
      return ra === rb ? a - b : ra > rb ? -1 : 1
    })
    for (const i of order) {
      if (left === 0) break
      shares[i] = (shares[i] as bigint) + 1n
      left--
    }
  }
  return shares.map(Number)
}
