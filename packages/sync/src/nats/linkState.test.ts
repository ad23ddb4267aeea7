import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { testDatabaseUrl } from '@tessera/store-postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHeadOfficeConsumer } from '../headoffice/consumer.js'
import { closeEntry } from '../testkit/entries.js'
import { useHeadOffice } from '../testkit/headOffice.js'
import { beforeReconnect, LinkBounced, watchLink } from './linkState.js'
import { ensureSyncStream, syncSubject } from './stream.js'

const url = testDatabaseUrl()
const world = useHeadOffice()
let nc: NatsConnection

beforeAll(async () => {
  if (url === undefined) return
  nc = await connect({ servers: world.nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 })
  await ensureSyncStream(nc)
})
afterAll(async () => {
  await nc?.close()
})

const until = async (done: () => boolean | Promise<boolean>, maxMs: number) => {
  const t0 = Date.now()
  while (!(await done())) {
    if (Date.now() - t0 > maxMs) return false
    await new Promise((r) => setTimeout(r, 10))
  }
  return true
}

describe.skipIf(url === undefined)('the link', () => {
  it('a request sent while the link is down is never answered once it is back; watched, it is given up at the reconnect', async () => {
    const link = watchLink(nc)
    const jsm = await jetstreamManager(nc, { timeout: 3000 })
    try {
      await world.nats.stop()
      expect(await until(() => !link.up(), 5000)).toBe(true)
      const lost = jsm.streams.info('TESSERA_SYNC')
      const watched = beforeReconnect(link, jsm.streams.info('TESSERA_SYNC'))
      await world.nats.start()
      const back = performance.now()
      await expect(watched).rejects.toBeInstanceOf(LinkBounced)
      expect(performance.now() - back).toBeLessThan(2000)
      expect(link.up()).toBe(true)
      // The same request unwatched: the client dropped it at the reconnect, so it only ends at its timeout.
      await expect(lost).rejects.toThrow(/timeout/i)
      expect((await jsm.streams.info('TESSERA_SYNC')).config.name).toBe('TESSERA_SYNC')
    } finally {
      link.close()
    }
  })

  it('the head office consumer picks the stream up as soon as the link is back, not after a request timeout', async () => {
    const consumer = createHeadOfficeConsumer({ nc, pool: world.pool, batchSize: 16 })
    const js = jetstream(nc)
    const applied = async () =>
      Number((await world.pool.query("SELECT count(*) AS n FROM sync_entries WHERE till = 'L1'")).rows[0].n)
    void consumer.run()
    try {
      await js.publish(syncSubject('L1'), new TextEncoder().encode(JSON.stringify(closeEntry('L1', 1, 'acc-L', 5))))
      expect(await until(async () => (await applied()) === 1, 10_000)).toBe(true)
      await world.nats.stop()
      await new Promise((r) => setTimeout(r, 300))
      await world.nats.start()
      const back = performance.now()
      expect(await until(() => linkBack(), 5000)).toBe(true)
      for (let seq = 2; seq <= 4; seq++)
        await js.publish(syncSubject('L1'), new TextEncoder().encode(JSON.stringify(closeEntry('L1', seq, 'acc-L', 5))))
      expect(await until(async () => (await applied()) === 4, 10_000)).toBe(true)
      // Before the fix it waited out a JetStream API call's 5 s timeout sent during the cut.
      expect(performance.now() - back).toBeLessThan(3000)
    } finally {
      await consumer.stop()
    }
  })
})

/** The test's own connection is back (a publish before that would be dropped by the client). */
const linkBack = async () => {
  try {
    await nc.flush()
    return true
  } catch {
    return false
  }
}
