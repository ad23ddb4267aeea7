import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkoutStoreConformance } from '@tessera/testing'
import { afterAll, describe } from 'vitest'
import { openSqliteStores } from './store.js'

describe('sqlite checkout store', () => {
  // Real files (WAL needs one), a new one per test.
  const dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-checkout-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  let n = 0
  checkoutStoreConformance('sqlite', async () => {
    const stores = openSqliteStores({ file: join(dir, `checkout-${++n}.db`) })
    return { store: stores.checkout, loyalty: stores.loyalty, dispose: stores.close }
  })
})
