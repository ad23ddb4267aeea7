import { describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

describe('tessera sync status', () => {
  it('refuses a database URL that is not postgres://, and a missing till file, with exit 2', async () => {
    const bad = await runCli('sync', 'status', '--database-url', 'mysql://x')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--database-url must be a postgres:\/\/ URL/)
    const url = process.env.DATABASE_URL
    if (url === undefined || url === '') return
    const missing = await runCli('sync', 'status', '--database-url', url, '--till', '/nonexistent/till.db')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/sync tables|no till file/)
  })
})
