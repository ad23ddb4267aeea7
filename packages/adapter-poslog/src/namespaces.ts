/**
 * The namespaces the adapter reads and writes. Elements are matched by namespace URI plus local
 * name, never by a prefix: a document may bind any prefix (or the default namespace) to any URI.
 * @category poslog
 */
export const NS = {
  /** ARTS IXRetail POSLog (every dialect's base namespace). */
  arts: 'http://www.nrf-arts.org/IXRetail/namespace/',
  /** NCR ACS TLog extensions (`acs:weightItem`, `acs:LoyaltyMembership`, reward records). */
  acs: 'http://www.ncr.com/rsd/acs/tlog/markup/poslog/2.1',
  /** NCR Retalix R10 extensions (`TotalKey`, `HierarchyPath`, `TaxDefinitions`). */
  retalix: 'http://www.Retalix.com/Extensions',
  /** Tessera's own extensions in what it writes (brand, tags, issued coupon codes). */
  tessera: 'urn:tessera:poslog:1',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const

/**
 * Whether a namespace URI is a Wincor Nixdorf (Diebold Nixdorf) TP.net extension namespace. TP.net
 * versions bind different URIs to their `WN` prefix, so the URI is matched by its vendor name; pass
 * {@link ReadOptions.wincorNamespaces} to name yours exactly.
 * @category poslog
 */
export const isWincorUri = (uri: string): boolean => /wincor|nixdorf/i.test(uri)
