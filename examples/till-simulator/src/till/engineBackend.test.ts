import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fixedClock } from '@tessera/testing'
import { describe, expect, it } from 'vitest'
import { generateCatalog, scaleLabel } from '../store/catalog.js'
import { seededRng } from '../store/prng.js'
import type { TillBackend } from './backend.js'
import { parseCommand, runCommand } from './commands.js'
import { engineBackend } from './engineBackend.js'

// Thursday 26 November 2026, 10:15 in Paris: no happy hour, no weekend offer.
const clock = fixedClock('2026-11-26T09:15:00Z')
const catalog = generateCatalog('tessera-demo-catalog')
const yogurt = catalog.products.find((p) => p.categories.includes('dairy/yogurt'))!
const pasta = catalog.products.find((p) => p.categories.includes('grocery/pasta'))!
const sauce = catalog.products.find((p) => p.categories.includes('grocery/sauces'))!
const comte = catalog.products.find((p) => p.barcode === 'weight')!

const newBackend = (dataDir = mkdtempSync(join(tmpdir(), 'tessera-till-')), reset = false) => {
  const rng = seededRng('till-test')
  return {
    dataDir,
    backend: engineBackend({
      dataDir,
      reset,
      clock,
      random: { bytes: (n) => Uint8Array.from({ length: n }, () => rng.int(0, 255)) },
    }),
  }
}
const run = (backend: TillBackend, line: string) => runCommand(backend, parseCommand(line)!)

describe('engineBackend through the till commands', () => {
  it('prices a 3-for-2 on yogurts and shows the discount under the line', async () => {
    const { backend } = newBackend()
    await run(backend, yogurt.sku)
    const out = await run(backend, 'q 3')
    // 3 × unit price, the cheapest of 3 free: discount = one unit price.
    expect(out.view.lines[0]).toMatchObject({ quantity: 3, amount: 3 * yogurt.unitPrice, discount: yogurt.unitPrice })
    expect(out.view.lines[0]?.discounts[0]?.label).toBe('Yogurts 3 for 2')
    expect(out.view.total).toBe(2 * yogurt.unitPrice)
  })
  it('nudges towards the promotion before it applies', async () => {
    const { backend } = newBackend()
    await run(backend, yogurt.sku)
    const out = await run(backend, 'q 2')
    expect(out.view.nudges).toContain('Add 1 more yogurt: the third is free')
  })
  it('reads the weight from a variable-measure label', async () => {
    const { backend } = newBackend()
    const label = scaleLabel(comte, 532)
    const out = await run(backend, label.barcode)
    expect(out.view.lines[0]).toMatchObject({ unit: 'kg', quantity: 0.532, amount: label.amount })
    expect((await run(backend, 'q 2')).level).toBe('error')
  })
  it('identifies a member card and refuses unknown cards and misread barcodes', async () => {
    const { backend } = newBackend()
    const out = await run(backend, '2900000000018')
    expect(out.level).toBe('info')
    expect(out.view.customer?.card).toBe('2900000000018')
    expect(out.view.customer?.name).toMatch(/\w+ \w+/)
    expect((await run(backend, '2900999999993')).message).toMatch(/not a member card/)
    expect((await run(backend, '3000000000001')).message).toMatch(/unknown or misread/)
  })
  it('pays cash with change, prints the receipt, and reprints it', async () => {
    const { backend } = newBackend()
    await run(backend, yogurt.sku)
    const out = await run(backend, 'p cash 100')
    expect(out.level).toBe('info')
    // change = 100,00 € − the yogurt's price
    const change = ((10_000 - yogurt.unitPrice) / 100).toFixed(2).replace('.', ',')
    expect(out.receipt).toMatch(new RegExp(`^CHANGE +${change}$`, 'm'))
    expect(out.view.lines).toEqual([])
    const reprint = await run(backend, 'rp')
    expect(reprint.receipt).toContain('*** REPRINT ***')
    expect(reprint.receipt).toContain('T-0042-01-000001')
  })
  it('refuses to pay an empty sale or with too little cash', async () => {
    const { backend } = newBackend()
    expect((await run(backend, 'p card')).message).toMatch(/Nothing to pay/)
    await run(backend, yogurt.sku)
    expect((await run(backend, 'p cash 0.01')).message).toMatch(/less than the total/)
  })
  it('issues a cross-sell coupon with a barcode file, redeems it once on the next visit', async () => {
    const { backend, dataDir } = newBackend()
    // Find a member outside the coupon's holdout group (10 %).
    let card = ''
    for (let i = 1; i <= 40 && card === ''; i++) {
      const candidate = `2900${String(i).padStart(8, '0')}`
      const digits = [...candidate].map(Number)
      const check = (10 - (digits.reduce((s, d, k) => s + d * (k % 2 ? 3 : 1), 0) % 10)) % 10
      await run(backend, `${candidate}${check}`)
      await run(backend, pasta.sku)
      if ((await backend.view()).couponsPreview.length > 0) card = `${candidate}${check}`
      else await run(backend, 'vt')
    }
    expect(card).not.toBe('')
    const paid = await run(backend, 'p card')
    expect(paid.receipt).toContain('YOUR COUPON')
    const code = /^ +(SAUCE-[A-Z0-9]{4}-[A-Z0-9]{5})$/m.exec(paid.receipt ?? '')?.[1]
    expect(code).toBeDefined()
    expect(paid.receipt).toContain(`barcode file: ${code}.svg`)
    expect(readFileSync(join(dataDir, 'coupons', `${code}.svg`), 'utf8')).toMatch(/^<svg /)

    // Next visit: someone else cannot use it; its owner can, once.
    await run(backend, sauce.sku)
    expect((await run(backend, code!)).message).toMatch(/NOT_YOURS/)
    await run(backend, card)
    expect((await run(backend, `c ${code}`)).level).toBe('info')
    const view = await backend.view()
    expect(view.lines[0]?.discounts.some((d) => d.label === 'Coupon: sauce -30%')).toBe(true)
    await run(backend, 'p card')
    await run(backend, card)
    expect((await run(backend, `c ${code}`)).message).toMatch(/ALREADY_REDEEMED/)
  })
  it('refuses a tampered code with its reason', async () => {
    const { backend } = newBackend()
    expect((await run(backend, 'c SAUCE-7KQ2-X9PDR')).message).toMatch(/BAD_CHECK_CHARACTER|UNKNOWN/)
    expect((await run(backend, 'c NOPE-1234')).message).toMatch(/UNKNOWN/)
  })
  it('voids a line and the whole transaction', async () => {
    const { backend } = newBackend()
    await run(backend, yogurt.sku)
    await run(backend, pasta.sku)
    expect((await run(backend, 'vl 1')).view.lines.map((l) => l.sku)).toEqual([pasta.sku])
    expect((await run(backend, 'vl 9')).message).toMatch(/No line 9/)
    expect((await run(backend, 'vt')).view.lines).toEqual([])
  })
  it('returns part of a receipt from its stored evaluation, not more than was sold, across restarts', async () => {
    const { backend, dataDir } = newBackend()
    await run(backend, yogurt.sku)
    await run(backend, 'q 3')
    await run(backend, 'p card')
    // One yogurt of three: gross = unit price, discount share = a third of one unit price (allocate).
    const back = await run(backend, 'r T-0042-01-000001 1:1')
    expect(back.level).toBe('info')
    expect(back.receipt).toContain('RETURN')
    expect(back.receipt).toContain('Return of T-0042-01-000001')
    // A restarted till still knows the receipt: two more may come back, not three.
    const again = newBackend(dataDir).backend
    expect((await run(again, 'r T-0042-01-000001 1:3')).message).toMatch(/at most 2/)
    expect((await run(again, 'r T-0042-01-000001 1:2')).level).toBe('info')
    expect((await run(again, 'r T-0042-01-000001')).message).toMatch(/already returned/)
    expect((await run(again, 'r T-9')).message).toMatch(/No receipt T-9/)
    // --reset starts afresh.
    expect((await run(newBackend(dataDir, true).backend, 'rp')).message).toMatch(/No receipt yet/)
  })
})
