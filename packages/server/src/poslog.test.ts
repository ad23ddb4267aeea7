import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { importPosLogAll } from '@tessera/adapter-poslog'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CARD, fixedAt, makeWorld, type World } from '../test/world.js'

// The adapter's own ARTS v6 sample: a sale at store 0042 (2 × 3,49 € and 0,532 kg of cheese, with
// the member's card) and, the next day, the return of one of the two jars.
const fixture = readFileSync(
  join(import.meta.dirname, '../../adapter-poslog/test/fixtures/arts-v6-returns.xml'),
  'utf8',
)
const [head, ...transactions] = fixture.split('<p:Transaction>')
const tail = '</p:POSLog>\n'
/** One transaction of the sample as a document of its own, as a till sends it. */
const single = (i: number) =>
  `${head}<p:Transaction>${(transactions[i] ?? '').split('</p:POSLog>')[0]?.replace(/\s*$/, '')}\n${tail}`
const SALE = single(0)
const RETURN = single(1)

let w: World
beforeAll(async () => {
  // The server's clock after the sale and its return, so the card's balance shows what they booked.
  w = await makeWorld('sqlite', { clock: fixedAt('2026-11-28T09:00:00+01:00') })
})
afterAll(async () => w?.dispose())

const postXml = (payload: string, headers: Record<string, string> = {}) =>
  w.app.inject({
    method: 'POST',
    url: '/v1/poslog',
    payload,
    headers: { ...w.auth, 'content-type': 'application/xml', ...headers },
  })
const available = async () =>
  (await w.app.inject({ method: 'GET', url: `/v1/cards/${CARD}`, headers: w.auth })).json().balance.available

describe('POST /v1/poslog', () => {
  it('closes a POSLog sale and answers the POSLog of its receipt, which reads back to the same basket', async () => {
    const before = await available()
    const r = await postXml(SALE)
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toMatch(/^application\/xml/)
    const [sent] = await importPosLogAll(SALE)
    const [answered] = await importPosLogAll(r.body)
    if (sent?.kind !== 'sale' || answered?.kind !== 'sale') throw new Error('two sales expected')
    expect(answered.transactionId).toBe('0042-03-20261126-187')
    expect(answered.basket).toEqual(sent.basket)
    // 6,98 € + 6,91 € at 1 point per euro: 13 points, and the account shows them.
    expect(answered.points?.earned).toBe(13)
    expect(await available()).toBe(before + 13)
    // The same transaction again (a till that did not get the answer) books nothing and gets the same bytes.
    const again = await postXml(SALE)
    expect(again.statusCode).toBe(200)
    expect(again.body).toBe(r.body)
    expect(await available()).toBe(before + 13)
  })

  // The sale's 13 points are split 7 / 6 over its two lines, the jars' 7 over their 2 units 4 / 3:
  // the first jar back takes back 4.
  it('takes the return through the return flow once, answered as JSON', async () => {
    const before = await available()
    const r = await postXml(RETURN)
    expect(r.statusCode).toBe(200)
    const body = r.json()
    expect(body).toMatchObject({ transactionId: '0042-03-20261127-201', status: 'returned' })
    expect(body.returns).toHaveLength(1)
    expect(body.returns[0]).toMatchObject({ transactionId: '0042-03-20261126-187', pointsClawedBack: 4 })
    expect(await available()).toBe(before - 4)
    const again = await postXml(RETURN)
    expect(again.json().returns).toEqual(body.returns)
    expect(await available()).toBe(before - 4)
  })

  it('answers JSON when the caller asks for it', async () => {
    const r = await postXml(SALE, { accept: 'application/json' })
    expect(r.json()).toMatchObject({ transactionId: '0042-03-20261126-187', receipt: { points: { earned: 13 } } })
  })

  it('says why a transaction is skipped (training mode)', async () => {
    const training = SALE.replace('<p:Transaction>', '<p:Transaction TrainingModeFlag="true">').replace(
      '<p:SequenceNumber>187',
      '<p:SequenceNumber>188',
    )
    const r = await postXml(training)
    expect(r.statusCode).toBe(200)
    expect(r.json()).toEqual({ transactionId: '0042-03-20261126-188', status: 'skipped', reason: 'TRAINING_MODE' })
  })

  it('refuses bad input with a problem naming the XML path, and books nothing', async () => {
    const before = await available()
    const empty = await postXml('')
    expect(empty.statusCode).toBe(400)
    const truncated = await postXml(SALE.slice(0, SALE.indexOf('</p:RetailTransaction>')))
    expect(truncated.statusCode).toBe(400)
    expect(truncated.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(truncated.json().errors[0].path).toMatch(/POSLog|Transaction/)
    const amount = await postXml(SALE.replace('<p:SequenceNumber>187', '<p:SequenceNumber>189').replace('6.980', 'six'))
    expect(amount.statusCode).toBe(400)
    expect(amount.json().errors[0].path).toMatch(/ExtendedAmount/)
    const two = await postXml(fixture)
    expect(two.statusCode).toBe(400)
    expect(two.json().errors[0]).toMatchObject({
      path: 'POSLog',
      reason: expect.stringMatching(/holds 4 transactions: replay a whole file/),
    })
    const other = await postXml(SALE.replace('<p:SequenceNumber>187', '<p:SequenceNumber>190'), {
      authorization: `Bearer ${w.otherShopKey}`,
    })
    expect(other.statusCode).toBe(403)
    const noKey = await w.app.inject({
      method: 'POST',
      url: '/v1/poslog',
      payload: SALE,
      headers: { 'content-type': 'application/xml' },
    })
    expect(noKey.statusCode).toBe(401)
    const xmlElsewhere = await w.app.inject({
      method: 'POST',
      url: '/v1/price',
      payload: SALE,
      headers: { ...w.auth, 'content-type': 'application/xml' },
    })
    expect(xmlElsewhere.statusCode).toBe(415)
    expect(await available()).toBe(before)
  })
})
