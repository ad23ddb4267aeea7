import { parseMoney } from '@tessera/core'
import { kilograms } from '../format.js'
import { renderReceipt } from '../receipt/receipt.js'
import type { TillBackend, TillReturnLine, TillView } from './backend.js'
import { displayMoney, shortCode } from './format.js'

/**
 * The till's command line: what the cashier types (or the scanner sends, followed by Enter),
 * parsed into a command, then run against a {@link TillBackend}. Pure parsing; running only
 * calls the backend.
 */

/** A parsed command. @category till */
export type TillCommand =
  | { readonly kind: 'scan'; readonly barcode: string }
  | { readonly kind: 'quantity'; readonly quantity: number; readonly lineId?: string }
  | { readonly kind: 'code'; readonly code: string }
  | { readonly kind: 'subtotal' }
  | { readonly kind: 'pay'; readonly tender: 'cash' | 'card'; readonly amount?: number }
  | { readonly kind: 'voidLine'; readonly lineId: string }
  | { readonly kind: 'voidTransaction' }
  | { readonly kind: 'return'; readonly receiptId: string; readonly lines?: readonly TillReturnLine[] }
  | { readonly kind: 'reprint'; readonly receiptId?: string }
  | { readonly kind: 'find'; readonly query: string }
  | { readonly kind: 'samples' }
  | { readonly kind: 'rewards'; readonly rewardId?: string }
  | { readonly kind: 'help' }
  | { readonly kind: 'quit'; readonly force?: boolean }

/** A line the till could not understand, and why. @category till */
export interface CommandError {
  readonly kind: 'error'
  readonly message: string
}

/** The command help shown by `help`. @category till */
export const HELP = [
  'BARCODE          scan a product (EAN-13, weighed labels too), a card, or a coupon',
  'q N [LINE]       quantity of the last line (or LINE)',
  'c CODE           apply a coupon code',
  's                subtotal',
  'p cash [AMOUNT]  pay cash (e.g. p cash 50)      p card   pay by card',
  'vl LINE          void a line                    vt       void the transaction',
  'r RECEIPT [LINE[:QTY] ...]   return a receipt, or some of its lines',
  'rp [RECEIPT]     reprint (the last receipt by default)',
  'f TEXT           find a product by name, brand or category (e.g. f yogurt)',
  'samples          what to scan in this store: barcodes, a scale label, member cards',
  "rw [REWARD]      the member's rewards; rw ID spends points on one (a voucher pays part of this sale)",
  'help             this help                      quit     leave (quit! with items on the sale)',
] as const

const positive = (text: string): number | undefined => {
  const n = Number(text.replace(',', '.'))
  return Number.isFinite(n) && n > 0 ? n : undefined
}

/**
 * Parses one line of till input. Anything that is not a command is a scan (a barcode, a card or
 * a printed coupon's code).
 *
 * @example
 * parseCommand('q 3')        // { kind: 'quantity', quantity: 3 }
 * parseCommand('p cash 50')  // { kind: 'pay', tender: 'cash', amount: 5000 }
 * @category till
 */
export const parseCommand = (input: string): TillCommand | CommandError | undefined => {
  const text = input.trim()
  if (text === '') return undefined
  const [head = '', ...args] = text.split(/\s+/)
  const word = head.toLowerCase()
  const error = (message: string): CommandError => ({ kind: 'error', message })
  switch (word) {
    case 'q': {
      const quantity = positive(args[0] ?? '')
      if (quantity === undefined) return error(`q needs a quantity > 0, e.g. "q 3" (got "${args[0] ?? ''}")`)
      return { kind: 'quantity', quantity, ...(args[1] !== undefined ? { lineId: args[1] } : {}) }
    }
    case 'c':
      if (args[0] === undefined) return error('c needs a code, e.g. "c SAUCE-7KQ2-X9PDR"')
      return { kind: 'code', code: args[0] }
    case 's':
      return { kind: 'subtotal' }
    case 'p': {
      const tender = (args[0] ?? '').toLowerCase()
      if (tender === 'card') return { kind: 'pay', tender: 'card' }
      if (tender !== 'cash') return error('p needs "cash" or "card", e.g. "p cash 50" or "p card"')
      if (args[1] === undefined) return { kind: 'pay', tender: 'cash' }
      const amount = parseMoney(args[1].replace(',', '.'), 'EUR')
      if (amount._tag === 'Left' || amount.right.amount <= 0)
        return error(`p cash needs an amount like 50 or 20.50 (got "${args[1]}")`)
      return { kind: 'pay', tender: 'cash', amount: amount.right.amount }
    }
    case 'vl':
      if (args[0] === undefined) return error('vl needs a line number, e.g. "vl 2"')
      return { kind: 'voidLine', lineId: args[0] }
    case 'vt':
      return { kind: 'voidTransaction' }
    case 'r': {
      if (args[0] === undefined) return error('r needs a receipt id, e.g. "r T-0042-01-000003"')
      const lines: TillReturnLine[] = []
      for (const spec of args.slice(1)) {
        const [lineId = '', qty] = spec.split(':')
        const quantity = qty === undefined ? undefined : positive(qty)
        if (lineId === '' || (qty !== undefined && quantity === undefined)) {
          return error(`r: "${spec}" is not LINE or LINE:QUANTITY`)
        }
        lines.push({ lineId, ...(quantity !== undefined ? { quantity } : {}) })
      }
      return { kind: 'return', receiptId: args[0], ...(lines.length > 0 ? { lines } : {}) }
    }
    case 'rp':
      return { kind: 'reprint', ...(args[0] !== undefined ? { receiptId: args[0] } : {}) }
    case 'f':
    case 'find':
      if (args.length === 0) return error('f needs a word to look for, e.g. "f yogurt" or "f Barilla"')
      return { kind: 'find', query: args.join(' ') }
    case 'samples':
      return { kind: 'samples' }
    case 'rw':
      return { kind: 'rewards', ...(args[0] !== undefined ? { rewardId: args[0] } : {}) }
    case 'h':
    case 'help':
    case '?':
      return { kind: 'help' }
    case 'quit':
    case 'exit':
      return { kind: 'quit' }
    case 'quit!':
    case 'exit!':
      return { kind: 'quit', force: true }
    default:
      if (args.length > 0) return error(`unknown command "${head}"; type help`)
      return { kind: 'scan', barcode: text }
  }
}

/** What the screen shows after a command. @category till */
export interface CommandOutcome {
  readonly message: string
  readonly level: 'info' | 'error'
  readonly view: TillView
  /** A receipt to show (sale, return or reprint), as text. */
  readonly receipt?: string
  readonly help?: readonly string[]
  readonly quit?: boolean
}

/**
 * Runs a parsed command against the backend and says what happened.
 * @category till
 */
export const runCommand = async (
  backend: TillBackend,
  command: TillCommand | CommandError,
): Promise<CommandOutcome> => {
  const info = async (message: string, extra: Partial<CommandOutcome> = {}): Promise<CommandOutcome> => ({
    message,
    level: 'info',
    view: await backend.view(),
    ...extra,
  })
  const fail = async (message: string): Promise<CommandOutcome> => ({
    message,
    level: 'error',
    view: await backend.view(),
  })
  switch (command.kind) {
    case 'error':
      return fail(command.message)
    case 'scan': {
      const r = await backend.scan(command.barcode)
      if (r._tag === 'Left') return fail(r.left.message)
      const o = r.right
      if (o.kind === 'item') {
        const q = o.line.unit === 'kg' ? kilograms(o.line.quantity) : `${o.line.quantity} x`
        return info(`${q} ${o.line.name}  ${displayMoney(o.line.amount, (await backend.view()).currency)}`)
      }
      if (o.kind === 'customer') {
        return info(
          `Card ${o.customer.card}: ${o.customer.name ?? 'member'}${o.customer.tier ? ` (${o.customer.tier})` : ''}`,
        )
      }
      return info(`Coupon ${shortCode(o.code)} accepted`)
    }
    case 'quantity': {
      const r = await backend.setQuantity(command.quantity, command.lineId)
      return r._tag === 'Left'
        ? fail(r.left.message)
        : info(`Line ${r.right.id}: ${r.right.quantity} x ${r.right.name}`)
    }
    case 'code': {
      const r = await backend.applyCode(command.code)
      return r._tag === 'Left' ? fail(r.left.message) : info(`Coupon ${shortCode(r.right)} accepted`)
    }
    case 'subtotal': {
      const view = await backend.view()
      return {
        message: `Subtotal ${displayMoney(view.total, view.currency)}${view.discountTotal > 0 ? `, saved ${displayMoney(view.discountTotal, view.currency)}` : ''}`,
        level: 'info',
        view,
      }
    }
    case 'pay': {
      const r = await backend.pay({
        kind: command.tender,
        ...(command.amount !== undefined ? { amount: command.amount } : {}),
      })
      if (r._tag === 'Left') return fail(r.left.message)
      const change = r.right.tenders[0]?.change ?? 0
      return info(
        `Paid ${displayMoney(r.right.total, r.right.currency)} by ${command.tender}${change > 0 ? `, change ${displayMoney(change, r.right.currency)}` : ''}. Receipt ${r.right.transactionId}`,
        { receipt: renderReceipt(r.right) },
      )
    }
    case 'voidLine': {
      const r = await backend.voidLine(command.lineId)
      return r._tag === 'Left' ? fail(r.left.message) : info(`Line ${command.lineId} voided`)
    }
    case 'voidTransaction': {
      const r = await backend.voidTransaction()
      return r._tag === 'Left' ? fail(r.left.message) : info('Transaction voided')
    }
    case 'return': {
      const r = await backend.returnReceipt(command.receiptId, command.lines)
      if (r._tag === 'Left') return fail(r.left.message)
      return info(`Refund ${displayMoney(r.right.total, r.right.currency)} for ${command.receiptId}`, {
        receipt: renderReceipt(r.right),
      })
    }
    case 'reprint': {
      const r = await backend.reprint(command.receiptId)
      return r._tag === 'Left'
        ? fail(r.left.message)
        : info(`Reprint of ${r.right.transactionId}`, { receipt: renderReceipt(r.right) })
    }
    case 'find': {
      const view = await backend.view()
      const found = backend.search(command.query)
      if (found.length === 0) return fail(`No product matches "${command.query}"; try a brand or a category`)
      return info(`${found.length} product(s) for "${command.query}": type the barcode to scan one`, {
        help: found.map(
          (p) =>
            `${p.barcode}  ${p.name} (${p.brand})  ${displayMoney(p.unitPrice, view.currency)}${p.unit === 'kg' ? '/kg, 0,500 kg label' : ''}`,
        ),
      })
    }
    case 'samples':
      return info('What you can scan here:', { help: backend.samples() })
    case 'rewards': {
      if (command.rewardId === undefined) {
        const listed = await backend.rewards()
        if (listed._tag === 'Left') return fail(listed.left.message)
        return info('Rewards (rw ID to take one):', {
          help: listed.right.map(
            (r) =>
              `${r.id.padEnd(12)} ${String(r.cost).padStart(5)} points  ${r.description}${r.affordable ? '' : `  (${r.missingPoints} more points needed)`}`,
          ),
        })
      }
      const r = await backend.redeem(command.rewardId)
      if (r._tag === 'Left') return fail(r.left.message)
      const view = await backend.view()
      return info(
        r.right.amount > 0
          ? `${r.right.reward.id}: ${r.right.reward.cost} points spent, ${displayMoney(r.right.amount, view.currency)} off what is due`
          : `${r.right.reward.id}: ${r.right.reward.cost} points spent; ${r.right.reward.description}`,
      )
    }
    case 'help':
      return info('Commands:', { help: HELP })
    case 'quit': {
      const view = await backend.view()
      if (command.force !== true && view.lines.length > 0) {
        return fail(
          `${view.lines.length} item(s) are on this sale: pay or void it (vt) first, or type quit! to leave it open for the next start`,
        )
      }
      return info('Bye', { quit: true })
    }
  }
}
