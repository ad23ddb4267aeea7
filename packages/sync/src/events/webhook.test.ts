import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { type CloudEvent, toCloudEvent } from './event.js'
import { signWebhook, verifyWebhook } from './webhook.js'

const NOW = Date.parse('2026-11-26T10:15:00+01:00')
const event: CloudEvent = toCloudEvent({
  id: 'close:T-1/points.earned',
  kind: 'points.earned',
  time: '2026-11-26T10:15:00+01:00',
  subject: 'member/m-118',
  data: { memberId: 'm-118', transactionId: 'T-1', points: 12 },
})
const SECRET = 'whsec-crm-2026'

describe('signed webhooks', () => {
  it('a receiver over HTTP verifies the signature, the timestamp and the body, and gets the CloudEvent', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = []
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8')
      })
      req.on('end', () => {
        received.push({ headers: req.headers, body })
        const verified = verifyWebhook(req.headers, body, [SECRET], NOW + 20_000)
        res.writeHead(verified._tag === 'Right' ? 204 : 401).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/tessera`
    try {
      const request = signWebhook(event, [SECRET], NOW)
      const good = await fetch(url, { method: 'POST', headers: { ...request.headers }, body: request.body })
      expect(good.status).toBe(204)
      const forged = await fetch(url, {
        method: 'POST',
        headers: { ...request.headers },
        body: request.body.replace('"points":12', '"points":1200'),
      })
      expect(forged.status).toBe(401)
    } finally {
      server.close()
    }
    const first = received[0]
    expect(first?.headers['webhook-id']).toBe(event.id)
    expect(first?.headers['content-type']).toBe('application/cloudevents+json')
    expect(verifyWebhook(first?.headers ?? {}, first?.body ?? '', [SECRET], NOW)).toEqual({
      _tag: 'Right',
      right: event,
    })
  })

  it('refuses a missing header, a stale timestamp, a wrong secret, a changed body and a body of another id', () => {
    const { headers, body } = signWebhook(event, [SECRET], NOW)
    const reason = (h: Readonly<Record<string, string>> | typeof headers, b = body, now = NOW) => {
      const r = verifyWebhook(h, b, [SECRET], now)
      return r._tag === 'Left' ? r.left.reason : 'accepted'
    }
    const { 'webhook-signature': _, ...unsigned } = headers
    expect(reason(unsigned)).toBe('MISSING_HEADER')
    expect(reason(headers, body, NOW + 301_000)).toBe('STALE_TIMESTAMP')
    expect(reason(headers, body, NOW - 301_000)).toBe('STALE_TIMESTAMP')
    expect(reason({ ...headers, 'webhook-timestamp': 'soon' })).toBe('STALE_TIMESTAMP')
    expect(reason({ ...signWebhook(event, ['another secret'], NOW).headers })).toBe('BAD_SIGNATURE')
    expect(reason(headers, body.replace('T-1', 'T-2'))).toBe('BAD_SIGNATURE')
    // Signed, but not a CloudEvent of Tessera.
    const notAnEvent = signWebhook({ ...event, type: 'com.example.other' } as CloudEvent, [SECRET], NOW)
    expect(reason({ ...notAnEvent.headers }, notAnEvent.body)).toBe('MALFORMED')
    const otherId = signWebhook(event, [SECRET], NOW)
    expect(reason({ ...otherId.headers, 'webhook-id': 'x' }, otherId.body)).toBe('BAD_SIGNATURE')
  })

  it('rotates secrets: signed with the new and the old, verified by a receiver holding either', () => {
    const { headers, body } = signWebhook(event, ['new-secret', SECRET], NOW)
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2)
    expect(verifyWebhook(headers, body, [SECRET], NOW)._tag).toBe('Right')
    expect(verifyWebhook(headers, body, ['new-secret'], NOW)._tag).toBe('Right')
    expect(verifyWebhook(headers, body, ['retired'], NOW)._tag).toBe('Left')
  })
})
