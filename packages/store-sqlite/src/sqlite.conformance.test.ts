import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loyaltyStoreConformance } from '@tessera/testing'
import { afterAll, describe } from 'vitest'
import { openSqliteStore } from './store.js'

describe('sqlite store', () => {
  // Real files (WAL needs one), a new one per test.
  const dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-conformance-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  let n = 0
  loyaltyStoreConformance('sqlite', async () => openSqliteStore({ file: join(dir, `store-${++n}.db`) }))
})
