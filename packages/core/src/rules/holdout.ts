/**
 * cyrb53: a fast, well-mixed 53-bit string hash. Deterministic across runs and machines (pure
 * 32-bit integer arithmetic), which is all a holdout needs: it is not a security hash.
 * @category rules
 */
export const hash53 = (text: string, seed = 0): number => {
  let h1 = 0xdeadbeef ^ seed
  let h2 = 0x41c6ce57 ^ seed
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507)
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507)
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

/**
 * Whether a customer is in a campaign's control group: `hash53(campaignId + ':' + memberIdOrCard) / 2^53 < share`.
 * Stable: the same customer is always on the same side of the same campaign.
 * @category rules
 */
export const inHoldout = (campaignId: string, customerKey: string, share: number): boolean =>
  share > 0 && hash53(`${campaignId}:${customerKey}`) / 2 ** 53 < share
