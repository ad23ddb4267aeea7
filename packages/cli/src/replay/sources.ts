import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs'
import { DOCUMENT, type ImportRecord, importPosLog, type ReadOptions } from '@tessera/adapter-poslog'
import { type CustomerValue, identityOf, type Member, type Standing, type TierProgram } from '@tessera/core'
import { openPostgresConnection, openPostgresStores, pgClient } from '@tessera/store-postgres'
import { openSqliteConnection, openSqliteStores } from '@tessera/store-sqlite'
import { left, right } from 'fp-ts/lib/Either.js'
import { CommandFailure, maskSecrets } from '../io.js'
import type { HistoryText, HistoryTexts, SkippedLine } from './texts.js'

// ── JSONL files ──────────────────────────────────────────────────────────────────────────────────

/** Reads a text file, or fails the command naming it and why (exit 2). */
export const readTextFile = (file: string, what: string): string => {
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new CommandFailure(
      code === 'ENOENT'
        ? `${file}: cannot read the ${what} (ENOENT)`
        : `${file}: cannot read the ${what} (${code ?? (e as Error).message})`,
    )
  }
}

/** The non-blank lines of JSONL history files, each with its file and line number. */
export const jsonlTexts = (files: readonly string[]): HistoryTexts => {
  const texts: HistoryText[] = []
  for (const file of files) {
    const lines = readTextFile(file, 'history').split('\n')
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i] as string
      if (text.trim() !== '') texts.push({ source: file, line: i + 1, text })
    }
  }
  return { texts, refused: [] }
}

// ── stores ───────────────────────────────────────────────────────────────────────────────────────

/** A statement with `$n` parameters (SQLite rewrites them), named for PostgreSQL's prepared statements. */
interface Statement {
  readonly name: string
  readonly text: string
}

/** The reads and writes of one transaction. */
interface Transaction {
  readonly all: (statement: Statement, params?: readonly unknown[]) => Promise<readonly Record<string, unknown>[]>
  readonly run: (statement: Statement, params: readonly unknown[]) => Promise<number>
}

/** What a command needs of a store's database, whatever the engine. */
interface Reader {
  readonly all: (statement: Statement, params?: readonly unknown[]) => Promise<readonly Record<string, unknown>[]>
  /** `work` in ONE write transaction: committed when it returns, rolled back when it throws. */
  readonly transaction: <A>(work: (tx: Transaction) => Promise<A>) => Promise<A>
  readonly close: () => Promise<void>
}

/** Carries a throw out of the PostgreSQL runner, which answers Eithers. */
class Aborted {
  constructor(readonly error: unknown) {}
}

/**
 * Opens the database a `--store` names, to read: `sqlite:PATH` (or a bare path) for a SQLite file
 * that must exist, `postgres://…` or `postgresql://…` for PostgreSQL. Any other URL scheme, a
 * missing file or a server that refuses fails the command (exit 2), the URL's password masked.
 */
export const openStoreReader = async (spec: string): Promise<Reader> => {
  const shown = maskSecrets(spec)
  if (/^postgres(ql)?:\/\//i.test(spec)) {
    try {
      const connection = await openPostgresConnection({ connectionString: spec, maxConnections: 2 })
      const client = pgClient(connection.pool)
      return {
        all: (s, p) => client.all(s, p),
        transaction: async (work) => {
          const done = await connection.inTransaction(async (tx) => {
            try {
              return right(await work(pgClient(tx)))
            } catch (e) {
              return left(new Aborted(e))
            }
          })
          if (done._tag === 'Right') return done.right
          throw done.left instanceof Aborted ? done.left.error : new Error(done.left.message)
        },
        close: connection.close,
      }
    } catch (e) {
      throw new CommandFailure(`--store ${shown}: cannot open the store: ${(e as Error).message}`)
    }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(spec)?.[1]
  if (scheme !== undefined && scheme.toLowerCase() !== 'sqlite' && scheme.length > 1)
    throw new CommandFailure(
      `--store ${shown}: unknown store URL scheme "${scheme}:" (use sqlite:PATH or postgres://user@host/db)`,
    )
  const file = spec.toLowerCase().startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec
  if (file === '') throw new CommandFailure(`--store ${shown}: no file after sqlite:`)
  if (!existsSync(file)) throw new CommandFailure(`--store ${shown}: store not found: ${file} (ENOENT)`)
  try {
    const connection = openSqliteConnection({ file })
    return {
      all: (s, p) => connection.client.all(s, p),
      transaction: (work) => connection.inTransaction('IMMEDIATE', () => work(connection.client)),
      close: connection.close,
    }
  } catch (e) {
    throw new CommandFailure(`--store ${shown}: cannot open the store: ${(e as Error).message}`)
  }
}

/** Runs `work` on the store a `--store` names, and closes it whatever happens. */
export const usingStoreReader = async <A>(spec: string, work: (reader: Reader) => Promise<A>): Promise<A> => {
  const reader = await openStoreReader(spec)
  try {
    return await work(reader)
  } finally {
    await reader.close()
  }
}

const CLOSES = {
  name: 'tessera_cli_history_closes',
  text: 'SELECT transaction_id, request, receipt, bookings FROM checkout_closes WHERE request IS NOT NULL ORDER BY transaction_id',
}
const CODE_POOL = { name: 'tessera_cli_history_code', text: 'SELECT pool_id FROM checkout_codes WHERE code = $1' }
const RETURNS = {
  name: 'tessera_cli_history_returns',
  text: 'SELECT return_id, transaction_id, request, receipt FROM checkout_returns WHERE request IS NOT NULL ORDER BY transaction_id, position',
}
const PURCHASES = {
  name: 'tessera_cli_history_purchases',
  text: 'SELECT id, customer, at, amount FROM checkout_purchases ORDER BY at_ms, id',
}

const parsed = (text: unknown): Record<string, unknown> | undefined => {
  if (typeof text !== 'string') return undefined
  try {
    const u: unknown = JSON.parse(text)
    return typeof u === 'object' && u !== null && !Array.isArray(u) ? (u as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

const atOfText = (t: { readonly at: string }) => Date.parse(t.at)

/**
 * A store's own closed transactions as history texts, in time order: each close as the sale the
 * till sent (its request's basket and customer) with what its receipt booked (total, discount,
 * points earned, coupons), and each return (full or not, as its receipt says). A row whose stored
 * JSON does not read is reported (source `STORE closes`, its position) and the rest goes on.
 */
export const storeTexts = async (spec: string, program: TierProgram = {}): Promise<HistoryTexts> =>
  usingStoreReader(spec, async (reader) => {
    const standingOf = await standingReader(spec)
    try {
      return await readStoreTexts(reader, spec, program, standingOf.standing)
    } finally {
      await standingOf.close()
    }
  })

/** The store's own standing of a card (its member, purchases, referrals), through the store itself. */
const standingReader = async (
  spec: string,
): Promise<{ readonly standing: (card: string) => Promise<Standing>; readonly close: () => Promise<void> }> => {
  const stores = /^postgres(ql)?:\/\//i.test(spec)
    ? await openPostgresStores({ connectionString: spec, maxConnections: 2 })
    : openSqliteStores({ file: spec.toLowerCase().startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec })
  return { standing: (card) => stores.checkout.standing(card), close: stores.close }
}

const readStoreTexts = async (
  reader: Reader,
  spec: string,
  program: TierProgram,
  standing: (card: string) => Promise<Standing>,
): Promise<HistoryTexts> => {
  {
    const source = maskSecrets(spec)
    const rows: { text: string; at: string; row: number; table: string }[] = []
    const refused: SkippedLine[] = []
    const closes = await reader.all(CLOSES)
    for (const [i, r] of closes.entries()) {
      const request = parsed(r.request)
      const receipt = parsed(r.receipt)
      const basket = request?.basket as Record<string, unknown> | undefined
      if (request === undefined || receipt === undefined || typeof basket !== 'object' || basket === null) {
        refused.push({
          file: `${source} closes`,
          line: i + 1,
          problems: [
            { path: '(row)', reason: `close ${String(r.transaction_id)}: its request or receipt is not JSON` },
          ],
        })
        continue
      }
      const points = receipt.points as { readonly earned?: unknown } | undefined
      const coupons = receipt.coupons
      // The customer as the checkout judged them then: the card's standing, with the purchases before this sale.
      const { card, codes: _scanned, ...rest } = basket as { card?: unknown; codes?: unknown }
      let customer: unknown
      if (typeof card === 'string' && typeof basket.at === 'string') {
        const atMs = Date.parse(basket.at)
        const now = await standing(card)
        const then: Standing = {
          ...now,
          purchases: now.purchases.filter((p) => p.id !== r.transaction_id && Date.parse(p.at) < atMs),
        }
        customer = identityOf(card, then, program, basket.at).customer
      }
      // The codes the close redeemed, with their pools (what the checkout accepted and used).
      const bookings = parsed(r.bookings)
      const redeemed = Array.isArray(bookings?.codes) ? (bookings.codes as unknown[]) : []
      const accepted: { code: string; pool: string }[] = []
      for (const code of redeemed) {
        const row = (await reader.all(CODE_POOL, [code]))[0]
        if (typeof code === 'string' && row !== undefined) accepted.push({ code, pool: String(row.pool_id) })
      }
      const line = {
        basket: customer !== undefined ? { ...rest, card } : rest,
        codes: accepted,
        ...(customer !== undefined ? { customer } : {}),
        booked: {
          total: receipt.total,
          discount: receipt.discountTotal,
          points: points?.earned,
          coupons: Array.isArray(coupons) ? coupons.length : coupons,
        },
      }
      rows.push({ text: JSON.stringify(line), at: String(basket.at), row: i + 1, table: 'closes' })
    }
    const returns = await reader.all(RETURNS)
    for (const [i, r] of returns.entries()) {
      const request = parsed(r.request)
      const receipt = parsed(r.receipt)
      if (request === undefined || receipt === undefined) {
        refused.push({
          file: `${source} returns`,
          line: i + 1,
          problems: [{ path: '(row)', reason: `return ${String(r.return_id)}: its request or receipt is not JSON` }],
        })
        continue
      }
      const line = {
        return: { id: r.return_id, of: r.transaction_id, at: request.at, full: receipt.full, refund: receipt.refund },
      }
      rows.push({ text: JSON.stringify(line), at: String(request.at), row: i + 1, table: 'returns' })
    }
    // In time order (stable: closes before returns at the same instant), so the replay need not sort.
    const order = rows.map((r, i) => ({ r, i, ms: atOfText(r) }))
    order.sort((a, b) => (a.ms || 0) - (b.ms || 0) || a.i - b.i)
    return {
      texts: order.map(({ r }) => ({ source: `${source} ${r.table}`, line: r.row, text: r.text })),
      refused,
    }
  }
}

/** A purchase row of a store: `member:ID` customers only (the value models are per member). */
export interface StorePurchase {
  readonly memberId: string
  readonly at: string
  readonly amount: number
}

/**
 * A store's purchase rows (what tiers, stats and lifecycle are computed from: every close, a
 * return's negative row, imported history), for the members among its customers, oldest first.
 */
export const storePurchases = async (spec: string): Promise<readonly StorePurchase[]> =>
  usingStoreReader(spec, async (reader) => {
    const out: StorePurchase[] = []
    for (const r of await reader.all(PURCHASES)) {
      const customer = String(r.customer)
      if (!customer.startsWith('member:')) continue
      out.push({ memberId: customer.slice('member:'.length), at: String(r.at), amount: Number(r.amount) })
    }
    return out
  })

const MEMBERS = { name: 'tessera_cli_value_members', text: 'SELECT member_id, body FROM members' }
const SAVE_MEMBER = { name: 'tessera_cli_value_save_member', text: 'UPDATE members SET body = $2 WHERE member_id = $1' }

/**
 * Writes each member's value snapshot into their member document in the store (the `value` the
 * customer profile carries, which the `value` and `alive` conditions judge), in ONE transaction:
 * all of them or, on any failure, none. Members the store has not enrolled are counted, not written.
 */
export const writeValueSnapshots = async (
  spec: string,
  snapshots: ReadonlyMap<string, CustomerValue>,
): Promise<{ readonly written: number; readonly notEnrolled: number }> =>
  usingStoreReader(spec, async (reader) =>
    reader.transaction(async (tx) => {
      let written = 0
      const enrolled = new Set<string>()
      for (const row of await tx.all(MEMBERS)) {
        const memberId = String(row.member_id)
        enrolled.add(memberId)
        const value = snapshots.get(memberId)
        if (value === undefined) continue
        const body = JSON.parse(String(row.body)) as Member
        written += await tx.run(SAVE_MEMBER, [memberId, JSON.stringify({ ...body, value })])
      }
      let notEnrolled = 0
      for (const id of snapshots.keys()) if (!enrolled.has(id)) notEnrolled++
      return { written, notEnrolled }
    }),
  )

// ── POSLog ───────────────────────────────────────────────────────────────────────────────────────

const problemOf = (r: Extract<ImportRecord, { kind: 'refused' }>) => ({
  path: r.error.path === '' ? '(transaction)' : r.error.path,
  reason: `${r.reason}: ${r.error.message}`,
})

/**
 * POSLog files as history texts, through `@tessera/adapter-poslog` (streaming): each sale's basket
 * and customer; each return linked to its original sale, full when it gives back every unit that
 * sale had (as far as these files show it). A refused transaction is reported with its position in
 * the file (`line`) and its XML path; skipped ones (voids, training) are left out.
 */
export const posLogTexts = async (files: readonly string[], options: ReadOptions): Promise<HistoryTexts> => {
  const texts: HistoryText[] = []
  const refused: SkippedLine[] = []
  // Units sold per sale and line, so that a return can tell whether it is full.
  const sold = new Map<string, Map<string, number>>()
  const returned = new Map<string, Map<string, number>>()
  for (const file of files) {
    try {
      if (!statSync(file).isFile()) throw new CommandFailure(`${file}: cannot read the POSLog: not a file`)
    } catch (e) {
      if (e instanceof CommandFailure) throw e
      const code = (e as NodeJS.ErrnoException).code
      throw new CommandFailure(`${file}: cannot read the POSLog (${code ?? (e as Error).message})`)
    }
    for await (const r of importPosLog(createReadStream(file), options)) {
      if (r.kind === 'skipped') continue
      if (r.kind === 'refused') {
        refused.push({
          file,
          line: r.transactionId === DOCUMENT ? (r.error.line ?? 0) : r.index,
          problems: [problemOf(r)],
        })
        continue
      }
      if (r.kind === 'sale') {
        const lines = new Map<string, number>()
        for (const l of r.basket.lines) lines.set(l.id, (lines.get(l.id) ?? 0) + l.quantity)
        sold.set(r.basket.id, lines)
        texts.push({
          source: file,
          line: r.index,
          text: JSON.stringify({ basket: r.basket, ...(r.customer !== undefined ? { customer: r.customer } : {}) }),
        })
      }
      const back = r.return
      if (back === undefined) continue
      const of = back.lines.find((l) => l.original !== undefined)?.original?.transactionId
      if (of === undefined) {
        refused.push({
          file,
          line: r.index,
          problems: [{ path: 'return', reason: `return ${back.returnId} names no original sale: left out` }],
        })
        continue
      }
      const given = returned.get(of) ?? new Map<string, number>()
      for (const l of back.lines)
        if (l.original?.lineId !== undefined)
          given.set(l.original.lineId, (given.get(l.original.lineId) ?? 0) + l.quantity)
      returned.set(of, given)
      const lines = sold.get(of)
      const full = lines !== undefined && [...lines].every(([id, q]) => (given.get(id) ?? 0) >= q)
      texts.push({
        source: file,
        line: r.index,
        text: JSON.stringify({
          return: {
            id: back.returnId,
            of,
            at: back.at,
            full,
            refund: back.lines.reduce((s, l) => s + Math.abs(l.amount), 0),
          },
        }),
      })
    }
  }
  return { texts, refused }
}
