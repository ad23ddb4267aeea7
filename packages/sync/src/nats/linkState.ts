import type { NatsConnection } from '@nats-io/transport-node'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * Whether a connection's link is up, as its status events tell it. The NATS client discards what
 * it buffered while disconnected each time it dials again (`resetOutbound`), so a publish or a
 * request sent while the link is down, or still unanswered when it comes back, gets no reply: it
 * only ends at its own timeout (2 s for a publisher's ack, 5 s for a JetStream API call). A sender
 * that waits for the link, and gives up what was in flight at a reconnect, resumes at once instead.
 * @category sync
 */
export interface LinkState {
  /** False from a `disconnect` to the next `reconnect`. */
  readonly up: () => boolean
  /** Resolves true once the link is up (at once if it is), false after `maxMs` without it or on `close`. */
  readonly whenUp: (maxMs: number) => Promise<boolean>
  /** Calls `f` once, at the next reconnect (what was in flight before it may have been dropped); answers an unsubscribe. */
  readonly onReconnect: (f: () => void) => () => void
  /** Stops listening to the connection's status. */
  readonly close: () => void
}

/** The link came back while an operation was in flight: its reply may never come. @category sync */
export class LinkBounced extends Error {
  readonly _tag = 'LinkBounced'
  constructor() {
    super('the NATS link reconnected while a reply was awaited')
  }
}

// ── constructors ─────────────────────────────────────────────────────────────────────────────────

/**
 * Watches `nc`'s status from now on (a connection is taken as up when the watch starts).
 * @category sync
 */
export const watchLink = (nc: NatsConnection): LinkState => {
  let up = true
  let stopped = false
  const listeners = new Set<() => void>()
  const wakeAll = () => {
    const woken = [...listeners]
    listeners.clear()
    for (const f of woken) f()
  }
  const status = nc.status()
  void (async () => {
    for await (const s of status) {
      if (stopped) break
      if (s.type === 'disconnect') up = false
      else if (s.type === 'reconnect') {
        up = true
        wakeAll()
      }
    }
  })()
  const onReconnect = (f: () => void) => {
    listeners.add(f)
    return () => {
      listeners.delete(f)
    }
  }
  return {
    up: () => up,
    whenUp: (maxMs) =>
      up || stopped
        ? Promise.resolve(up)
        : new Promise<boolean>((resolve) => {
            const off = onReconnect(() => {
              clearTimeout(timer)
              resolve(up)
            })
            const timer = setTimeout(() => {
              off()
              resolve(false)
            }, maxMs)
          }),
    onReconnect,
    close: () => {
      stopped = true
      wakeAll()
      ;(status as { stop?: () => void }).stop?.()
    },
  }
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * `op`'s result, or a {@link LinkBounced} rejection if the link reconnects first (`op` is then
 * left to end on its own; its outcome is ignored).
 * @category sync
 */
export const beforeReconnect = <A>(link: LinkState, op: Promise<A>): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    const off = link.onReconnect(() => reject(new LinkBounced()))
    op.then(
      (a) => {
        off()
        resolve(a)
      },
      (e: unknown) => {
        off()
        reject(e)
      },
    )
  })
