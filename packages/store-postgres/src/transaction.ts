import pg, { type Pool, type PoolClient } from 'pg'

/**
 * How {@link withTransaction} runs a unit of work.
 * @category store-postgres
 */
export interface TransactionOptions {
  /** The isolation level. `read committed` with `SELECT … FOR UPDATE` row locks is the default; `serializable` suits distributed engines. */
  readonly isolation?: 'read committed' | 'repeatable read' | 'serializable'
  /** How many times a serialization failure (40001) or deadlock (40P01) is retried before it is thrown. Default 12. */
  readonly maxRetries?: number
  /** The first back-off in milliseconds; it doubles on each retry, with full jitter, up to 250 ms. Default 2. */
  readonly baseDelayMs?: number
  /** The random source for jitter (a port, so tests can make it deterministic). Default `Math.random`. */
  readonly random?: () => number
  /** Other errors to retry like a serialization failure (e.g. a unique violation a replay resolves). */
  readonly retryOn?: (e: unknown) => boolean
  /**
   * `work` sends the `BEGIN` itself (it is handed the statement), with its first statement in one
   * round trip; `COMMIT` or `ROLLBACK` follow as usual.
   */
  readonly deferBegin?: boolean
  /** `work` sends the `COMMIT` itself (handed `'COMMIT'`), pipelined with its last statement; unless `beforeCommit` is set. */
  readonly deferCommit?: boolean
  /**
   * Statements sent with the `COMMIT` in one simple query (`${statements}; COMMIT`), after `work`
   * succeeded: literals only. An error in them aborts the transaction (the `COMMIT` is not run),
   * which is rolled back and the error thrown (or retried as any other).
   */
  readonly beforeCommit?: (client: PoolClient) => string | undefined
}

/** SQLSTATE codes that mean "the transaction lost a race: run it again". */
const RETRYABLE = new Set(['40001', '40P01'])

/**
 * True when a database error is a serialization failure (40001) or a deadlock (40P01), which a
 * transaction retry resolves.
 * @category store-postgres
 */
export const isRetryable = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && RETRYABLE.has((e as { code?: unknown }).code as string)

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Runs `work` in one transaction on a pooled connection: `BEGIN`, the work, `COMMIT`; `ROLLBACK` on
 * any error. Serialization failures and deadlocks are retried with bounded exponential back-off and
 * full jitter, so `work` must be safe to run again (it must not keep state across attempts). No
 * advisory locks are used: the SQL stays portable to Postgres-compatible distributed engines.
 * @category store-postgres
 */
export const withTransaction = async <A>(
  pool: Pool,
  work: (client: PoolClient, begin?: string, commit?: 'COMMIT') => Promise<A>,
  options: TransactionOptions = {},
): Promise<A> => {
  const maxRetries = options.maxRetries ?? 12
  const base = options.baseDelayMs ?? 2
  const random = options.random ?? Math.random
  const begin = options.isolation === undefined ? 'BEGIN' : `BEGIN ISOLATION LEVEL ${options.isolation.toUpperCase()}`
  const client = await pool.connect()
  let broken = false
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        if (options.deferBegin !== true) await client.query(begin)
        const commit = options.deferCommit === true && options.beforeCommit === undefined ? 'COMMIT' : undefined
        const result = await work(client, options.deferBegin === true ? begin : undefined, commit)
        if (commit !== undefined) return result
        const extra = options.beforeCommit?.(client)
        await client.query(extra === undefined ? 'COMMIT' : `${extra}; COMMIT`)
        return result
      } catch (e) {
        try {
          await client.query('ROLLBACK')
        } catch {
          broken = true
          throw e
        }
        if (!(isRetryable(e) || options.retryOn?.(e) === true) || attempt >= maxRetries) throw e
        await sleep(random() * Math.min(250, base * 2 ** attempt))
      }
    }
  } finally {
    client.release(broken)
  }
}

/** A statement of a {@link pipeline}: named (prepared on the connection already) or unnamed. */
export type Piped = { readonly name?: string; readonly text: string; readonly values?: readonly unknown[] }
type Connection = Record<'parse' | 'bind' | 'describe' | 'execute' | 'sync', (c?: object) => void> & {
  stream: { cork: () => void; uncork: () => void }
  parsedStatements: Record<string, string>
}
const connectionOf = (client: PoolClient) => (client as unknown as { connection: Connection }).connection

/** True when the named statement is prepared on this client's connection (pg's own record of it). */
export const isPrepared = (client: PoolClient, name: string): boolean =>
  connectionOf(client).parsedStatements[name] !== undefined

/** A parameter as pg sends it: scalars only (JSON texts, keys, counts), never `String(object)`. */
const textOf = (v: unknown): string | null => {
  if (typeof v === 'object' && v !== null) throw new TypeError('pipeline: a parameter must be a scalar or null')
  return v == null ? null : String(v)
}
/**
 * Runs `statements` in ONE round trip (the extended protocol's pipeline: one write, one Sync), each
 * one's result in order; on an error the server skips the rest up to the Sync, and this rejects.
 */
export const pipeline = (client: PoolClient, statements: readonly Piped[]): Promise<pg.QueryResult[]> =>
  new Promise((resolve, reject) => {
    const values = statements.map((s) => (s.values ?? []).map(textOf)) // before anything is sent: may throw
    const q = new pg.Query(statements.map((s) => s.name ?? s.text).join('; '))
    q.submit = () => {
      const c = connectionOf(client)
      c.stream.cork()
      for (const [k, s] of statements.entries()) {
        if (s.name === undefined) c.parse({ text: s.text })
        c.bind({ statement: s.name ?? '', values: values[k] })
        c.describe({ type: 'P', name: '' })
        c.execute({ portal: '' })
      }
      c.sync()
      c.stream.uncork()
    }
    q.once('error', reject)
    q.once('end', (r: pg.QueryResult | pg.QueryResult[]) => resolve(Array.isArray(r) ? r : [r]))
    client.query(q)
  })
