import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { type CurrencyCode, formatMoney, minor } from '@tessera/core'
import { percent } from '../format.js'
import type { DayReport } from './dayReport.js'
import { renderValueSection, VALUE_STYLE } from './valueSection.js'

/**
 * The end-of-day report as one self-contained HTML file: Chart.js is inlined (no network), the
 * data is embedded as JSON, and every chart also has a table for the exact numbers.
 */

let chartJs: string | undefined

/** The Chart.js UMD bundle from node_modules, read once. */
const chartJsSource = (): string => {
  if (chartJs === undefined) {
    // `chart.js` resolves to dist/chart.cjs; the UMD bundle sits beside it (it is not an export).
    const entry = createRequire(import.meta.url).resolve('chart.js')
    chartJs = readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8')
  }
  return chartJs
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** JSON safe inside a `<script>` element. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')

/** The ids of the chart canvases the report draws, in page order. @category report */
export const REPORT_CHARTS = [
  'chart-hourly',
  'chart-campaigns',
  'chart-redemption',
  'chart-points',
  'chart-tiers',
  'chart-coupons',
  'chart-uplift',
  'chart-lifecycle',
  'chart-pareto',
] as const

const STYLE = `
:root { --ink:#1d2433; --muted:#667085; --line:#e4e7ec; --bg:#f5f6f8; --card:#fff; --accent:#3a5bd9; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
header { background:#1d2433; color:#fff; padding:24px 32px; }
header h1 { margin:0 0 4px; font-size:22px; font-weight:600; }
header p { margin:0; color:#c6cbd6; }
main { padding:24px 32px 48px; max-width:1280px; margin:0 auto; }
.kpis { display:grid; grid-template-columns:repeat(auto-fit,minmax(160px,1fr)); gap:12px; margin-bottom:24px; }
.kpi { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; }
.kpi b { display:block; font-size:20px; font-weight:600; }
.kpi span { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.grid { display:grid; grid-template-columns:repeat(2,minmax(0,1fr)); gap:16px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 18px; }
.card h2 { font-size:15px; margin:0 0 2px; font-weight:600; }
.card p.sub { margin:0 0 10px; color:var(--muted); font-size:12px; }
.chart { position:relative; height:280px; }
.chart.tall { height:420px; }
.wide { grid-column:1 / -1; }
table { width:100%; border-collapse:collapse; font-size:13px; margin-top:8px; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); }
th { color:var(--muted); font-weight:500; font-size:12px; text-transform:uppercase; letter-spacing:.03em; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
.yes { color:#0f7b3f; font-weight:600; } .no { color:var(--muted); } .harm { color:#b42318; font-weight:600; }
footer { color:var(--muted); font-size:12px; margin-top:24px; }
@media (max-width: 900px) { .grid { grid-template-columns:1fr; } }
`

const SCRIPT = `
(() => {
const data = JSON.parse(document.getElementById('report-data').textContent);
Chart.defaults.animation = false;
Chart.defaults.responsive = true;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.color = '#475467';
const C = { blue:'#3a5bd9', teal:'#16a3a3', orange:'#f08c2e', red:'#d9484f', green:'#2f9e5b', purple:'#7a5af8', grey:'#98a2b3', yellow:'#e2b203' };
const euros = (cents) => cents / 100;
const short = (s, n = 26) => s.length > n ? s.slice(0, n - 1) + '…' : s;
// Labels a reader can tell apart: names cut to n characters, and where two cuts are the same,
// their beginning and their end ("Coupon: 25 % …fromage"), then a number if even that repeats.
const labelsOf = (names, n = 26) => {
  const cut = names.map(s => short(s, n));
  const twice = (list, x) => list.filter(y => y === x).length > 1;
  const ends = cut.map((c, i) => twice(cut, c) && names[i].length > n ? names[i].slice(0, Math.ceil(n / 2) - 1) + '…' + names[i].slice(-Math.floor(n / 2)) : c);
  return ends.map((c, i) => twice(ends, c) ? c + ' #' + (ends.slice(0, i).filter(y => y === c).length + 1) : c);
};
const draw = (id, config) => new Chart(document.getElementById(id), config);

draw('chart-hourly', { type:'bar', data:{ labels:data.hourly.map(h => h.hour + ':00'),
  datasets:[ { label:'Net sales (€)', data:data.hourly.map(h => euros(h.net)), backgroundColor:C.blue, yAxisID:'y' },
             { label:'Transactions', type:'line', data:data.hourly.map(h => h.sales), borderColor:C.orange, backgroundColor:C.orange, yAxisID:'y1', tension:.3 } ] },
  options:{ scales:{ y:{ title:{ display:true, text:'€' } }, y1:{ position:'right', grid:{ drawOnChartArea:false }, title:{ display:true, text:'transactions' } } } } });

const topCampaigns = data.campaigns.filter(c => c.discount > 0 || c.sales > 0).slice(0, 14);
draw('chart-campaigns', { type:'bar', data:{ labels:labelsOf(topCampaigns.map(c => c.name)),
  datasets:[ { label:'Discount given (€, bottom axis)', data:topCampaigns.map(c => euros(c.discount)), backgroundColor:C.orange, xAxisID:'x' },
             { label:'Sales of the baskets (€, top axis)', data:topCampaigns.map(c => euros(c.sales)), backgroundColor:'rgba(58,91,217,.35)', xAxisID:'x2' } ] },
  options:{ indexAxis:'y', scales:{ y:{ ticks:{ autoSkip:false } }, x:{ beginAtZero:true, title:{ display:true, text:'discount €' } },
            x2:{ position:'top', beginAtZero:true, grid:{ drawOnChartArea:false }, title:{ display:true, text:'sales €' } } } } });

const rated = data.campaigns.filter(c => c.concerned > 0).slice(0, 18);
draw('chart-redemption', { type:'bar', data:{ labels:labelsOf(rated.map(c => c.name)),
  datasets:[ { label:'Applied / concerned baskets (%)', data:rated.map(c => +(c.redemptionRate * 100).toFixed(1)), backgroundColor:C.teal } ] },
  options:{ indexAxis:'y', scales:{ y:{ ticks:{ autoSkip:false } }, x:{ min:0, max:100, title:{ display:true, text:'%' } } } } });

draw('chart-points', { type:'bar', data:{ labels:['Earned on sales', 'Reversed by returns', 'Redeemed for rewards'],
  datasets:[ { label:'Points', data:[data.points.issued + data.points.reversed, data.points.reversed, data.points.redeemed], backgroundColor:[C.green, C.red, C.orange] } ] },
  options:{ plugins:{ legend:{ display:false }, subtitle:{ display:true, font:{ size:13, weight:'bold' }, color:'#1d2433',
            text:'Outstanding at close: ' + data.points.outstanding.toLocaleString('fr-FR') + ' points = ' + (data.points.liability / 100).toLocaleString('fr-FR', { style:'currency', currency:data.currency }) + ' liability' } },
            scales:{ y:{ beginAtZero:true, title:{ display:true, text:'points today' } } } } });

draw('chart-tiers', { type:'bar', data:{ labels:data.tierMovements.map(m => m.from + ' → ' + m.to),
  datasets:[ { label:'Members', data:data.tierMovements.map(m => m.members), backgroundColor:data.tierMovements.map(m => m.direction === 'up' ? C.green : C.red) } ] },
  options:{ plugins:{ legend:{ display:false } }, scales:{ y:{ beginAtZero:true, ticks:{ precision:0 } } } } });

draw('chart-coupons', { type:'bar', data:{ labels:labelsOf(data.coupons.map(c => c.name), 24),
  datasets:[ { label:'Issued today', data:data.coupons.map(c => c.issued), backgroundColor:C.blue },
             { label:'Redeemed today', data:data.coupons.map(c => c.redeemed), backgroundColor:C.green } ] },
  options:{ scales:{ y:{ beginAtZero:true, ticks:{ precision:0 } } } } });

const measured = data.uplift.filter(u => u.perCustomer !== undefined);
const whiskers = { id:'whiskers', afterDatasetsDraw(chart) {
  const { ctx, scales:{ y } } = chart; const meta = chart.getDatasetMeta(0);
  measured.forEach((u, i) => { const bar = meta.data[i]; if (!bar) return;
    const hi = y.getPixelForValue(euros(u.ciHigh)), lo = y.getPixelForValue(euros(u.ciLow));
    ctx.save(); ctx.strokeStyle = '#1d2433'; ctx.lineWidth = 1.5; ctx.beginPath();
    ctx.moveTo(bar.x, hi); ctx.lineTo(bar.x, lo); ctx.moveTo(bar.x - 7, hi); ctx.lineTo(bar.x + 7, hi);
    ctx.moveTo(bar.x - 7, lo); ctx.lineTo(bar.x + 7, lo); ctx.stroke(); ctx.restore(); }); } };
const bounds = measured.flatMap(u => [euros(u.ciLow), euros(u.ciHigh)]);
draw('chart-uplift', { type:'bar', plugins:[whiskers], data:{ labels:labelsOf(measured.map(u => u.name), 22),
  datasets:[ { label:'Incremental spend per treated customer (€), 95 % CI', data:measured.map(u => euros(u.perCustomer)),
               backgroundColor:measured.map(u => u.verdict === 'pays back' ? C.green : (u.verdict === 'harms' || u.verdict === 'loses money') ? C.red : C.grey) } ] },
  options:{ scales:{ y:{ suggestedMin:Math.min(0, ...bounds), suggestedMax:Math.max(0, ...bounds), title:{ display:true, text:'€ per customer' } } } } });

draw('chart-lifecycle', { type:'doughnut', data:{ labels:data.lifecycle.map(l => l.stage),
  datasets:[ { data:data.lifecycle.map(l => l.members), backgroundColor:[C.teal, C.blue, C.green, C.purple, C.yellow, C.red] } ] },
  options:{ plugins:{ legend:{ position:'right' } } } });

draw('chart-pareto', { type:'line', data:{ labels:data.pareto.curve.map((_, i) => (i * 5) + ' %'),
  datasets:[ { label:'Share of revenue', data:data.pareto.curve.map(x => +(x * 100).toFixed(1)), borderColor:C.purple, backgroundColor:'rgba(122,90,248,.15)', fill:true, tension:.25 },
             { label:'Equal share', data:data.pareto.curve.map((_, i) => i * 5), borderColor:C.grey, borderDash:[5,5], pointRadius:0 } ] },
  options:{ scales:{ y:{ min:0, max:100, title:{ display:true, text:'% of 12-month revenue' } }, x:{ title:{ display:true, text:'% of members, best first' } } } } });
window.__reportReady = true;
})();
`

/** Why a code was refused, in words for a store manager (the code stays beside it). @category report */
export const REASON_WORDS: Readonly<Record<string, string>> = {
  UNKNOWN: 'not a code of this store',
  BAD_CHECK_CHARACTER: 'mistyped (its check character is wrong)',
  TAMPERED: 'altered coupon (its signature does not match)',
  NOT_YET_VALID: 'not valid yet',
  EXPIRED: 'expired or withdrawn',
  NOT_YOURS: "another customer's coupon",
  ALREADY_REDEEMED: 'already used',
  LIMIT_REACHED: 'used as often as allowed',
  RESERVED_ELSEWHERE: 'held by another till',
  UNKNOWN_KEY: 'signed with a key this store does not know',
  MALFORMED: 'not a readable coupon',
}

/**
 * Renders the day's report as a self-contained HTML page (Chart.js inlined, no network access).
 *
 * @example
 * writeFileSync('report.html', renderReport(buildDayReport(input)))
 * @category report
 */
export const renderReport = (report: DayReport): string => {
  const points = (n: number) => escapeHtml(n.toLocaleString('fr-FR'))
  const money = (cents: number) =>
    escapeHtml(formatMoney({ amount: minor(Math.round(cents)), currency: report.currency as CurrencyCode }, 'fr-FR'))
  const t = report.totals
  const kpis: readonly (readonly [string, string])[] = [
    ['Net sales', money(t.net)],
    ['Transactions', `${t.sales} + ${t.returns} returns`],
    ['Average basket', money(t.averageBasket)],
    ['Discounts given', money(t.discount)],
    ['Card holders', percent(t.identifiedShare)],
    ['Points liability', money(report.points.liability)],
    ['Top 20 % share', percent(report.pareto.share)],
  ]
  const card = (id: string, title: string, sub: string, table = '', wide = false, tall = false) =>
    `<section class="card${wide ? ' wide' : ''}"><h2>${escapeHtml(title)}</h2><p class="sub">${escapeHtml(sub)}</p>` +
    `<div class="chart${tall ? ' tall' : ''}"><canvas id="${id}" role="img" aria-label="${escapeHtml(title)}"></canvas></div>${table}</section>`
  const table = (head: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[]) =>
    `<table><thead><tr>${head.map((h, i) => `<th${numeric.includes(i) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`

  const campaignTable = table(
    ['Campaign', 'Applied', 'Concerned', 'Rate', 'Sales', 'Discount'],
    report.campaigns.map((c) => [
      escapeHtml(c.name),
      String(c.applied),
      String(c.concerned),
      percent(c.redemptionRate),
      money(c.sales),
      money(c.discount),
    ]),
    [1, 2, 3, 4, 5],
  )
  const couponTable = table(
    ['Coupon', 'Template', 'Issued', 'Redeemed'],
    report.coupons.map((c) => [
      escapeHtml(c.name),
      `<code>${escapeHtml(c.template)}</code>`,
      String(c.issued),
      String(c.redeemed),
    ]),
    [2, 3],
  )
  const verdictClass = (v: string) => (v === 'pays back' ? 'yes' : v === 'harms' || v === 'loses money' ? 'harm' : 'no')
  const upliftTable = table(
    [
      'Campaign',
      'Treated',
      'Control',
      'Per customer',
      '95 % CI',
      'Incremental',
      'Cost',
      'Per € of discount',
      'Verdict',
    ],
    report.uplift.map((u) =>
      u.perCustomer === undefined
        ? [
            escapeHtml(u.name),
            String(u.treated),
            String(u.control),
            '',
            '',
            '',
            money(u.cost),
            '',
            `<span class="no">${escapeHtml(u.note ?? u.verdict)}</span>`,
          ]
        : [
            escapeHtml(u.name),
            String(u.treated),
            String(u.control),
            `<span class="${(u.perCustomer ?? 0) < 0 ? 'harm' : ''}">${money(u.perCustomer)}</span>`,
            `${money(u.ciLow ?? 0)} … ${money(u.ciHigh ?? 0)}`,
            `<span class="${(u.incrementalSpend ?? 0) < 0 ? 'harm' : ''}">${money(u.incrementalSpend ?? 0)}</span>`,
            money(u.cost),
            u.returnOnDiscount === undefined ? '' : money(Math.round(u.returnOnDiscount * 100)),
            `<span class="${verdictClass(u.verdict)}" data-verdict="${escapeHtml(u.verdict)}">${escapeHtml(u.verdict)}</span>`,
          ],
    ),
    [1, 2, 3, 5, 6, 7],
  )
  const pointsTable = table(
    ['Net issued', 'Reversed', 'Redeemed', 'Outstanding', 'Liability'],
    [
      [
        points(report.points.issued),
        points(report.points.reversed),
        points(report.points.redeemed),
        points(report.points.outstanding),
        money(report.points.liability),
      ],
    ],
    [0, 1, 2, 3, 4],
  )
  const refusedTable =
    report.codesRefused.length === 0
      ? '<p class="sub">No code was refused today.</p>'
      : table(
          ['Transaction', 'Code', 'Reason'],
          report.codesRefused.map((c) => [
            escapeHtml(c.transactionId),
            // A signed coupon is 90+ characters: its head and tail identify it, the title holds it whole.
            `<code title="${escapeHtml(c.code)}">${escapeHtml(c.code.length > 32 ? `${c.code.slice(0, 20)}…${c.code.slice(-10)}` : c.code)}</code>`,
            `${escapeHtml(REASON_WORDS[c.reason] ?? c.reason)} <code>${escapeHtml(c.reason)}</code>`,
          ]),
          [],
        )
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.storeName)}: end of day ${escapeHtml(report.day)}</title>
<style>${STYLE}${VALUE_STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(report.storeName)} · store ${escapeHtml(report.storeId)}</h1><p>End-of-day report for ${escapeHtml(report.day)}: sales, campaigns, coupons, loyalty and what works.</p></header>
<main>
<div class="kpis">${kpis.map(([label, value]) => `<div class="kpi"><span>${escapeHtml(label)}</span><b>${value}</b></div>`).join('')}</div>
<div class="grid">
${card('chart-hourly', 'Sales by hour', 'Net sales and transactions per hour of the day', '', true)}
${card('chart-campaigns', 'Sales and discounts by campaign', 'Net sales of the baskets each campaign applied to, and the discount it gave', '', false, true)}
${card('chart-redemption', 'Redemption rate by campaign', 'Baskets where the campaign applied, out of those it concerned', '', false, true)}
${card('chart-points', 'Points', 'Issued, reversed and redeemed today; outstanding liability at close', pointsTable)}
${card('chart-tiers', 'Tier movements', 'Members who changed tier today (green up, red down)')}
${card('chart-coupons', 'Checkout coupons', 'Coupons issued today and coupons redeemed today (issued on earlier days), by template')}
${card('chart-uplift', 'Holdout uplift', 'Incremental spend per treated customer vs the control group, with 95 % confidence interval (green: pays back, red: harms or loses money, grey: not proven or not enough data)')}
${card('chart-lifecycle', 'Lifecycle stages', 'Members by stage at the end of the day')}
${card('chart-pareto', 'Pareto curve', `The top 20 % of members (${report.pareto.topCustomers} of ${report.pareto.customers}) bring ${percent(report.pareto.share)} of 12-month revenue`)}
${report.value === undefined ? '' : renderValueSection(report.value, money, escapeHtml)}
<section class="card wide"><h2>Campaigns</h2>${campaignTable}</section>
<section class="card wide"><h2>Checkout coupons</h2>${couponTable}</section>
<section class="card wide"><h2>Holdout measurements</h2>${upliftTable}</section>
<section class="card wide"><h2>Refused codes</h2>${refusedTable}</section>
</div>
<footer>Generated by Tessera's till simulator. Amounts in ${escapeHtml(report.currency)}; rates over the day's transactions.</footer>
</main>
<script type="application/json" id="report-data">${scriptJson(report)}</script>
<script>${chartJsSource()}</script>
<script>${SCRIPT}</script>
</body>
</html>
`
}
