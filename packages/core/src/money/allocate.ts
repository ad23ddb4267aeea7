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
  let sum = 0
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`allocate: weights must be integers ≥ 0, got ${w}`)
    sum += w
  }
  if (weights.length === 0) {
    if (total === 0) return []
    throw new RangeError(`allocate: cannot split ${total} over no weights`)
  }
  if (total < 0) return allocate(-total, weights).map((share) => (share === 0 ? 0 : -share))
  // Fast path: while total × Σweights stays below 2^53 every product and remainder is an exact
  // double, so the same largest-remainder split needs no BigInt (the evaluator splits hundreds of
  // times per basket). Past that range, the BigInt path below.
  if (sum > 0 && total * sum <= Number.MAX_SAFE_INTEGER) return allocateExact(total, weights, sum)
  return allocateBig(total, weights)
}

// Within the fast path every numerator `total × weight` is an integer below 2^53, and then
// `Math.floor(numerator / sum)` is the exact integer quotient: a correctly rounded division can
// only cross an integer when the numerator is at least 2^53. The remainder `numerator − share × sum`
// is exact too. (Cheaper than `%` on doubles, which is a library call.)
const allocateExact = (total: number, weights: readonly number[], sum: number): number[] => {
  const n = weights.length
  const shares = new Array<number>(n)
  let allocated = 0
  for (let i = 0; i < n; i++) {
    const share = Math.floor((total * (weights[i] as number)) / sum)
    shares[i] = share
    allocated += share
  }
  // Fewer than n units are left over: one each to the largest remainders, ties to the earlier weight.
  const left = total - allocated
  if (left === 0) return shares
  if (left === 1) {
    // One unit: a single scan for the first largest remainder.
    let best = 0
    let bestRemainder = -1
    for (let i = 0; i < n; i++) {
      const remainder = total * (weights[i] as number) - (shares[i] as number) * sum
      if (remainder > bestRemainder) {
        best = i
        bestRemainder = remainder
      }
    }
    shares[best] = (shares[best] as number) + 1
    return shares
  }
  // Several units. Remainders are integers in [0, sum), computed once.
  if (sum * n <= Number.MAX_SAFE_INTEGER) {
    giveByBuckets(total, weights, sum, shares, left)
    return shares
  }
  const remainders = new Array<number>(n)
  for (let i = 0; i < n; i++) remainders[i] = total * (weights[i] as number) - (shares[i] as number) * sum
  const order = new Array<number>(n)
  for (let i = 0; i < n; i++) order[i] = i
  order.sort((a, b) => (remainders[b] as number) - (remainders[a] as number) || a - b)
  for (let k = 0; k < left; k++) {
    const i = order[k] as number
    shares[i] = (shares[i] as number) + 1
  }
  return shares
}

// Work buffers of `giveByBuckets`, grown on demand: allocate is synchronous and calls nothing that
// could re-enter it, so one set serves every call (nothing in them outlives a call).
let REMAINDERS = new Float64Array(64)
let BUCKETS = new Int32Array(64)
let COUNTS = new Int32Array(64)

/**
 * Gives one unit each to the `left` largest remainders (ties to the earlier index) without sorting:
 * remainders go into n buckets by `floor(remainder × n / sum)` (a larger remainder never lands in
 * a lower bucket); whole buckets from the top take a unit each while they fit in `left`, and the
 * one bucket that does not fit gives its last units by a scan, largest remainder first, earlier
 * index on ties. Linear in n, where a comparator sort of 40 lines costs several times more.
 * Needs `sum × n` below 2^53 (exact bucket numbers).
 */
const giveByBuckets = (
  total: number,
  weights: readonly number[],
  sum: number,
  shares: number[],
  left: number,
): void => {
  const n = shares.length
  if (REMAINDERS.length < n) {
    const size = Math.max(n, REMAINDERS.length * 2)
    REMAINDERS = new Float64Array(size)
    BUCKETS = new Int32Array(size)
    COUNTS = new Int32Array(size)
  }
  const remainders = REMAINDERS
  const bucket = BUCKETS
  const counts = COUNTS
  counts.fill(0, 0, n)
  for (let i = 0; i < n; i++) {
    const remainder = total * (weights[i] as number) - (shares[i] as number) * sum
    const b = Math.floor((remainder * n) / sum)
    remainders[i] = remainder
    bucket[i] = b
    counts[b] = (counts[b] as number) + 1
  }
  // Fewer units than lines are left, so the walk down stops at a bucket before running out.
  let need = left
  let boundary = n - 1
  while ((counts[boundary] as number) <= need) {
    need -= counts[boundary] as number
    boundary--
  }
  // One pass: a unit to every line above the boundary bucket; the boundary's lines, in index order,
  // into `tied` (reusing the counts buffer, no longer needed).
  const tied = counts
  let t = 0
  for (let i = 0; i < n; i++) {
    const b = bucket[i] as number
    if (b > boundary) shares[i] = (shares[i] as number) + 1
    else if (b === boundary) tied[t++] = i
  }
  for (; need > 0; need--) {
    let best = -1
    for (let k = 0; k < t; k++) {
      const i = tied[k] as number
      if (i >= 0 && (best === -1 || (remainders[i] as number) > (remainders[tied[best] as number] as number))) best = k
    }
    const i = tied[best] as number
    shares[i] = (shares[i] as number) + 1
    tied[best] = -1
  }
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
