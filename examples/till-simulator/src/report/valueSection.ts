/**
 * The report's customer-value section: the CLV distribution, P(alive) against frequency and recency
 * (the classic heat map of Fader, Hardie and Lee), and the valuable members slipping away with
 * whether the VIP win-back reached them today. Built from the store's value snapshot.
 */
import { count, decimal } from '../format.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** One member of the value snapshot, as the report reads it. @category report */
export interface ReportValueMember {
  readonly memberId: string
  readonly frequency: number
  /** Weeks from the first to the last visit, and the member's age in weeks. */
  readonly recency: number
  readonly T: number
  readonly pAlive: number
  /** CLV over the next 52 weeks, cents. */
  readonly clv: number
  readonly rank: number
  readonly valuableButSlipping: boolean
}

/** The input of the value section. @category report */
export interface ReportValueInput {
  /** The last day of calibration. */
  readonly until: string
  readonly bgnbd: { readonly r: number; readonly alpha: number; readonly a: number; readonly b: number }
  readonly gammaGamma: { readonly p: number; readonly q: number; readonly gamma: number }
  readonly members: readonly ReportValueMember[]
  /** Members the VIP win-back issued a coupon to today. */
  readonly reachedToday: readonly string[]
}

/** The value section of the report. @category report */
export interface ValueSection {
  readonly until: string
  readonly fit: ReportValueInput['bgnbd'] & ReportValueInput['gammaGamma']
  readonly members: number
  readonly totalClv: number
  readonly clvBuckets: readonly { readonly label: string; readonly members: number; readonly clv: number }[]
  /** Rows: frequency bands; columns: recency bands; each cell the mean P(alive) (null: no member) and the count. */
  readonly heatmap: {
    readonly frequencies: readonly string[]
    readonly recencies: readonly string[]
    readonly cells: readonly (readonly { readonly pAlive: number | null; readonly members: number }[])[]
  }
  readonly slipping: readonly (ReportValueMember & { readonly reached: boolean })[]
  readonly slippingCount: number
  readonly reachedCount: number
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

const CLV_BANDS: readonly (readonly [number, string])[] = [
  [1_000, '< 10 €'],
  [2_500, '10–25 €'],
  [5_000, '25–50 €'],
  [10_000, '50–100 €'],
  [25_000, '100–250 €'],
  [50_000, '250–500 €'],
  [100_000, '500–1,000 €'],
  [Number.POSITIVE_INFINITY, '≥ 1,000 €'],
]
const FREQUENCY_BANDS: readonly (readonly [number, string])[] = [
  [0, '0'],
  [1, '1'],
  [3, '2–3'],
  [7, '4–7'],
  [15, '8–15'],
  [31, '16–31'],
  [Number.POSITIVE_INFINITY, '32+'],
]
const RECENCY_WEEKS = 8

const bandOf = (bands: readonly (readonly [number, string])[], x: number, strict: boolean) =>
  bands.findIndex(([upper]) => (strict ? x < upper : x <= upper))

/** Builds the value section from the snapshot. @category report */
export const buildValueSection = (input: ReportValueInput): ValueSection => {
  const clvBuckets = CLV_BANDS.map(([, label]) => ({ label, members: 0, clv: 0 }))
  const maxT = Math.max(0, ...input.members.map((m) => m.T))
  const recencyBands = Math.max(1, Math.ceil((maxT + 1e-9) / RECENCY_WEEKS))
  const sums = FREQUENCY_BANDS.map(() => Array.from({ length: recencyBands }, () => ({ sum: 0, members: 0 })))
  let totalClv = 0
  for (const m of input.members) {
    const bucket = clvBuckets[bandOf(CLV_BANDS, m.clv, true)]
    if (bucket !== undefined) {
      bucket.members++
      bucket.clv += m.clv
    }
    totalClv += m.clv
    const cell =
      sums[bandOf(FREQUENCY_BANDS, m.frequency, false)]?.[
        Math.min(recencyBands - 1, Math.floor(m.recency / RECENCY_WEEKS))
      ]
    if (cell !== undefined) {
      cell.sum += m.pAlive
      cell.members++
    }
  }
  const reached = new Set(input.reachedToday)
  const slipping = input.members
    .filter((m) => m.valuableButSlipping)
    .sort((a, b) => b.clv - a.clv || a.memberId.localeCompare(b.memberId))
  return {
    until: input.until,
    fit: { ...input.bgnbd, ...input.gammaGamma },
    members: input.members.length,
    totalClv,
    clvBuckets,
    heatmap: {
      frequencies: FREQUENCY_BANDS.map(([, label]) => label),
      recencies: Array.from({ length: recencyBands }, (_, i) => `${i * RECENCY_WEEKS}–${(i + 1) * RECENCY_WEEKS}`),
      cells: sums.map((row) =>
        row.map((c) => ({ pAlive: c.members === 0 ? null : c.sum / c.members, members: c.members })),
      ),
    },
    slipping: slipping.slice(0, 15).map((m) => ({ ...m, reached: reached.has(m.memberId) })),
    slippingCount: slipping.length,
    reachedCount: slipping.filter((m) => reached.has(m.memberId)).length,
  }
}

/** The section as HTML (a table of bars, a coloured heat map, a table), for `renderReport`. @category report */
export const renderValueSection = (
  v: ValueSection,
  money: (cents: number) => string,
  escapeHtml: (text: string) => string,
): string => {
  const most = Math.max(1, ...v.clvBuckets.map((b) => b.members))
  const distribution = `<table class="value-clv"><thead><tr><th>CLV, next 52 weeks</th><th class="num">Members</th><th></th><th class="num">Value</th></tr></thead><tbody>${v.clvBuckets
    .map(
      (b) =>
        `<tr><td>${escapeHtml(b.label)}</td><td class="num">${count(b.members)}</td><td class="bar"><span style="width:${((100 * b.members) / most).toFixed(1)}%"></span></td><td class="num">${money(b.clv)}</td></tr>`,
    )
    .join('')}</tbody></table>`
  // P(alive) from red (0) through yellow to green (1).
  const colour = (p: number) => `hsl(${Math.round(p * 120)}, 65%, ${Math.round(82 - p * 22)}%)`
  const heatmap = `<table class="value-heatmap"><thead><tr><th>visits after the first ↓ · weeks first→last visit →</th>${v.heatmap.recencies
    .map((r) => `<th class="num">${escapeHtml(r)}</th>`)
    .join('')}</tr></thead><tbody>${v.heatmap.cells
    .map(
      (row, i) =>
        `<tr><th>${escapeHtml(v.heatmap.frequencies[i] ?? '')}</th>${row
          .map((c) =>
            c.pAlive === null
              ? '<td class="num empty"></td>'
              : `<td class="num" style="background:${colour(c.pAlive)}" title="${count(c.members)} members">${decimal(c.pAlive, 2)}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('')}</tbody></table>`
  const slipping =
    v.slippingCount === 0
      ? '<p class="sub">No valuable member is slipping away.</p>'
      : `<table><thead><tr><th>Member</th><th class="num">Value rank</th><th class="num">CLV</th><th class="num">P(alive)</th><th class="num">Visits after the first</th><th>VIP win-back today</th></tr></thead><tbody>${v.slipping
          .map(
            (m) =>
              `<tr><td><code>${escapeHtml(m.memberId)}</code></td><td class="num">${m.rank}</td><td class="num">${money(m.clv)}</td><td class="num">${decimal(m.pAlive, 2)}</td><td class="num">${count(m.frequency)}</td><td>${m.reached ? '<span class="yes">reached</span>' : '<span class="no">not seen</span>'}</td></tr>`,
          )
          .join('')}</tbody></table>`
  const f = v.fit
  return `<section class="card wide" id="customer-value"><h2>Customer value</h2><p class="sub">BG/NBD (r ${decimal(f.r, 3)}, α ${decimal(f.alpha, 2)}, a ${decimal(f.a, 3)}, b ${decimal(f.b, 3)}) and Gamma-Gamma (p ${decimal(f.p, 2)}, q ${decimal(f.q, 2)}, γ ${money(f.gamma)}) fitted on the members' history to ${escapeHtml(v.until)}: ${count(v.members)} members, ${money(v.totalClv)} of predicted value over the next 52 weeks.</p>
<div class="value-grid"><div><h3>CLV distribution</h3>${distribution}</div><div><h3>P(alive) by frequency and recency</h3>${heatmap}</div></div>
<h3>Valuable but slipping away: ${v.slippingCount} members, ${v.reachedCount} reached by the VIP win-back today</h3>${slipping}</section>`
}

/** CSS for the section, appended to the report's style. @category report */
export const VALUE_STYLE = `
.value-grid { display:grid; grid-template-columns: 1fr 1.4fr; gap:24px; }
.value-grid h3, #customer-value h3 { font-size:14px; margin:12px 0 6px; }
.value-clv td.bar { width:40%; } .value-clv td.bar span { display:block; height:10px; background:var(--accent); border-radius:3px; }
.value-heatmap td, .value-heatmap th { padding:4px 6px; font-size:12px; } .value-heatmap td.empty { background:#f2f4f7; }
@media (max-width: 900px) { .value-grid { grid-template-columns: 1fr; } }
`
