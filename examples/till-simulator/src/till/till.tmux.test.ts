import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fixedClock } from '@tessera/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateCatalog, withCheckDigit } from '../store/catalog.js'
import { openCheckoutBackend } from './checkoutBackend.js'
import { parseCommand, runCommand } from './commands.js'

/**
 * The interactive till, end to end, in a real pseudo-terminal: tmux runs `till.tsx` on a SQLite
 * data folder, the test types into it with `send-keys` and reads the screen with `capture-pane`.
 * Needs `tmux` (`apt-get install -y tmux`).
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const SESSION = `tessera-till-${process.pid}-${Date.now()}`
const MEMBERS = 60
const catalog = generateCatalog('tessera-demo-catalog')
const yogurt = catalog.products.find((p) => p.categories.includes('dairy/yogurt'))!
const pasta = catalog.products.find((p) => p.categories.includes('grocery/pasta'))!
const sauce = catalog.products.find((p) => p.categories.includes('grocery/sauces') && p.unit === 'each')!
const rivalOf = (competitor: string) => catalog.products.find((p) => p.brand === competitor && p.unit === 'each')

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
const screen = () => tmux('capture-pane', '-p', '-t', SESSION)
/** Polls the screen until `test` holds, or fails with the last screen after `timeoutMs`. */
const waitFor = async (test: (text: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> => {
  const until = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < until) {
    last = screen()
    if (test(last)) return last
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`)
}
const type = (text: string) => {
  tmux('send-keys', '-t', SESSION, '-l', text)
  tmux('send-keys', '-t', SESSION, 'Enter')
}

// The README's command, from the repository root (`pnpm till`), with this test's data folder.
// ink draws only its last frame when it sees CI in the environment (is-in-ci); a person at a
// till is not CI, so the till runs without it.
const startTill = async (at = '2026-11-26T10:15:00+01:00') => {
  const command = [
    'env -u CI -u CONTINUOUS_INTEGRATION pnpm --silent till',
    `--data-dir ${dataDirOf.current} --members ${MEMBERS} --at ${at}`,
  ].join(' ')
  // `sleep` keeps the pane after the till exits, so a test can see it exit and read its last screen.
  tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '50', '-c', ROOT, `${command}; sleep 60`)
  await waitFor((s) => s.includes('Ready'), 'the till to open', 60_000)
}
const dataDirOf = { current: '' }

describe('the till in a terminal (tmux)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-tmux-till-'))
  dataDirOf.current = dataDir
  let card = ''
  let code = ''
  let probes = 0
  let rival = catalog.products[0]!
  let ours = ''

  beforeAll(async () => {
    // Yesterday at this till: a member bought pasta and took a signed sauce coupon home.
    const yesterday = await openCheckoutBackend({
      dataDir,
      reset: true,
      clock: fixedClock('2026-11-25T16:00:00Z'),
      members: MEMBERS,
    })
    if (yesterday._tag === 'Left') throw new Error(yesterday.left.message)
    const till = yesterday.right
    const run = (line: string) => runCommand(till, parseCommand(line)!)
    for (let i = 1; i <= MEMBERS && card === ''; i++) {
      const candidate = withCheckDigit(`2900${String(i).padStart(8, '0')}`)
      await run(candidate)
      await run(pasta.sku)
      if ((await till.view()).couponsPreview.length > 0) {
        const paid = await run('p card')
        const closed = await till.shop.store.findClose(paid.message.split(' ').at(-1) ?? '')
        code = closed?.receipt.coupons[0]?.code ?? ''
        card = candidate
      } else await run('vt')
    }
    await till.close()
    expect(code).toMatch(/^TSR1\./)
    // Today this member also buys a competitor's brand: find one whose conquest coupon they get
    // (each conquest campaign holds out 15 % of members).
    const today = await openCheckoutBackend({ dataDir, clock: fixedClock('2026-11-26T09:15:00Z'), members: MEMBERS })
    if (today._tag === 'Left') throw new Error(today.left.message)
    const probe = (line: string) => runCommand(today.right, parseCommand(line)!)
    for (const pair of catalog.competitorPairs) {
      const product = rivalOf(pair.competitor)
      if (product === undefined) continue
      probes++
      await probe(card)
      await probe(product.sku)
      const issues = (await today.right.view()).couponsPreview.length > 0
      await probe('vt')
      if (issues) {
        rival = product
        ours = pair.ours
        break
      }
    }
    // The member has saved up for a voucher (a complaint credited 600 points this morning).
    const credited = await today.right.shop.loyalty.post({
      kind: 'adjust',
      key: 'tmux-test/credit',
      at: Date.parse('2026-11-26T08:00:00Z'),
      account: { card },
      points: 600,
      reason: 'complaint #7: credited by the store manager',
    })
    expect(credited._tag).toBe('Right')
    await today.right.close()
    expect(ours, `member ${card} gets a conquest coupon`).not.toBe('')

    await startTill()
  }, 120_000)

  afterAll(() => {
    try {
      tmux('kill-session', '-t', SESSION)
    } catch {
      // Already gone (the till quit).
    }
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('scans items and a card, takes a code, shows a discount and a nudge, pays, and prints a checkout coupon', async () => {
    type(card)
    await waitFor((s) => s.includes(`Card ${card}`), 'the card')
    type(sauce.sku)
    await waitFor((s) => s.includes(sauce.name.slice(0, 20)), 'the sauce line')
    type(`c ${code}`)
    await waitFor((s) => /Coupon TSR1\.\S* accepted/.test(s), 'the coupon to be accepted')
    type(yogurt.sku)
    type('q 2')
    await waitFor((s) => s.includes('Add 1 more yogurt'), 'the nudge')
    type(rival.sku)
    type('s')
    const subtotal = await waitFor((s) => /Subtotal [\d,]+ €, saved [\d,]+ €/.test(s), 'the subtotal with a saving')
    expect(subtotal).toContain('Coupon: sauce -30%')
    expect(subtotal).toContain('Add 1 more yogurt: the third is free')
    type('p card')
    const receipt = await waitFor((s) => s.includes('YOUR COUPON') || /Thank you/.test(s), 'the receipt')
    // Every probe sale of this morning was voided: their numbers are never given again.
    const number = String(probes + 1).padStart(6, '0')
    expect(receipt).toMatch(new RegExp(`Paid [\\d,]+ € by card\\. Receipt T-0042-01-20261126-${number}`))
    expect(receipt).toContain('YOUR COUPON')
    expect(receipt).toContain(`Try ${ours}`)
    expect(receipt).toMatch(/TSR1\.DEMO\./)
  }, 60_000)

  it("finds a product by name, and lists the member's rewards with their cost in points", async () => {
    type('f yogurt')
    const found = await waitFor((s) => /product\(s\) for "yogurt"/.test(s), 'the search results')
    // Each result is a barcode to scan, then the product and its price.

    expect(found).toMatch(/\d{13} {2}\S.* [\d,]+ €/)
    type(card)
    await waitFor((s) => s.includes(`Card ${card}`) && s.includes('Rewards') === false, 'the card again')
    type('rw')
    const rewards = await waitFor((s) => s.includes('Rewards (rw ID to take one)'), 'the reward catalogue')
    expect(rewards).toMatch(/voucher-5 +500 points/)
  }, 60_000)

  it('spends points on a voucher, will not quit with items on the sale, and after a restart shows the same standing', async () => {
    type(card)
    await waitFor((s) => s.includes(`Card ${card}`), 'the card')
    type(yogurt.sku)
    type('q 4')
    type('rw voucher-5')
    await waitFor((s) => /voucher-5: 500 points spent, 5,00 € off what is due/.test(s), 'the voucher')
    type('quit')
    await waitFor((s) => /item\(s\) are on this sale: pay or void it \(vt\) first/.test(s), 'the refusal to quit')
    type('p card')
    await waitFor((s) => /Paid [\d ,]+ € by card/.test(s), 'the payment')
    type(card)
    const before = await waitFor((s) => /Points \d+/.test(s) && s.includes(`Card ${card}`), 'the standing')
    const standing = (screenText: string) => ({
      points: /Points (\d+)/.exec(screenText)?.[1],
      toNext: /([\d ]+,\d\d €) to (\w+)/.exec(screenText)?.slice(1),
      lifecycle: /Tier \S+ · (\w+)/.exec(screenText)?.[1],
    })
    type('quit')
    await waitFor(
      () => tmux('list-panes', '-t', SESSION, '-F', '#{pane_current_command}').trim() === 'sleep',
      'the till to exit',
    )
    tmux('kill-session', '-t', SESSION)
    // Half an hour later (the till clock runs from --at), the till starts again on the same folder.
    await startTill('2026-11-26T10:45:00+01:00')
    type(card)
    const after = await waitFor((s) => /Points \d+/.test(s) && s.includes(`Card ${card}`), 'the standing again')
    expect(standing(after)).toEqual(standing(before))
    expect(standing(after).points).toBeDefined()
  }, 90_000)
})
