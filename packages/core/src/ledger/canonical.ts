/**
 * A canonical JSON text of a value: object keys sorted, `undefined` fields dropped, no spaces. Two
 * requests are "the same content" for idempotency exactly when their canonical JSON is equal.
 * Throws on a value JSON cannot represent (a function, a non-finite number): a bug in the caller.
 * @category ledger
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError(`canonicalJson: not a finite number: ${value}`)
      return JSON.stringify(value)
    case 'string':
    case 'boolean':
      return JSON.stringify(value)
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`
      const record = value as Record<string, unknown>
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort()
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`
    }
    default:
      throw new TypeError(`canonicalJson: cannot represent a ${typeof value}`)
  }
}
