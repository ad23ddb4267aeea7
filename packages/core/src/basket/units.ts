/**
 * Units a line can be sold in. `each` counts whole units; the others are measures, with their
 * quantity a decimal (0.532 kg).
 * @category basket
 */
export const UNITS = ['each', 'kg', 'g', 'lb', 'oz', 'l', 'ml', 'm', 'cm'] as const

/** A unit of sale. @category basket */
export type Unit = (typeof UNITS)[number]

/** A unit of measure, anything but `each`. @category basket */
export type MeasureUnit = Exclude<Unit, 'each'>

// Each measure as a multiple of its dimension's base unit, in millionths so conversions stay integral.
const BASE: Readonly<
  Record<MeasureUnit, { readonly dimension: 'mass' | 'volume' | 'length'; readonly micro: number }>
> = {
  kg: { dimension: 'mass', micro: 1_000_000 },
  g: { dimension: 'mass', micro: 1_000 },
  lb: { dimension: 'mass', micro: 453_592 },
  oz: { dimension: 'mass', micro: 28_350 },
  l: { dimension: 'volume', micro: 1_000_000 },
  ml: { dimension: 'volume', micro: 1_000 },
  m: { dimension: 'length', micro: 1_000_000 },
  cm: { dimension: 'length', micro: 10_000 },
}

/**
 * Converts a measured quantity to another unit of the same dimension (grams to kilograms), or
 * `undefined` when the dimensions differ (kilograms to litres).
 * @category basket
 */
export const convertMeasure = (quantity: number, from: MeasureUnit, to: MeasureUnit): number | undefined => {
  const a = BASE[from]
  const b = BASE[to]
  if (a.dimension !== b.dimension) return undefined
  return from === to ? quantity : (quantity * a.micro) / b.micro
}
