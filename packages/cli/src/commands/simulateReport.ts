import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { SimulationReport } from './simulate.js'

/**
 * The HTML report of `tessera simulate --out FILE`: one self-contained page in the style of the
 * demo's end-of-day report (Chart.js inlined, no network): the figures draft beside baseline, cost
 * per day, reach by lifecycle stage and tier, cost per campaign, and the table of every campaign.
 */

let chartJs: string | undefined
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

const eur = (minor: number) => `${(minor / 100).toFixed(2)} €`

const STYLE = `
:root { --ink:#1d2433; --muted:#667085; --line:#e4e7ec; --bg:#f5f6f8; --card:#fff; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
header { background:#1d2433; color:#fff; padding:24px 32px; }
header h1 { margin:0 0 4px; font-size:22px; font-weight:600; }
header p { margin:0; color:#c6cbd6; }
main { padding:24px 32px 48px; max-width:1280px; margin:0 auto; }
.kpis { display:grid; grid-template-columns:repeat(auto-fit,minmax(160px,1fr)); gap:12px; margin-bottom:24px; }
.kpi { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; }
.kpi b { display:block; font-size:20px; font-weight:600; }
.kpi i { display:block; font-style:normal; color:var(--muted); font-size:12px; }
.kpi span { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.grid { display:grid; grid-template-columns:repeat(2,minmax(0,1fr)); gap:16px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 18px; }
.card h2 { font-size:15px; margin:0 0 2px; font-weight:600; }
.card p.sub { margin:0 0 10px; color:var(--muted); font-size:12px; }
.chart { position:relative; height:300px; }
.wide { grid-column:1 / -1; }
table { width:100%; border-collapse:collapse; font-size:13px; margin-top:8px; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); }
th { color:var(--muted); font-weight:500; font-size:12px; text-transform:uppercase; letter-spacing:.03em; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
footer { color:var(--muted); font-size:12px; margin-top:24px; }
@media (max-width: 900px) { .grid { grid-template-columns:1fr; } }
`

const SCRIPT = `
(() => {
const data = JSON.parse(document.getElementById('simulation-data').textContent);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
const C = { draft:'#3a5bd9', base:'#98a2b3', teal:'#16a3a3', orange:'#f08c2e' };
const euros = (cents) => cents / 100;
const b = data.baseline;
const draw = (id, config) => new Chart(document.getElementById(id), config);
const days = [...new Set([...data.costByDay.map(d => d.day), ...(b ? b.costByDay.map(d => d.day) : [])])].sort();
const on = (list, day) => euros((list.find(d => d.day === day) || { cost: 0 }).cost);
draw('chart-days', { type:'bar', data:{ labels:days, datasets:[
  { label:'Draft (€)', data:days.map(d => on(data.costByDay, d)), backgroundColor:C.draft },
  ...(b ? [{ label:'Baseline (€)', data:days.map(d => on(b.costByDay, d)), backgroundColor:C.base }] : []) ] },
  options:{ scales:{ y:{ beginAtZero:true, title:{ display:true, text:'discount €' } } } } });
const stages = [...new Set([...Object.keys(data.reach.byLifecycle), ...(b ? Object.keys(b.reach.byLifecycle) : [])])];
draw('chart-stages', { type:'bar', data:{ labels:stages, datasets:[
  { label:'Draft', data:stages.map(s => data.reach.byLifecycle[s] || 0), backgroundColor:C.draft },
  ...(b ? [{ label:'Baseline', data:stages.map(s => b.reach.byLifecycle[s] || 0), backgroundColor:C.base }] : []) ] },
  options:{ scales:{ y:{ beginAtZero:true, ticks:{ precision:0 }, title:{ display:true, text:'customers reached' } } } } });
const tiers = [...new Set([...Object.keys(data.reach.byTier), ...(b ? Object.keys(b.reach.byTier) : [])])];
draw('chart-tiers', { type:'bar', data:{ labels:tiers, datasets:[
  { label:'Draft', data:tiers.map(t => data.reach.byTier[t] || 0), backgroundColor:C.draft },
  ...(b ? [{ label:'Baseline', data:tiers.map(t => b.reach.byTier[t] || 0), backgroundColor:C.base }] : []) ] },
  options:{ scales:{ y:{ beginAtZero:true, ticks:{ precision:0 } } } } });
const costly = data.campaigns.filter(c => c.cost > 0 || c.pointsIssued > 0 || c.couponsIssued > 0).slice(0, 20);
const baseOf = (id) => b ? (b.campaigns.find(c => c.id === id) || { cost: 0 }).cost : 0;
draw('chart-campaigns', { type:'bar', data:{ labels:costly.map(c => c.id), datasets:[
  { label:'Draft cost (€)', data:costly.map(c => euros(c.cost)), backgroundColor:C.draft },
  ...(b ? [{ label:'Baseline cost (€)', data:costly.map(c => euros(baseOf(c.id))), backgroundColor:C.base }] : []) ] },
  options:{ indexAxis:'y', scales:{ y:{ ticks:{ autoSkip:false } }, x:{ beginAtZero:true } } } });
})();
`

const card = (id: string, title: string, sub: string, wide = false) =>
  `<section class="card${wide ? ' wide' : ''}"><h2>${escapeHtml(title)}</h2><p class="sub">${escapeHtml(sub)}</p><div class="chart"><canvas id="${id}" role="img" aria-label="${escapeHtml(title)}"></canvas></div></section>`

/** The report as one HTML document. */
export const renderSimulationReport = (r: SimulationReport): string => {
  const b = r.baseline
  const kpi = (label: string, draft: string, base?: string) =>
    `<div class="kpi"><span>${escapeHtml(label)}</span><b>${escapeHtml(draft)}</b>${base !== undefined ? `<i>baseline ${escapeHtml(base)}</i>` : ''}</div>`
  const kpis = [
    kpi('discount cost', eur(r.discountCost), b && eur(b.discountCost)),
    kpi('points issued', r.pointsIssued.toLocaleString('en-GB'), b?.pointsIssued.toLocaleString('en-GB')),
    kpi('redemptions', String(r.redemptions), b && String(b.redemptions)),
    kpi('coupons issued', String(r.couponsIssued), b && String(b.couponsIssued)),
    kpi('customers reached', String(r.customersReached), b && String(b.customersReached)),
  ]
  const rows = r.campaigns
    .map(
      (c) =>
        `<tr><td>${escapeHtml(c.id)}</td><td class="num">${eur(c.cost)}</td><td class="num">${c.redemptions}</td><td class="num">${c.pointsIssued}</td><td class="num">${c.couponsIssued}</td><td class="num">${c.fired}</td><td class="num">${(c.redemptionRate * 100).toFixed(1)} %</td><td>${escapeHtml(c.budgetExhaustedAt ?? '')}</td></tr>`,
    )
    .join('')
  const notes = [
    r.neverFired.length > 0 ? `Never fired: ${r.neverFired.join(', ')}.` : '',
    r.alwaysShadowed.length > 0 ? `Always shadowed by another campaign: ${r.alwaysShadowed.join(', ')}.` : '',
  ].filter((n) => n !== '')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tessera simulation: ${escapeHtml(r.from ?? '')} to ${escapeHtml(r.until ?? '')}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Campaign simulation</h1><p>${r.baskets} sales and ${r.returns} returns replayed${r.from ? ` from ${escapeHtml(r.from)} to ${escapeHtml(r.until ?? '')}` : ''}${b ? ', the draft beside the baseline' : ''}. Nothing was booked.</p></header>
<main>
<div class="kpis">${kpis.join('')}</div>
<div class="grid">
${card('chart-days', 'Cost per day', `Discounts per day in ${r.storeTimeZone}`, true)}
${card('chart-stages', 'Reach by lifecycle stage', 'Customers who got something, by their stage when first reached')}
${card('chart-tiers', 'Reach by tier', 'Customers who got something, by their tier when first reached')}
${card('chart-campaigns', 'Cost by campaign', 'Discount cost of each campaign, draft beside baseline', true)}
<section class="card wide"><h2>Campaigns</h2><table><thead><tr><th>campaign</th><th class="num">cost</th><th class="num">redemptions</th><th class="num">points</th><th class="num">coupons</th><th class="num">fired</th><th class="num">rate</th><th>budget out</th></tr></thead><tbody>${rows}</tbody></table>${notes.map((n) => `<p class="sub">${escapeHtml(n)}</p>`).join('')}</section>
</div>
<footer>Generated by tessera simulate. Amounts in minor units in the data, shown as euros.</footer>
</main>
<script type="application/json" id="simulation-data">${scriptJson(r)}</script>
<script>${chartJsSource()}</script>
<script>${SCRIPT}</script>
</body>
</html>
`
}
