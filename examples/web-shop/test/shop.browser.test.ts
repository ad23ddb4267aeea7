import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebShop } from '../src/server/shop.js'
import { ARTIFACTS, api, startTestShop } from './harness.js'

/**
 * A shopper's visit, in Debian's Chromium: yogurts until the "3 for 2" nudge offers to add the
 * third, which makes it free; a mistyped and an unknown code refused with the reason in words, the
 * flyer code accepted once the cart is worth it; sign-in with a loyalty card (points, tier
 * progress, offers); the checkout; then the card's points read back through Tessera's API.
 */

const SHOTS = join(ARTIFACTS, 'browser')

/** The euros of a "€12.34" on the page, in cents (parsed as integers). */
const cents = (text: string | null): number => {
  const m = /(−|-)?€(\d+)\.(\d{2})/.exec(text ?? '')
  if (m === null) throw new Error(`no amount in ${JSON.stringify(text)}`)
  return (m[1] !== undefined ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3]))
}

/** A typo of a code: its check character (the last) replaced by another symbol. */
const typoOf = (code: string) => `${code.slice(0, -1)}${code.endsWith('2') ? '3' : '2'}`

describe('the web shop in a browser', () => {
  let shop: WebShop
  let closeShop: () => Promise<void>
  let browser: BrowserContext
  let userDataDir: string
  let page: Page
  const errors: string[] = []

  beforeAll(async () => {
    const started = await startTestShop()
    shop = started.shop
    closeShop = started.close
    userDataDir = mkdtempSync(join(tmpdir(), 'tessera-chromium-'))
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
      viewport: { width: 1366, height: 900 },
    })
    page = await browser.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(e.message))
    mkdirSync(SHOTS, { recursive: true })
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true })
    await closeShop?.()
  })

  it('prices the cart on every change, follows a nudge, explains refused codes, signs in and checks out', async () => {
    const member = shop.demoCards.find((c) => c.tier === 'silver') ?? shop.demoCards[0]
    if (member === undefined) throw new Error('the shop printed no demo card')
    const flyer = shop.flyerCodes[0] as string
    await page.goto(shop.url)
    await page.waitForFunction('window.__shopReady === true', null, { timeout: 15_000 })
    await expect(page.locator('.product').count()).resolves.toBeGreaterThan(20)

    // 1. Yogurts until a nudge can be followed: with one yogurt it asks for two more (the trigger
    // counts 2, the reward needs 3); following it makes the third free.
    const yogurt = page.locator('#shelf-dairy-yogurt .product').first()
    const yogurtName = (await yogurt.locator('.product-name').textContent()) as string
    const yogurtPrice = cents(await yogurt.locator('.price').textContent())
    const follow = page.getByTestId('follow-nudge')
    let added = 0
    while ((await follow.count()) === 0 && added < 4) {
      const priced = page.waitForResponse((r) => r.url().endsWith('/shop/api/price') && r.ok())
      await yogurt.getByRole('button', { name: /^Add / }).click()
      added++
      await priced
      await expect.poll(() => page.locator('[data-line] [data-testid="qty"]').first().textContent()).toBe(String(added))
    }
    expect(added).toBe(1)
    const nudge = page.locator('[data-testid="nudge"][data-campaign="yogurt-3-for-2"]')
    await expect(nudge.textContent()).resolves.toContain('the third is free')
    await expect(follow.first().textContent()).resolves.toContain(yogurtName)
    await page.screenshot({ path: join(SHOTS, '1-nudge.png'), fullPage: false })
    await follow.first().click()
    await page.getByTestId('line-discount').first().waitFor()
    await expect(page.getByTestId('line-discount').first().textContent()).resolves.toContain('Yogurts 3 for 2')
    expect(cents(await page.getByTestId('discount-total').textContent())).toBe(-yogurtPrice)
    expect(cents(await page.getByTestId('total').textContent())).toBe(2 * yogurtPrice)
    await expect(page.locator('[data-campaign="yogurt-3-for-2"]').count()).resolves.toBe(0)

    // 2. Codes: a typo and an unknown code are refused with their reason, in the shopper's words.
    const applyCode = async (code: string) => {
      await page.locator('#code-input').fill(code)
      await page.locator('#code-form button').click()
      await expect.poll(() => page.getByTestId('code-note').textContent()).not.toContain('Checking')
      return (await page.getByTestId('code-note').textContent()) as string
    }
    expect(await applyCode(typoOf(flyer))).toContain('This code has a typo')
    expect(await applyCode('SPRING-SALE')).toContain('We do not know this code')
    await expect(page.locator('.code-note.refused').count()).resolves.toBe(1)
    await page.screenshot({ path: join(SHOTS, '2-code-refused.png') })
    await expect(page.locator('.chip').count()).resolves.toBe(0)
    // The flyer code is good, but its offer starts at 25 €: the page says how much is missing.
    expect(await applyCode(flyer)).toMatch(/Your code is valid: spend €\d+\.\d\d more \(from €25\.00\)/)
    await page.screenshot({ path: join(SHOTS, '3-code-pending.png') })
    // Coffee until the cart is worth 25 €: the code's 5 € come off without typing it again.
    const coffee = page.locator('#shelf-grocery-coffee .product').first()
    for (let i = 0; i < 12 && cents(await page.getByTestId('total').textContent()) < 2600; i++) {
      const before = await page.getByTestId('subtotal').textContent()
      await coffee.getByRole('button', { name: /^Add / }).click()
      await expect.poll(() => page.getByTestId('subtotal').textContent()).not.toBe(before)
    }
    await expect.poll(() => page.getByTestId('code-note').textContent()).toContain('Code applied')
    await expect(
      page.locator('[data-testid="line-discount"]', { hasText: 'Coupon: 5 € off' }).count(),
    ).resolves.toBeGreaterThan(0)

    // Pasta, for a member's cross-sell coupon at checkout (a sauce next time).
    const subtotal = await page.getByTestId('subtotal').textContent()
    await page.locator('#shelf-grocery-pasta .product').first().getByRole('button', { name: /^Add / }).click()
    await expect.poll(() => page.getByTestId('subtotal').textContent()).not.toBe(subtotal)

    // 3. Sign in with a loyalty card: points, tier and progress as Tessera has them.
    const before = await api(shop, 'GET', `/v1/cards/${member.card}`)
    expect(before.status).toBe(200)
    const balanceBefore = before.body.balance as { available: number; pending: number }
    await page.locator('#card-input').fill(member.card)
    await page.locator('#signin-button').click()
    await page.getByTestId('member').waitFor()
    await expect(page.getByTestId('member').textContent()).resolves.toContain(`Hello, ${member.name}`)
    await expect(page.getByTestId('points-available').textContent()).resolves.toBe(String(balanceBefore.available))
    await expect(page.getByTestId('tier').textContent()).resolves.toBe('Silver')
    await expect(page.getByTestId('tier-progress').textContent()).resolves.toMatch(/more to reach gold/)
    await expect.poll(() => page.getByTestId('points-preview').count()).toBe(1)
    const preview = Number(await page.getByTestId('points-preview').textContent())
    expect(preview).toBeGreaterThan(0)
    await expect(page.locator('.points-preview').textContent()).resolves.toContain('and a coupon: Your next sauce -30%')
    await page.locator('details summary').click()
    await expect(page.getByTestId('offer').count()).resolves.toBeGreaterThan(0)
    const total = cents(await page.getByTestId('total').textContent())
    await page.screenshot({ path: join(SHOTS, '4-signed-in-cart.png') })

    // 4. Checkout: paid, points earned, the coupon for next time if the campaigns issue one.
    await page.getByTestId('checkout').click()
    await page.getByTestId('thanks').waitFor()
    const earned = Number(await page.getByTestId('points-earned').textContent())
    expect(earned).toBe(preview)
    await expect(page.getByTestId('thanks').textContent()).resolves.toContain(
      `${(total / 100).toFixed(2).replace(/^/, '€')}`,
    )
    // The coupon for next time, signed for this card, with its QR code drawn by bwip-js.
    await expect(page.getByTestId('coupon').count()).resolves.toBe(1)
    await expect(page.getByTestId('coupon').textContent()).resolves.toContain('Your next sauce -30%')
    await page.locator('.qr svg').first().waitFor()
    const couponCode = (await page.getByTestId('coupon-code').textContent()) as string
    const coupon = await api(shop, 'POST', '/v1/codes/validate', { code: couponCode, card: member.card })
    expect(coupon.body).toMatchObject({ accepted: true })
    await page.screenshot({ path: join(SHOTS, '5-thank-you.png') })

    // 5. Through Tessera's API: the points are on the card (pending 14 days), the flyer code is used.
    const after = await api(shop, 'GET', `/v1/cards/${member.card}`)
    const balanceAfter = after.body.balance as { available: number; pending: number }
    expect(balanceAfter.pending - balanceBefore.pending).toBe(earned)
    expect(balanceAfter.available).toBe(balanceBefore.available)
    const used = await api(shop, 'POST', '/v1/codes/validate', { code: flyer, card: member.card })
    expect(used.body).toMatchObject({ accepted: false, reason: 'ALREADY_REDEEMED' })
    // The page read the card again after the checkout.
    await expect.poll(() => page.getByTestId('points-pending').textContent()).toBe(String(balanceAfter.pending))
    expect(errors).toEqual([])

    // 6. A new order, and someone guessing codes: after 10 wrong ones a minute the server's guard
    // refuses codes for a while (429); the page says so and the cart is still priced.
    await page.locator('#new-order').click()
    await yogurt.getByRole('button', { name: /^Add / }).click()
    await page.getByTestId('total').waitFor()
    let note = ''
    for (let i = 0; i < 12 && !note.includes('Too many'); i++) note = await applyCode(`GUESS-${i}`)
    expect(note).toContain('Too many wrong codes were tried')
    expect(cents(await page.getByTestId('total').textContent())).toBe(yogurtPrice)
    // Chromium logs the refused request itself; nothing else went wrong.
    expect(errors.filter((e) => !e.includes('status of 429'))).toEqual([])
    // The shop hands on the server's Retry-After: this shopper (127.0.0.1) is blocked for a while.
    const refused = await fetch(`${shop.url}/shop/api/price`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cart: [], codes: ['GUESS-X'] }),
    })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)

    // 7. Another shopper (another address, behind the shop's proxy) is not locked out by the guesser:
    // a wrong code is refused with its reason, a flyer code is valid.
    const other = await browser.newPage()
    await other.setExtraHTTPHeaders({ 'x-forwarded-for': '198.51.100.9' })
    const otherErrors: string[] = []
    other.on('console', (m) => {
      if (m.type() === 'error') otherErrors.push(m.text())
    })
    await other.goto(shop.url)
    await other.waitForFunction('window.__shopReady === true', null, { timeout: 15_000 })
    await other.locator('#shelf-dairy-yogurt .product').first().getByRole('button', { name: /^Add / }).click()
    await other.getByTestId('total').waitFor()
    const applyOther = async (code: string) => {
      await other.locator('#code-input').fill(code)
      await other.locator('#code-form button').click()
      await expect.poll(() => other.getByTestId('code-note').textContent()).not.toContain('Checking')
      return (await other.getByTestId('code-note').textContent()) as string
    }
    expect(await applyOther('SPRING-SALE')).toContain('We do not know this code')
    expect(await applyOther(shop.flyerCodes[1] as string)).toMatch(/Your code is valid/)
    await other.screenshot({ path: join(SHOTS, '6-other-shopper.png') })
    expect(otherErrors).toEqual([])
    await other.close()
  })

  it('never hands the API key to the page', async () => {
    const html = await (await fetch(shop.url)).text()
    const scripts = [...html.matchAll(/src="([^"]+\.js)"/g)].map((m) => m[1] as string)
    expect(scripts.length).toBeGreaterThan(0)
    for (const s of scripts) expect(await (await fetch(`${shop.url}${s}`)).text()).not.toContain(shop.apiKey)
    // Tessera's routes refuse the page's requests: it has no key.
    const price = await fetch(`${shop.url}/v1/price`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(price.status).toBe(401)
  })
})
