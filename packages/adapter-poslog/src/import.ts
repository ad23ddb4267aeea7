import type { ImportRecord, PosLogError, ReadOptions } from './model.js'
import { readTransaction, refusedForXml } from './read.js'
import { transactionBatches, type XmlChunk } from './xml.js'

/**
 * What an import source may be: a string (a whole document), or chunks (a file stream, an HTTP
 * body) of text or UTF-8 bytes.
 * @category poslog
 */
export type PosLogSource = string | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>

/**
 * A document-level problem: a root that is not ARTS POSLog, markup outside any transaction, a
 * file cut between two transactions. Yielded as a `refused` record with this transaction id.
 * @category poslog
 */
export const DOCUMENT = '(document)'

/**
 * Reads a POSLog document transaction by transaction, streaming (one transaction in memory at a
 * time): one {@link ImportRecord} per `Transaction`, in order, then a `refused` record with id
 * {@link DOCUMENT} for each problem outside the transactions. A bad transaction is a typed error
 * naming its XML path, and the next one is read as usual.
 * @category poslog
 */
export async function* importPosLog(source: PosLogSource, options: ReadOptions = {}): AsyncGenerator<ImportRecord> {
  const chunks = typeof source === 'string' ? [source] : source
  for await (const batch of transactionBatches(chunks)) {
    for (const chunk of batch) yield recordOf(chunk, options)
  }
}

/** The record of one chunk of the stream: a transaction read, or a problem of the document. */
const recordOf = (chunk: XmlChunk, options: ReadOptions): ImportRecord => {
  if (chunk.kind === 'document') {
    const error: PosLogError = {
      _tag: 'PosLogError',
      reason: chunk.problem.reason,
      path: chunk.problem.path,
      line: chunk.problem.line,
      message: `${chunk.problem.message} (line ${chunk.problem.line})`,
    }
    return { transactionId: DOCUMENT, index: 0, kind: 'refused', reason: error.reason, error }
  }
  const [problem] = chunk.problems
  return problem !== undefined
    ? refusedForXml(chunk.element, chunk.index, problem)
    : readTransaction(chunk.element, chunk.index, options, chunk.documentUris)
}

/** Reads a whole document into records (for tests and small documents; stream big ones). @category poslog */
export const importPosLogAll = async (source: PosLogSource, options: ReadOptions = {}): Promise<ImportRecord[]> => {
  const out: ImportRecord[] = []
  for await (const r of importPosLog(source, options)) out.push(r)
  return out
}
