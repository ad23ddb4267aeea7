import { connect, type NatsConnection } from '@nats-io/transport-node'

/** A NATS connection that reconnects forever, and whether its link is up right now. @category sync */
export interface Link {
  readonly nc: NatsConnection
  /** False from a disconnect to the next reconnect. */
  readonly up: () => boolean
  /** The connection while the link is up, else undefined (a check then answers offline at once). */
  readonly current: () => NatsConnection | undefined
  readonly close: () => Promise<void>
}

/** Connects to `url`, reconnecting forever every 100 ms, and tracks the link. @category sync */
export const openLink = async (url: string, name?: string): Promise<Link> => {
  const nc = await connect({
    servers: url,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
    waitOnFirstConnect: true,
    ...(name !== undefined ? { name } : {}),
  })
  let up = true
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') up = false
      else if (s.type === 'reconnect') up = true
    }
  })()
  return {
    nc,
    up: () => up,
    current: () => (up ? nc : undefined),
    close: async () => {
      await nc.close()
    },
  }
}
