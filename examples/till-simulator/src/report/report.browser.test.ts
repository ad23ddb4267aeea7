import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LocalDate } from '@tessera/core'
import { type BrowserContext, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDemoDay } from '../demo/day.js'
import { dayReportInput } from '../demo/report.js'
import { openDemoShop } from '../shop/shop.js'
import { buildDayReport, type DayReportInput, type ReportTransaction } from './dayReport.js'
import { REPORT_CHARTS, renderReport } from './renderReport.js'

const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url))

describe('the end-of-day report in a browser', () => {
  let browser: BrowserContext
  let userDataDir: string
  let html: string

  beforeAll(async () => {
    // A real (small) demo day: seeded SQLite store, sales and returns through the checkout, the
    // report read back from the stores.
    const dir = mkdtempSync(join(tmpdir(), 'tessera-report-'))
    const shop = await openDemoShop({ file: join(dir, 'demo.sqlite'), day: '2026-11-26' as LocalDate, members: 400 })
    if (shop._tag === 'Left') throw new Error(shop.left.message)
    const day = await runDemoDay(shop.right, { sales: 500, previousDaySales: 150, seed: 'report-browser-test' })
    if (day._tag === 'Left') throw new Error(day.left.message)
    const input = await dayReportInput(shop.right, day.right)
    await shop.right.close()
    rmSync(dir, { recursive: true, force: true })
    if (input._tag === 'Left') throw new Error(input.left.message)
    const report = buildDayReport(input.right)
    if (report._tag === 'Left') throw new Error(report.left.message)
    html = renderReport(report.right)
    userDataDir = mkdtempSync(join(tmpdir(), 'tessera-chromium-'))
    // A fresh, empty profile (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true })
  })

  it('renders every chart without console errors or network requests, and saves a screenshot', async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    const file = join(ARTIFACTS, 'report.html')
    writeFileSync(file, html)
    const page = await browser.newPage()
    const errors: string[] = []
    const requests: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url())
    })
    await page.goto(`file://${file}`)
    // Browser-side code is passed as source text: this package's TypeScript has no DOM types.
    const ready = await page
      .waitForFunction('window.__reportReady === true', null, { timeout: 15_000 })
      .then(() => true)
      .catch(() => false)
    expect(errors).toEqual([])
    expect(ready, 'the report script ran to the end').toBe(true)

    const charts = (await page.evaluate(`(${JSON.stringify(REPORT_CHARTS)}).map((id) => {
      const canvas = document.getElementById(id)
      if (canvas === null) return { id, chart: false, inked: 0 }
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
      let inked = 0
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++
      return { id, chart: Chart.getChart(canvas) !== undefined, inked }
    })`)) as { id: string; chart: boolean; inked: number }[]
    expect(charts.map((c) => c.id)).toEqual([...REPORT_CHARTS])

    expect(errors).toEqual([])
    expect(requests).toEqual([])
    for (const c of charts) {
      expect(c.chart, `${c.id} has a Chart.js instance`).toBe(true)
      // Axes, labels and data all paint pixels: a blank canvas has none.
      expect(c.inked, `${c.id} painted pixels`).toBeGreaterThan(2000)
    }
    // Every chart's labels can be told apart (names cut to fit stay distinct).
    const labels = (await page.evaluate(`(${JSON.stringify(REPORT_CHARTS)}).map((id) =>
      Chart.getChart(document.getElementById(id)).data.labels.map(String))`)) as string[][]
    for (const [i, l] of labels.entries()) expect(new Set(l).size, `${REPORT_CHARTS[i]} labels`).toBe(l.length)
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true })
    await page.close()
  }, 60_000)

  it('shows the day’s numbers in its tables', async () => {
    const page = await browser.newPage()
    await page.setContent(html)
    const text = (await page.locator('main').textContent()) ?? ''
    expect(text).toContain('Net sales')
    expect(text).toMatch(/Yogurts: 3 for 2/)
    // Refused codes with their reasons, in words with the code beside: tampered coupons fail their signature.
    expect(text).toMatch(/altered coupon \(its signature does not match\) ?TAMPERED/)
    expect(await page.locator('table').count()).toBeGreaterThanOrEqual(5)
    await page.close()
  }, 30_000)

  it('shows a harmful campaign in red as "harms", never as a success, and a small control group as "not enough data yet"', async () => {
    const sale = (
      id: string,
      memberId: string,
      gross: number,
      campaignId: string,
      discount: number,
      holdout: boolean,
    ) =>
      ({
        id,
        kind: 'sale',
        at: '2026-11-26T10:15:00+01:00',
        terminalId: '01',
        memberId,
        gross: gross + discount,
        discount: holdout ? 0 : discount,
        discounts: holdout ? [] : [{ campaignId, label: campaignId, amount: discount }],
        pointsEarned: 0,
        pointsRedeemed: 0,
        couponsIssued: [],
        couponsRedeemed: [],
        codesRefused: [],
        concerned: [campaignId],
        holdouts: holdout ? [campaignId] : [],
      }) satisfies ReportTransaction
    const group = (campaignId: string, prefix: string, n: number, spend: number, discount: number, holdout: boolean) =>
      Array.from({ length: n }, (_, i) =>
        sale(`${prefix}${i}`, `${prefix}-${i}`, spend + (i % 10) * 10, campaignId, discount, holdout),
      )
    const input: DayReportInput = {
      storeName: 'Marché Tessera',
      storeId: '0042',
      day: '2026-11-26',
      currency: 'EUR',
      transactions: [
        ...group('gold-5-off', 'g', 40, 2000, 500, false),
        ...group('gold-5-off', 'gc', 40, 5000, 500, true),
        ...group('wine-10', 'w', 120, 4000, 300, false),
        ...group('wine-10', 'wc', 9, 1000, 300, true),
      ],
      members: [],
      pointsOutstanding: 0,
      campaignNames: { 'gold-5-off': 'Gold: 5 € off from 50 €', 'wine-10': 'Wine 10 %' },
    }
    const report = buildDayReport(input)
    if (report._tag === 'Left') throw new Error(report.left.message)
    const page = await browser.newPage()
    await page.setContent(renderReport(report.right))
    const verdictOf = async (name: string) => {
      const row = page.locator('tr', { hasText: name })
      const cell = row.locator('[data-verdict]')
      return {
        text: (await cell.count()) > 0 ? await cell.textContent() : await row.locator('td').last().textContent(),
        colour:
          (await cell.count()) > 0
            ? ((await page.evaluate(
                `getComputedStyle(document.querySelector('[data-verdict="${await cell.getAttribute('data-verdict')}"]')).color`,
              )) as string)
            : '',
      }
    }
    const gold = await verdictOf('Gold: 5 € off from 50 €')
    expect(gold.text).toBe('harms')
    expect(gold.colour).toBe('rgb(180, 35, 24)')
    const wine = await verdictOf('Wine 10 %')
    expect(wine.text).toMatch(/not enough data yet/)
    expect(await page.locator('[data-verdict="pays back"]').count()).toBe(0)
    await page.close()
  }, 30_000)
})
