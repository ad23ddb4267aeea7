/**
 * `@tessera/adapter-poslog`: ARTS POSLog for Tessera. Reads till transactions (NCR ACS, Wincor
 * TP.net, Retalix R10, ARTS v6) into the wire contract's baskets, streaming and namespace-aware,
 * writes Tessera's results back as POSLog v6, and replays a day's TLog through the checkout.
 * @packageDocumentation
 */
export * from './import.js'
export * from './model.js'
export * from './namespaces.js'
export { detectDialect, readTransaction, transactionIdOf } from './read.js'
export * from './replay.js'
export * from './write.js'
export {
  attr,
  child,
  children,
  pathOf,
  streamTransactions,
  type XmlChunk,
  type XmlElement,
  type XmlProblem,
} from './xml.js'
