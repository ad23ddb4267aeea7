import type { Basket } from './basket.codec.js'

/** A line whose amount is not its quantity × unit price, to the rounding rule. @category basket */
export interface AmountMismatch {
  readonly path: string
  readonly lineId: string
  readonly amount: number
  readonly expected: number
  readonly message: string
}

/**
 * The lines of a basket whose `amount` differs from `quantity × unitPrice` rounded half-up to the
 * minor unit (a weighed 0.532 kg at 22.90 €/kg is 12.18 €). The engine discounts `amount`, the
 * price the till charged, so a difference is not an error of the wire contract (a till may have
 * overridden a price): callers warn about it (`tessera evaluate` prints each on stderr). Exact on
 * decimal quantities: the product is computed on the quantity's decimal digits, not in floating point.
 * @category basket
 */
export const amountMismatches = (basket: Basket): readonly AmountMismatch[] =>
  basket.lines.flatMap((line, i) => {
    const expected = lineAmountOf(line.quantity, line.unitPrice)
    return expected === line.amount
      ? []
      : [
          {
            path: `lines.${i}.amount`,
            lineId: line.id,
            amount: line.amount,
            expected,
            message: `line ${line.id}: amount ${line.amount} is not ${line.quantity} × ${line.unitPrice} = ${expected} (rounded half-up); the engine discounts the amount the till charged`,
          },
        ]
  })

/** `quantity × unitPrice` rounded half-up, exact for quantities with up to 6 decimals. @category basket */
export const lineAmountOf = (quantity: number, unitPrice: number): number => {
  const [whole = '0', fraction = ''] = String(quantity).split('.')
  const digits = Math.min(fraction.length, 6)
  const scale = 10n ** BigInt(digits)
  const scaled = BigInt(whole) * scale + BigInt(fraction.slice(0, digits).padEnd(digits, '0') || '0')
  const product = scaled * BigInt(unitPrice)
  return Number((product * 2n + scale) / (2n * scale))
}
