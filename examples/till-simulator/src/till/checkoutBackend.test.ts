import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fixedClock } from '@tessera/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { generateCatalog, scaleLabel, withCheckDigit } from '../store/catalog.js'
import { type CheckoutBackend, openCheckoutBackend } from './checkoutBackend.js'
import { parseCommand, runCommand } from './commands.js'

// Thursday 26 November 2026, 10:15 in Paris: no happy hour, no weekend offer.
const clock = fixedClock('2026-11-26T09:15:00Z')
const catalog = generateCatalog('tessera-demo-catalog')
const yogurt = catalog.products.find((p) => p.categories.includes('dairy/yogurt'))!
const pasta = catalog.products.find((p) => p.categories.includes('grocery/pasta'))!
const sauce = catalog.products.find((p) => p.categories.includes('grocery/sauces'))!
const comte = catalog.products.find((p) => p.barcode === 'weight')!
const RECEIPT_1 = 'T-0042-01-20261126-000001'

const dirs: string[] = []
const open: CheckoutBackend[] = []
const newBackend = async (dataDir = mkdtempSync(join(tmpdir(), 'tessera-till-')), reset = false) => {
  dirs.push(dataDir)
  const opened = await openCheckoutBackend({ dataDir, reset, clock, members: 40 })
  if (opened._tag === 'Left') throw new Error(opened.left.message)
  open.push(opened.right)
  return { dataDir, backend: opened.right }
}
const run = (backend: CheckoutBackend, line: string) => runCommand(backend, parseCommand(line)!)
/** The coupon text printed on a receipt (wrapped over several lines), joined back. */
const couponOf = (receipt: string): string | undefined => {
  const lines = receipt.split('\n').map((l) => l.trim())
  const start = lines.findIndex((l) => l.startsWith('TSR1.'))
  if (start < 0) return undefined
  let code = ''
  for (let i = start; i < lines.length && lines[i] !== 'barcode file:' && !lines[i]!.startsWith('='); i++)
    code += lines[i]
  return code
}

afterAll(async () => {
  for (const b of open) await b.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('the till through the checkout on SQLite', () => {
  it('prices a 3-for-2 on yogurts and shows the discount under the line', async () => {
    const { backend } = await newBackend()
    await run(backend, yogurt.sku)
    const out = await run(backend, 'q 3')
    // 3 × unit price, the cheapest of 3 free: discount = one unit price.
    expect(out.view.lines[0]).toMatchObject({ quantity: 3, amount: 3 * yogurt.unitPrice, discount: yogurt.unitPrice })
    expect(out.view.lines[0]?.discounts[0]?.label).toBe('Yogurts 3 for 2')
    expect(out.view.total).toBe(2 * yogurt.unitPrice)
    expect((await run(backend, 'q 0')).level).toBe('error')
  })
  it('nudges towards the promotion before it applies', async () => {
    const { backend } = await newBackend()
    await run(backend, yogurt.sku)
    const out = await run(backend, 'q 2')
    expect(out.view.nudges).toContain('Add 1 more yogurt: the third is free')
  })
  it('reads the weight from a variable-measure label', async () => {
    const { backend } = await newBackend()
    const label = scaleLabel(comte, 532)
    const out = await run(backend, label.barcode)
    expect(out.view.lines[0]).toMatchObject({ unit: 'kg', quantity: 0.532, amount: label.amount })
    expect((await run(backend, 'q 2')).level).toBe('error')
  })
  it('identifies a member card from the ledger (points, tier progress) and refuses unknown cards and misread barcodes', async () => {
    const { backend } = await newBackend()
    const out = await run(backend, '2900000000018')
    expect(out.level).toBe('info')
    expect(out.view.customer?.card).toBe('2900000000018')
    expect(out.view.customer?.name).toMatch(/\w+ \w+/)
    // The balance is the ledger's: the member's history was posted as earns at seeding.
    const member = backend.shop.byCard.get('2900000000018')!
    const balance = await backend.shop.loyalty.balance(backend.shop.accountOf(member), clock.now())
    expect(out.view.customer?.pointsBalance).toBe(balance._tag === 'Right' ? balance.right.available : -1)
    expect(out.view.customer?.tierProgress?.spend).toBeGreaterThanOrEqual(0)
    expect((await run(backend, withCheckDigit('290099999999'))).message).toMatch(/not a member card/)
    expect((await run(backend, '3000000000001')).message).toMatch(/unknown or misread/)
  })
  it('pays cash with change, books the close in the store, and reprints it', async () => {
    const { backend } = await newBackend()
    await run(backend, yogurt.sku)
    const out = await run(backend, 'p cash 100')
    expect(out.level).toBe('info')
    // change = 100,00 € − the yogurt's price
    const change = ((10_000 - yogurt.unitPrice) / 100).toFixed(2).replace('.', ',')
    expect(out.receipt).toMatch(new RegExp(`^CHANGE +${change}$`, 'm'))
    expect(out.view.lines).toEqual([])
    expect((await backend.shop.store.findClose(RECEIPT_1))?.receipt.total).toBe(yogurt.unitPrice)
    const reprint = await run(backend, 'rp')
    expect(reprint.receipt).toContain('*** DUPLICATE (REPRINT) ***')
    expect(reprint.receipt).toContain(RECEIPT_1)
  })
  it('refuses to pay an empty sale or with too little cash', async () => {
    const { backend } = await newBackend()
    expect((await run(backend, 'p card')).message).toMatch(/Nothing to pay/)
    await run(backend, yogurt.sku)
    expect((await run(backend, 'p cash 0.01')).message).toMatch(/less than the total/)
  })
  it('issues a signed cross-sell coupon with a barcode file, redeems it once on the next visit, refuses a tampered copy', async () => {
    const { backend, dataDir } = await newBackend()
    // Find a member outside the coupon's holdout group.
    let card = ''
    for (let i = 1; i <= 40 && card === ''; i++) {
      const candidate = withCheckDigit(`2900${String(i).padStart(8, '0')}`)
      await run(backend, candidate)
      await run(backend, pasta.sku)
      if ((await backend.view()).couponsPreview.length > 0) card = candidate
      else await run(backend, 'vt')
    }
    expect(card).not.toBe('')
    const paid = await run(backend, 'p card')
    expect(paid.receipt).toContain('YOUR COUPON')
    expect(paid.receipt).toMatch(/Points earned +\+\d+/)
    const code = couponOf(paid.receipt ?? '')
    expect(code).toMatch(/^TSR1\.DEMO\./)
    const svg = readFileSync(join(dataDir, 'coupons', `${code!.replace(/[^A-Za-z0-9-]/g, '_')}.svg`), 'utf8')
    expect(svg).toMatch(/^<svg /)

    // A changed character fails the signature; someone else cannot use it; its owner can, once.
    const last = code!.at(-1) === 'A' ? 'B' : 'A'
    await run(backend, sauce.sku)
    expect((await run(backend, `c ${code!.slice(0, -1)}${last}`)).message).toMatch(/TAMPERED/)
    expect((await run(backend, code!)).message).toMatch(/NOT_YOURS/)
    await run(backend, card)
    expect((await run(backend, `c ${code}`)).level).toBe('info')
    const view = await backend.view()
    expect(view.lines[0]?.discounts.some((d) => d.label === 'Coupon: sauce -30%')).toBe(true)
    await run(backend, 'p card')
    await run(backend, card)
    await run(backend, sauce.sku)
    expect((await run(backend, `c ${code}`)).message).toMatch(/ALREADY_REDEEMED/)
  })
  it('refuses an unknown code with its reason', async () => {
    const { backend } = await newBackend()
    expect((await run(backend, 'c NOPE-1234')).message).toMatch(/UNKNOWN/)
  })
  it('voids a line and the whole transaction (the next sale gets the next number)', async () => {
    const { backend } = await newBackend()
    await run(backend, yogurt.sku)
    await run(backend, pasta.sku)
    expect((await run(backend, 'vl 1')).view.lines.map((l) => l.sku)).toEqual([pasta.sku])
    expect((await run(backend, 'vl 9')).message).toMatch(/No line 9/)
    const voided = await run(backend, 'vt')
    expect(voided.view.lines).toEqual([])
    expect(voided.view.transactionId).toBe('T-0042-01-20261126-000002')
    expect((await run(backend, 'vt')).message).toMatch(/Nothing to void/)
  })
  it('returns part of a receipt through checkout.return, not more than was sold, across restarts', async () => {
    const { backend, dataDir } = await newBackend()
    await run(backend, yogurt.sku)
    await run(backend, 'q 3')
    await run(backend, 'p card')
    // One yogurt of three: the discount (one unit price) is split over the 3 units by allocate,
    // so this unit gives back a third of it (largest remainder, the first unit gets the extra cent).
    const back = await run(backend, `r ${RECEIPT_1} 1:1`)
    expect(back.level).toBe('info')
    expect(back.receipt).toContain('RETURN')
    expect(back.receipt).toContain(`Return of ${RECEIPT_1}`)
    const stored = await backend.shop.store.findReturns(RECEIPT_1)
    expect(stored[0]?.receipt.refund).toBe(yogurt.unitPrice - Math.ceil(yogurt.unitPrice / 3))
    // A restarted till on the same file still knows the receipt: two more may come back, not three.
    await backend.close()
    const again = (await newBackend(dataDir)).backend
    expect((await run(again, `r ${RECEIPT_1} 1:3`)).level).toBe('error')
    expect((await run(again, `r ${RECEIPT_1} 1:2`)).level).toBe('info')
    expect((await run(again, `r ${RECEIPT_1}`)).message).toMatch(/already returned/)
    expect((await run(again, 'r T-9')).message).toMatch(/No receipt T-9/)
    expect((await run(again, `r ${RECEIPT_1} 9`)).message).toBe(`Receipt ${RECEIPT_1} has no line 9; its lines are 1`)
    // The next receipt number continues after the stored ones.
    expect((await again.view()).transactionId).toBe('T-0042-01-20261126-000002')
    await again.close()
    // --reset starts afresh.
    expect((await run((await newBackend(dataDir, true)).backend, 'rp')).message).toMatch(/No receipt yet/)
  })
  it('after a restart shows the member the same standing and never reuses a receipt number, even a voided one', async () => {
    const { backend, dataDir } = await newBackend()
    await run(backend, '2900000000018')
    await run(backend, pasta.sku)
    await run(backend, 'q 6')
    await run(backend, 'p card')
    await run(backend, '2900000000018')
    const before = (await backend.view()).customer
    await run(backend, yogurt.sku)
    const voided = await run(backend, 'vt')
    expect(voided.view.transactionId).toBe('T-0042-01-20261126-000003')
    await backend.close()
    const again = (await newBackend(dataDir)).backend
    expect((await again.view()).transactionId).toBe('T-0042-01-20261126-000003')
    const after = (await run(again, '2900000000018')).view.customer
    expect(after).toEqual(before)
    expect(after?.tierProgress?.spend).toBeGreaterThan(0)
  })
  it('finds products by name, brand or category, and lists samples that really scan', async () => {
    const { backend } = await newBackend()
    const found = await run(backend, 'f yogurt')
    expect(found.level).toBe('info')
    expect(found.help?.length).toBeGreaterThan(0)
    const first = backend.search('yogurt')[0]!
    expect((await run(backend, first.barcode)).view.lines[0]?.name).toBe(first.name)
    expect((await run(backend, 'f zzzz-nothing')).level).toBe('error')
    expect((await run(backend, 'f')).level).toBe('error')
    for (const sample of backend.samples().filter((l) => /^\d{13} /.test(l))) {
      const scanned = await run(backend, sample.slice(0, 13))
      expect(scanned.level, sample).toBe('info')
    }
  })
  it("spends a member's points on a voucher that pays part of the sale, once, with the receipt and the ledger agreeing", async () => {
    const { backend } = await newBackend()
    expect((await run(backend, 'rw')).message).toMatch(/Scan the member card first/)
    const shop = backend.shop
    let rich: string | undefined
    for (const m of shop.members) {
      const b = await shop.loyalty.balance(shop.accountOf(m), clock.now())
      if (b._tag === 'Right' && b.right.available >= 500) {
        rich = m.card
        break
      }
    }
    expect(rich, 'a seeded member with 500 points').toBeDefined()
    await run(backend, rich!)
    const before = (await backend.view()).customer!.pointsBalance
    const listed = await run(backend, 'rw')
    expect(listed.help?.some((l) => l.startsWith('voucher-5'))).toBe(true)
    expect((await run(backend, 'rw nope')).message).toMatch(/No reward nope/)
    await run(backend, pasta.sku)
    await run(backend, 'q 10')
    const taken = await run(backend, 'rw voucher-5')
    expect(taken.level).toBe('info')
    expect(taken.message).toMatch(/500 points spent, 5,00/)
    const paid = await run(backend, 'p card')
    expect(paid.level).toBe('info')
    const stored = await shop.store.findClose(
      paid.view.transactionId.replace(/\d{6}$/, (n) => String(Number(n) - 1).padStart(6, '0')),
    )
    expect(stored?.receipt.tenders).toContainEqual({ type: 'voucher', amount: 500 })
    expect(stored?.receipt.tenders.reduce((s, t) => s + t.amount, 0)).toBe(stored?.receipt.total)
    await run(backend, rich!)
    const after = (await backend.view()).customer!.pointsBalance
    expect(before - after).toBe(500)
  })
  it('asks before quitting with items on the sale; quit! leaves it open, resumed at the next start', async () => {
    const { backend } = await newBackend()
    expect((await run(backend, 'quit')).quit).toBe(true)
    await run(backend, yogurt.sku)
    const asked = await run(backend, 'quit')
    expect(asked).toMatchObject({ level: 'error' })
    expect(asked.quit).toBeUndefined()
    expect(asked.message).toMatch(/1 item\(s\) are on this sale: pay or void it \(vt\) first, or type quit!/)
    expect((await run(backend, 'quit!')).quit).toBe(true)
  })
  it('creates its data folder when it does not exist yet', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'tessera-till-'))
    const { backend } = await newBackend(join(parent, 'new', 'folder'))
    expect((await backend.view()).transactionId).toBe(RECEIPT_1)
    dirs.push(parent)
  })
  it('refuses a bad terminal id', async () => {
    const opened = await openCheckoutBackend({ dataDir: mkdtempSync(join(tmpdir(), 'tessera-till-')), terminalId: '7' })
    expect(opened._tag === 'Left' && opened.left.message).toMatch(/^terminalId: must be two digits/)
  })
})
