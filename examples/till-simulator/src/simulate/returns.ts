import { allocate, type Basket, type Evaluation } from '@tessera/core'

/** Units of one line to return. @category simulate */
export interface ReturnLine {
  readonly lineId: string
  readonly quantity: number
}

/** What a return hands back, from the stored evaluation of the sale (cents and points). @category simulate */
export interface ReturnShare {
  readonly lines: readonly {
    readonly lineId: string
    readonly quantity: number
    readonly gross: number
    readonly discount: number
    readonly points: number
  }[]
  readonly gross: number
  readonly discount: number
  /** gross − discount: what the customer gets back. */
  readonly refund: number
  readonly points: number
}

/**
 * The share of a closed sale that returned units take back, from the sale's stored evaluation
 * (never re-priced, DESIGN §2): each line's amount, discount and points are split between returned
 * and kept units with `allocate` (weights in thousandths of a unit, so weighed goods split in
 * integers too), and the transaction's points are first allocated over the lines by net amount.
 * `alreadyReturned` (line id → quantity) keeps repeated returns within what was sold.
 * Returns a reason string for a line that is unknown or over-returned.
 * @category simulate
 */
export const returnShare = (
  basket: Basket,
  evaluation: Evaluation,
  lines: readonly ReturnLine[],
  alreadyReturned: ReadonlyMap<string, number> = new Map(),
): ReturnShare | string => {
  const pointsByLine = allocate(
    evaluation.points.earned,
    evaluation.lines.map((l) => l.net),
  )
  const out: ReturnShare['lines'][number][] = []
  for (const r of lines) {
    const index = basket.lines.findIndex((l) => l.id === r.lineId)
    const sold = basket.lines[index]
    const priced = evaluation.lines.find((l) => l.id === r.lineId)
    if (sold === undefined || priced === undefined) return `line ${r.lineId} is not on receipt ${basket.id}`
    const left = sold.quantity - (alreadyReturned.get(r.lineId) ?? 0)
    if (!(r.quantity > 0) || r.quantity > left + 1e-9) {
      return `line ${r.lineId}: can return at most ${left} ${sold.unit ?? 'each'}, asked ${r.quantity}`
    }
    const returned = Math.round(r.quantity * 1000)
    const kept = Math.round(sold.quantity * 1000) - returned
    const share = (total: number) => allocate(total, [returned, kept])[0] ?? 0
    out.push({
      lineId: r.lineId,
      quantity: r.quantity,
      gross: share(priced.amount),
      discount: share(priced.discount),
      points: share(pointsByLine[index] ?? 0),
    })
  }
  const gross = out.reduce((s, l) => s + l.gross, 0)
  const discount = out.reduce((s, l) => s + l.discount, 0)
  return { lines: out, gross, discount, refund: gross - discount, points: out.reduce((s, l) => s + l.points, 0) }
}
