import './style.css'
import { codeRefusal, euros, notYetApplied, REWARD_NAMES, tierName } from './words.js'

/*
 * The cart page: no framework, one state object and a render per change. Every change of the cart
 * (a line, a code, the card) prices it again through the shop's `/shop/api/price`, which builds
 * the basket from the catalogue and asks Tessera; the page only shows what comes back.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

interface Product {
  readonly sku: string
  readonly name: string
  readonly brand: string
  readonly unitPrice: number
  readonly tags: readonly string[]
}
interface Shelf {
  readonly id: string
  readonly title: string
  readonly products: readonly Product[]
}
interface Reason {
  readonly code: string
  readonly required?: unknown
  readonly actual?: unknown
}
interface CartView {
  readonly lines: readonly {
    lineId: string
    sku: string
    name: string
    quantity: number
    unitPrice: number
    amount: number
    discount: number
    net: number
    discounts: readonly { campaignId: string; label: string; amount: number }[]
  }[]
  readonly subtotal: number
  readonly discountTotal: number
  readonly total: number
  readonly gifts: readonly { sku: string; name: string; quantity: number }[]
  readonly nudges: readonly {
    campaignId: string
    message: string
    follow?: { sku: string; name: string; quantity: number }
  }[]
  readonly codes: readonly { code: string; accepted: boolean; reason?: string; applied?: boolean; reasons?: Reason[] }[]
  readonly points: number
  readonly coupons: readonly { label: string }[]
  readonly discounts: readonly { campaignId: string; label: string; amount: number }[]
  readonly warnings: readonly string[]
}
interface CardInfo {
  readonly card: string
  readonly name?: string
  readonly balance: { available: number; pending: number; reserved: number }
  readonly tier: { current?: string; next?: string; message: string; spent?: number; threshold?: number }
  readonly rewards: readonly { id: string; cost: number; affordable: boolean }[]
  readonly offers: readonly { campaignId: string; name: string }[]
}
interface Thanks {
  readonly transactionId: string
  readonly total: number
  readonly savings: number
  readonly points: { earned: number; pendingUntil?: string; balance?: { available: number; pending: number } }
  readonly coupons: readonly { label: string; code: string; validUntil: string; barcode: { qrcode: string } }[]
  readonly card?: string
}
interface Problem {
  readonly status: number
  readonly code?: string
  readonly detail?: string
  readonly errors?: readonly { path: string; reason: string }[]
}

interface State {
  shelves: readonly Shelf[]
  cart: { sku: string; quantity: number }[]
  codes: string[]
  /** The last code typed and what became of it. */
  codeNote: { code: string; text: string; kind: 'ok' | 'pending' | 'refused' } | undefined
  card: CardInfo | undefined
  view: CartView | undefined
  busy: boolean
  error: string | undefined
  /** One per checkout attempt of this cart: a retry after a lost answer books once. */
  checkoutKey: string | undefined
}

const state: State = {
  shelves: [],
  cart: [],
  codes: [],
  codeNote: undefined,
  card: undefined,
  view: undefined,
  busy: false,
  error: undefined,
  checkoutKey: undefined,
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────

const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)

const call = async <A>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
  const answer = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const json = (await answer.json()) as unknown
  return answer.ok ? ({ ok: true, value: json as A } as const) : ({ ok: false, problem: json as Problem } as const)
}

const problemText = (p: Problem) =>
  p.errors !== undefined && p.errors.length > 0
    ? p.errors.map((e) => `${e.path}: ${e.reason}`).join('; ')
    : (p.detail ?? `error ${p.status}`)

// ── actions ──────────────────────────────────────────────────────────────────────────────────────

let pricing = 0

/** Prices the cart again (the latest answer wins) and renders. */
const reprice = async () => {
  const mine = ++pricing
  state.busy = true
  state.checkoutKey = undefined
  renderCart()
  const priced = await call<CartView>('POST', '/shop/api/price', {
    cart: state.cart,
    ...(state.codes.length > 0 ? { codes: state.codes } : {}),
    ...(state.card !== undefined ? { card: state.card.card } : {}),
  })
  if (mine !== pricing) return
  state.busy = false
  if (!priced.ok && priced.problem.status === 429 && state.codes.length > 0) {
    // The brute-force guard: codes are refused for a while; the cart is priced without them.
    state.codeNote = {
      code: state.codes.join(', '),
      kind: 'refused',
      text: 'Too many wrong codes were tried: wait a minute, then type yours again.',
    }
    state.codes = []
    void reprice()
    return
  }
  if (!priced.ok) {
    state.error = problemText(priced.problem)
    renderCart()
    return
  }
  state.error = undefined
  state.view = priced.value
  // A refused code is taken out of the cart, with the reason shown where it was typed.
  for (const c of priced.value.codes) {
    if (!c.accepted) {
      state.codes = state.codes.filter((x) => x !== c.code)
      state.codeNote = { code: c.code, text: codeRefusal(c.reason), kind: 'refused' }
    } else if (state.codeNote?.code === c.code) {
      state.codeNote = {
        code: c.code,
        kind: c.applied === true ? 'ok' : 'pending',
        text: c.applied === true ? 'Code applied.' : notYetApplied(c.reasons ?? []),
      }
    }
  }
  renderCart()
}

const setQuantity = (sku: string, quantity: number) => {
  const line = state.cart.find((l) => l.sku === sku)
  if (quantity <= 0) state.cart = state.cart.filter((l) => l.sku !== sku)
  else if (line !== undefined) line.quantity = Math.min(99, quantity)
  else state.cart.push({ sku, quantity: Math.min(99, quantity) })
  void reprice()
}

const add = (sku: string, quantity = 1) =>
  setQuantity(sku, (state.cart.find((l) => l.sku === sku)?.quantity ?? 0) + quantity)

const applyCode = (typed: string) => {
  const code = typed.trim().toUpperCase()
  if (code === '') return
  if (!state.codes.includes(code)) state.codes.push(code)
  state.codeNote = { code, text: 'Checking…', kind: 'pending' }
  void reprice()
}

const signIn = async (card: string) => {
  const found = await call<CardInfo>('GET', `/shop/api/cards/${encodeURIComponent(card.trim())}`)
  if (!found.ok) {
    renderMember(
      found.problem.status === 404
        ? 'We do not know this card number. Check it on the back of your card.'
        : problemText(found.problem),
    )
    return
  }
  state.card = found.value
  renderMember()
  void reprice()
}

const refreshCard = async () => {
  if (state.card === undefined) return
  const found = await call<CardInfo>('GET', `/shop/api/cards/${state.card.card}`)
  if (found.ok) state.card = found.value
  renderMember()
}

const checkout = async () => {
  state.checkoutKey ??= crypto.randomUUID()
  state.busy = true
  renderCart()
  const done = await call<Thanks>(
    'POST',
    '/shop/api/checkout',
    {
      cart: state.cart,
      ...(state.codes.length > 0 ? { codes: state.codes } : {}),
      ...(state.card !== undefined ? { card: state.card.card } : {}),
    },
    { 'idempotency-key': state.checkoutKey },
  )
  state.busy = false
  if (!done.ok) {
    state.error = problemText(done.problem)
    renderCart()
    return
  }
  renderCart()
  renderThanks(done.value)
  await refreshCard()
}

const newOrder = () => {
  state.cart = []
  state.codes = []
  state.codeNote = undefined
  state.view = undefined
  state.checkoutKey = undefined
  $('thanks').hidden = true
  void reprice()
}

// ── rendering ────────────────────────────────────────────────────────────────────────────────────

const renderShelves = () => {
  $('shelves').innerHTML = state.shelves
    .map(
      (s) => `<section class="shelf" id="shelf-${s.id}">
        <h2>${esc(s.title)}</h2>
        <ul class="products">${s.products
          .map(
            (p) => `<li class="product" data-sku="${p.sku}">
              <div class="product-name">${esc(p.name)}</div>
              <div class="product-brand">${esc(p.brand)}${p.tags.includes('organic') ? ' · <span class="tag">organic</span>' : ''}</div>
              <div class="product-foot"><span class="price">${euros(p.unitPrice)}</span>
                <button class="add" data-add="${p.sku}" aria-label="Add ${esc(p.name)}">Add</button></div>
            </li>`,
          )
          .join('')}</ul>
      </section>`,
    )
    .join('')
}

const renderCart = () => {
  const v = state.view
  const lines = v?.lines ?? []
  const codeNote = state.codeNote
  $('cart').innerHTML = `
    <h2>Your cart ${state.busy ? '<span class="spinner" aria-label="pricing"></span>' : ''}</h2>
    ${
      lines.length === 0
        ? '<p class="empty">Your cart is empty. Add something from the shelves.</p>'
        : `<ul class="lines">${lines
            .map(
              (l) => `<li class="line" data-line="${l.sku}">
                <div class="line-head"><span class="line-name">${esc(l.name)}</span>
                  <span class="line-amount">${l.discount > 0 ? `<s>${euros(l.amount)}</s> ` : ''}<strong>${euros(l.net)}</strong></span></div>
                <div class="line-qty">
                  <button data-dec="${l.sku}" aria-label="One less">−</button><span class="qty" data-testid="qty">${l.quantity}</span><button data-inc="${l.sku}" aria-label="One more">+</button>
                  <span class="unit">× ${euros(l.unitPrice)}</span></div>
                ${l.discounts.map((d) => `<div class="line-discount" data-testid="line-discount">${esc(d.label)} <span>${euros(-d.amount)}</span></div>`).join('')}
              </li>`,
            )
            .join('')}</ul>`
    }
    ${(v?.gifts ?? []).map((g) => `<div class="gift" data-testid="gift"><span class="badge">Free</span>${esc(g.name)} × ${g.quantity}</div>`).join('')}
    ${
      (v?.nudges ?? []).length > 0
        ? `<div class="nudges">${(v?.nudges ?? [])
            .map(
              (n) => `<div class="nudge" data-testid="nudge" data-campaign="${esc(n.campaignId)}">
                <span><span class="badge">Tip</span>${esc(n.message)}</span>
                ${n.follow !== undefined ? `<button class="follow" data-testid="follow-nudge" data-follow="${n.follow.sku}" data-qty="${n.follow.quantity}">Add ${n.follow.quantity > 1 ? `${n.follow.quantity} × ` : ''}${esc(n.follow.name)}</button>` : ''}
              </div>`,
            )
            .join('')}</div>`
        : ''
    }
    <form id="code-form" class="code-form" autocomplete="off">
      <input id="code-input" placeholder="Promo or coupon code" aria-label="Promo or coupon code" />
      <button type="submit">Apply</button>
    </form>
    ${codeNote !== undefined ? `<p class="code-note ${codeNote.kind}" data-testid="code-note"><strong>${esc(codeNote.code)}</strong>: ${esc(codeNote.text)}</p>` : ''}
    ${state.codes.length > 0 ? `<div class="codes">${state.codes.map((c) => `<span class="chip">${esc(c)} <button data-remove-code="${esc(c)}" aria-label="Remove code">×</button></span>`).join('')}</div>` : ''}
    ${
      v !== undefined && lines.length > 0
        ? `<dl class="totals">
            <dt>Subtotal</dt><dd data-testid="subtotal">${euros(v.subtotal)}</dd>
            ${v.discountTotal > 0 ? `<dt>You save</dt><dd class="save" data-testid="discount-total">${euros(-v.discountTotal)}</dd>` : ''}
            <dt class="grand">Total</dt><dd class="grand" data-testid="total">${euros(v.total)}</dd>
          </dl>
          ${
            state.card !== undefined
              ? `<p class="points-preview">You will earn <strong data-testid="points-preview">${v.points}</strong> points${v.coupons.length > 0 ? ` and a coupon: ${v.coupons.map((c) => esc(c.label)).join(', ')}` : ''}.</p>`
              : '<p class="points-preview">Sign in with your loyalty card to earn points on this order.</p>'
          }
          <button id="checkout" class="checkout" data-testid="checkout" ${state.busy ? 'disabled' : ''}>Pay ${euros(v.total)}</button>`
        : ''
    }
    ${state.error !== undefined ? `<p class="error" role="alert">${esc(state.error)}</p>` : ''}
  `
  renderOffers()
}

const renderOffers = () => {
  const box = document.getElementById('offers')
  if (box === null) return
  const offers = state.card?.offers ?? []
  const applied = new Set((state.view?.discounts ?? []).map((d) => d.campaignId))
  box.innerHTML =
    offers.length === 0
      ? '<li class="muted">No member offer today.</li>'
      : offers
          .map(
            (o) =>
              `<li data-testid="offer" class="${applied.has(o.campaignId) ? 'in-cart' : ''}">${esc(o.name)}${applied.has(o.campaignId) ? ' <small class="tag">· in your cart</small>' : ''}</li>`,
          )
          .join('')
}

const renderMember = (error?: string) => {
  const box = $('member')
  const form = $('signin')
  const c = state.card
  if (c === undefined) {
    box.hidden = error === undefined
    form.hidden = false
    box.innerHTML =
      error !== undefined ? `<p class="error" role="alert" data-testid="signin-error">${esc(error)}</p>` : ''
    return
  }
  form.hidden = true
  box.hidden = false
  const share =
    c.tier.spent !== undefined && c.tier.threshold
      ? Math.min(100, Math.round((c.tier.spent * 100) / c.tier.threshold))
      : 100
  box.innerHTML = `
    <div class="member-card" data-testid="member">
      <div class="member-head"><strong>Hello${c.name !== undefined ? `, ${esc(c.name)}` : ''}</strong>
        <span class="tier tier-${esc(c.tier.current ?? 'member')}" data-testid="tier">${esc(tierName(c.tier.current))}</span>
        <button id="signout" class="link">Sign out</button></div>
      <div class="member-points"><span data-testid="points-available">${c.balance.available}</span> points
        <small>(+<span data-testid="points-pending">${c.balance.pending}</span> pending)</small></div>
      <div class="progress" title="${esc(c.tier.message)}"><div class="bar" style="width:${share}%"></div></div>
      <small class="progress-text" data-testid="tier-progress">${esc(c.tier.message || 'Top tier reached')}</small>
      <details><summary>Your offers and rewards</summary>
        <ul id="offers" class="offers"></ul>
        <strong class="small-title">What your points buy</strong>
        <ul class="rewards">${c.rewards
          .map(
            (r) =>
              `<li class="${r.affordable ? 'affordable' : 'muted'}">${esc(REWARD_NAMES[r.id] ?? r.id)} for ${r.cost} points${r.affordable ? ' · ask at the till' : ''}</li>`,
          )
          .join('')}</ul>
      </details>
    </div>`
  renderOffers()
}

const renderThanks = (t: Thanks) => {
  const box = $('thanks')
  box.hidden = false
  box.innerHTML = `
    <div class="thanks-card" data-testid="thanks">
      <h2>Thank you! Your order is paid.</h2>
      <p>Order <code>${esc(t.transactionId)}</code>: <strong>${euros(t.total)}</strong>${t.savings > 0 ? `, you saved <strong>${euros(t.savings)}</strong>` : ''}.</p>
      ${
        t.card !== undefined
          ? `<p class="earned">You earned <strong data-testid="points-earned">${t.points.earned}</strong> points${t.points.pendingUntil !== undefined ? `, yours to spend from ${esc(t.points.pendingUntil.slice(0, 10))}` : ''}.</p>`
          : '<p>Next time, sign in with your loyalty card to earn points.</p>'
      }
      ${t.coupons
        .map(
          (c, i) => `<div class="coupon" data-testid="coupon">
            <div><strong>${esc(c.label)}</strong><br /><small>valid until ${esc(c.validUntil.slice(0, 10))} · show it at the till or type the code</small></div>
            <div class="qr" id="qr-${i}"></div>
            <code class="coupon-code" data-testid="coupon-code">${esc(c.code)}</code>
          </div>`,
        )
        .join('')}
      <button id="new-order" class="checkout">Continue shopping</button>
    </div>`
  // bwip-js (the till's barcode library) is large: loaded only when there is a coupon to draw.
  if (t.coupons.length > 0)
    void import('bwip-js/browser').then(({ default: bwipjs }) =>
      t.coupons.forEach((c, i) => {
        try {
          $(`qr-${i}`).innerHTML = bwipjs.toSVG({
            bcid: 'qrcode',
            text: c.barcode.qrcode,
            scale: 2,
            eclevel: 'L',
          } as never)
        } catch {
          $(`qr-${i}`).textContent = '(barcode unavailable: use the code)'
        }
      }),
    )
}

// ── events ───────────────────────────────────────────────────────────────────────────────────────

document.addEventListener('click', (e) => {
  const target = (e.target as HTMLElement).closest('button')
  if (target === null) return
  const d = target.dataset
  if (d.add !== undefined) add(d.add)
  else if (d.inc !== undefined) add(d.inc)
  else if (d.dec !== undefined) add(d.dec, -1)
  else if (d.follow !== undefined) add(d.follow, Number(d.qty ?? 1))
  else if (d.removeCode !== undefined) {
    state.codes = state.codes.filter((c) => c !== d.removeCode)
    state.codeNote = undefined
    void reprice()
  } else if (target.id === 'checkout') void checkout()
  else if (target.id === 'new-order') newOrder()
  else if (target.id === 'signout') {
    state.card = undefined
    renderMember()
    void reprice()
  }
})

document.addEventListener('submit', (e) => {
  e.preventDefault()
  const form = e.target as HTMLFormElement
  if (form.id === 'code-form') applyCode(($('code-input') as HTMLInputElement).value)
  else if (form.id === 'signin') void signIn(($('card-input') as HTMLInputElement).value)
})

const start = async () => {
  const catalogue = await call<{ shelves: Shelf[] }>('GET', '/shop/api/catalogue')
  if (!catalogue.ok) {
    $('shelves').textContent = problemText(catalogue.problem)
    return
  }
  state.shelves = catalogue.value.shelves
  renderShelves()
  renderCart()
  ;(window as unknown as { __shopReady: boolean }).__shopReady = true
}

void start()
