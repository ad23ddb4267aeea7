import { type JetStreamManager, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream'
import { type NatsConnection, nanos } from '@nats-io/transport-node'

/** The stream that carries the tills' entries, and its subjects `tessera.sync.<till>`. @category sync */
export const SYNC_STREAM = 'TESSERA_SYNC'
/** The subject of a till's entries. @category sync */
export const syncSubject = (till: string) => `tessera.sync.${till}`
/** The request/reply subject of the head office's online checks. @category sync */
export const FACTS_SUBJECT = 'tessera.sync-facts'

/** How long JetStream remembers a `Nats-Msg-Id` to drop a duplicate publish: 2 hours. */
const DUPLICATE_WINDOW_MS = 2 * 3_600_000

/**
 * Creates the sync stream if missing (file storage, limits retention, a 2-hour duplicate window so
 * a publisher that resends after a crash is deduplicated by the broker already).
 * @category sync
 */
export const ensureSyncStream = async (nc: NatsConnection, name: string = SYNC_STREAM): Promise<JetStreamManager> => {
  const jsm = await jetstreamManager(nc)
  try {
    await jsm.streams.info(name)
  } catch {
    await jsm.streams.add({
      name,
      subjects: ['tessera.sync.>'],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    })
  }
  return jsm
}
