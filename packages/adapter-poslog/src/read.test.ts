import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DOCUMENT, importPosLogAll } from './import.js'
import type { ImportRecord } from './model.js'

const here = dirname(fileURLToPath(import.meta.url))
const shared = join(here, '../test/fixtures/public')
const own = join(here, '../test/fixtures')
const NCR = readFileSync(join(shared, 'ncr-acs/SMALL.xml'), 'utf8')
const RETALIX = readFileSync(join(shared, 'retalix-r10-v6/store0610-ws140-seq451.xml'), 'utf8')
const WINCOR = readFileSync(join(own, 'wincor-tpnet.xml'), 'utf8')
const ARTS = readFileSync(join(own, 'arts-v6-returns.xml'), 'utf8')
const NCR_REVERSAL = readFileSync(join(own, 'ncr-reversal.xml'), 'utf8')
const MALFORMED = readFileSync(join(own, 'malformed.xml'), 'utf8')

type Sale = Extract<ImportRecord, { kind: 'sale' }>
const sale = (r: ImportRecord | undefined): Sale => {
  if (r?.kind !== 'sale') throw new Error(`expected a sale, got ${JSON.stringify(r)}`)
  return r
}
const lineSum = (s: Sale) => s.basket.lines.reduce((t, l) => t + l.amount, 0)
const tenderSum = (s: Sale) => s.tenders.reduce((t, x) => t + x.amount, 0)
const summary = (records: readonly ImportRecord[]) =>
  records.map((r) =>
    r.kind === 'refused'
      ? [r.transactionId, r.kind, r.error.reason]
      : r.kind === 'skipped'
        ? [r.transactionId, r.kind, r.reason]
        : [r.transactionId, r.kind],
  )

/** Splits a text into chunks of `size` characters: the stream must not care where a chunk ends. */
const chunked = (text: string, size: number) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size))

describe('NCR ACS sample (kjbreil/poslog SMALL.xml)', () => {
  const options = { timeZone: 'America/New_York', weightUnit: 'lb' } as const

  it('skips the operator sign-on with its reason, and reads the sale in the NCR dialect', async () => {
    const records = await importPosLogAll(NCR, options)
    expect(summary(records)).toEqual([
      ['9-34-20170930-160', 'skipped', 'CONTROL_TRANSACTION'],
      ['9-34-20170930-161', 'sale'],
    ])
    expect(records[0]).toMatchObject({ detail: 'Valid SignOn', dialect: 'ncr-acs' })
    expect(records[1]?.dialect).toBe('ncr-acs')
  })

  it('sums the basket to the net of the Sale lines: one Sale, ExtendedAmount 1.26, no void', async () => {
    const s = sale((await importPosLogAll(NCR, options))[1])
    expect(lineSum(s)).toBe(126)
  })

  it('reads the keyed acs:weightItem apple as a weight line of 0.42 (EntryMethod is Keyed, not Weighed)', async () => {
    const s = sale((await importPosLogAll(NCR, options))[1])
    expect(s.basket.lines).toEqual([
      {
        id: '1',
        sku: '00000000067591',
        quantity: 0.42,
        unit: 'lb',
        unitPrice: 299,
        amount: 126,
        categories: ['6'],
      },
    ])
    expect(s.descriptions).toEqual({ '1': 'APPLE HONEYCRISP ORG' })
  })

  it('checks the grand total: 1.07 = GrossPositive 1.26 + GrossNegative −0.19 = Σ tenders (the debit 1.07)', async () => {
    const s = sale((await importPosLogAll(NCR, options))[1])
    expect(s.totals.TransactionGrandAmount).toBe(107)
    expect((s.totals['acs:GrossPositive'] ?? 0) + (s.totals['acs:GrossNegative'] ?? 0)).toBe(107)
    expect(tenderSum(s)).toBe(107)
  })

  it('counts the 15 % reward once (detailed line 5, not its summarized copy on line 8), and custom offers as counts', async () => {
    const s = sale((await importPosLogAll(NCR, options))[1])
    const money = s.tillRewards.filter((r) => r.amount !== undefined)
    expect(money).toEqual([{ lineId: '5', promotionId: '5123', type: 'PercentOff', amount: 19 }])
    // The money off the till gave equals −GrossNegative: counted twice it would be 38.
    expect(money.reduce((t, r) => t + (r.amount ?? 0), 0)).toBe(-(s.totals['acs:GrossNegative'] ?? 0))
    expect(s.tillRewards.filter((r) => r.count !== undefined).map((r) => [r.lineId, r.count])).toEqual([
      ['4', 1],
      ['9', 1],
    ])
  })

  it('takes the card from acs:LoyaltyMembership as an opaque string, and dates the sale in the store zone', async () => {
    const s = sale((await importPosLogAll(NCR, options))[1])
    expect(s.basket.card).toBe('0000000000000040000066677')
    expect(s.customer).toEqual({ card: '0000000000000040000066677' })
    expect(s.basket.at).toBe('2017-10-01T02:02:54-04:00') // EDT on 1 October
  })

  it('refuses a local time without a time zone, naming the element, and still skips the sign-on', async () => {
    const records = await importPosLogAll(NCR)
    expect(summary(records)).toEqual([
      ['9-34-20170930-160', 'skipped', 'CONTROL_TRANSACTION'],
      ['9-34-20170930-161', 'refused', 'BAD_TIMESTAMP'],
    ])
    const r = records[1]
    if (r?.kind !== 'refused') throw new Error('refused expected')
    expect(r.error.path).toBe('POSLog/Transaction[2]/EndDateTime')
    expect(r.error.message).toMatch(/has no UTC offset; pass the store's time zone/)
  })

  it('refuses an unknown time zone', async () => {
    const [, r] = await importPosLogAll(NCR, { timeZone: 'Mars/Olympus' })
    expect(r).toMatchObject({ kind: 'refused', reason: 'BAD_TIMESTAMP' })
  })
})

describe('Retalix R10 sample (amient/goconnect)', () => {
  it('reads the sale: three lines summing to 6.57, the net of the Sale lines (2.59 + 1.99 + 1.99)', async () => {
    const records = await importPosLogAll(RETALIX)
    expect(summary(records)).toEqual([['0610-140-20160822-451', 'sale']])
    const s = sale(records[0])
    expect(s.dialect).toBe('retalix')
    expect(lineSum(s)).toBe(657)
    expect(s.totals.TransactionNetAmount).toBe(657)
    expect(tenderSum(s)).toBe(657)
  })

  it('keeps the cola a unit line: 1.99 × 1 EA is its ExtendedAmount, the Kg 0.127 would price it at 15.67/kg', async () => {
    const s = sale((await importPosLogAll(RETALIX))[0])
    expect(s.basket.lines[1]).toMatchObject({ sku: '1329421', quantity: 1, unitPrice: 199, amount: 199 })
    expect(s.basket.lines[1]?.unit).toBeUndefined()
    expect(s.basket.lines.every((l) => (l.unit ?? 'each') === 'each')).toBe(true)
  })

  it('counts tax once: the summary rows give 0.66 (X:TransactionTaxIncluded), not the 1.32 of every Tax', async () => {
    const s = sale((await importPosLogAll(RETALIX))[0])
    expect(s.taxTotal).toBe(66)
    expect(s.totals['X:TransactionTaxIncluded']).toBe(66)
  })

  it('never reads the Totals inside the r10Ex TotalKey (another namespace) as transaction totals', async () => {
    const s = sale((await importPosLogAll(RETALIX))[0])
    // TransactionGrossAmount exists only inside <TotalKey xmlns="http://www.Retalix.com/Extensions">.
    expect(s.totals.TransactionGrossAmount).toBeUndefined()
    expect(s.totals['']).toBe(657) // the Total without TotalType
  })

  it('maps hierarchy paths to categories, the VAT rate, trimmed descriptions and the 7-digit timestamp', async () => {
    const s = sale((await importPosLogAll(RETALIX))[0])
    expect(s.basket.lines.map((l) => [l.categories, l.taxRate])).toEqual([
      [['1_09_4111/2_09_1955/3_09_419'], 0],
      [['1_09_5418/2_09_156/3_09_291'], 20],
      [['1_09_5554/2_09_1059/3_09_102'], 20],
    ])
    expect(s.descriptions['3']).toBe('CND S/SKM MLK X6')
    expect(s.basket.at).toBe('2016-08-22T15:21:54.4833703+01:00')
    expect(s.basket).toMatchObject({ storeId: '0610', terminalId: '140', currency: 'GBP', pricesIncludeTax: true })
  })

  it('reads the same records whatever the chunk size of the stream', async () => {
    const whole = await importPosLogAll(RETALIX)
    expect(await importPosLogAll(chunked(RETALIX, 13))).toEqual(whole)
    expect(await importPosLogAll([new TextEncoder().encode(RETALIX)])).toEqual(whole)
  })
})

describe('Wincor TP.net (own fixture)', () => {
  it('nets the positive void linked by ItemLink to CreateRefNumber 101: 2 fineliners − 1 = 1', async () => {
    const records = await importPosLogAll(WINCOR, { gs1Country: 'DE' })
    expect(summary(records)).toEqual([
      ['1207-4-20261126-3381', 'sale'],
      ['1207-4-20261126-3382', 'skipped', 'TRAINING_MODE'],
      ['1207-4-20261126-3383', 'skipped', 'SUSPENDED'],
    ])
    const s = sale(records[0])
    expect(s.dialect).toBe('wincor')
    expect(s.basket.lines.map((l) => [l.id, l.sku, l.quantity, l.amount])).toEqual([
      ['1', '4006381333931', 1, 499],
      ['2', '4000417025005', 1, 129],
      ['4', '2811110000006', 6.87, 886],
    ])
    // By hand: Sale lines 9.98 + 1.29 + 8.86 = 20.13, less the void 4.99 = 15.14; the −0.75 deposit
    // refund is not merchandise. Grand total 14.39 = 15.14 − 0.75 = the cash tender.
    expect(lineSum(s)).toBe(1514)
    expect(s.nonMerchandise).toEqual([{ lineId: '5', sku: '2000000000046', description: 'LEERGUT BON', amount: -75 }])
    expect(lineSum(s) + s.nonMerchandise.reduce((t, n) => t + n.amount, 0)).toBe(s.totals.TransactionGrandAmount)
    expect(tenderSum(s)).toBe(1439)
    expect(s.basket.card).toBe('T220001293')
  })

  it('reads the GS1 weight barcode (DE 28…) as a weight line, looked up with the weight zeroed', async () => {
    const s = sale((await importPosLogAll(WINCOR, { gs1Country: 'DE' }))[0])
    expect(s.basket.lines[2]).toMatchObject({ sku: '2811110000006', quantity: 6.87, unit: 'kg', unitPrice: 1290 })
    const plain = sale((await importPosLogAll(WINCOR))[0])
    expect(plain.basket.lines[2]).toMatchObject({ sku: '2811111068708', quantity: 1 })
  })

  it('lets the caller force a dialect: read as plain ARTS, the flagged line is itself the void', async () => {
    const s = sale((await importPosLogAll(WINCOR, { dialect: 'arts' }))[0])
    expect(s.dialect).toBe('arts')
    expect(s.basket.lines.map((l) => [l.id, l.quantity])).toEqual([
      ['1', 2],
      ['2', 1],
      ['4', 1],
    ])
  })
})

describe('NCR reversal void (own fixture)', () => {
  it('nets the negative VoidFlag line against the earlier sale of the same item', async () => {
    const s = sale((await importPosLogAll(NCR_REVERSAL, { timeZone: 'America/New_York' }))[0])
    expect(s.basket.lines.map((l) => [l.id, l.quantity, l.amount])).toEqual([['1', 1, 279]])
    // Grand 2.79 = GrossPositive 5.58 + GrossNegative −2.79 = Σ tenders = Σ lines after the void.
    expect((s.totals['acs:GrossPositive'] ?? 0) + (s.totals['acs:GrossNegative'] ?? 0)).toBe(279)
    expect(tenderSum(s)).toBe(279)
    expect(lineSum(s)).toBe(279)
  })

  it('refuses a reversal that reverses nothing, naming its line', async () => {
    const broken = NCR_REVERSAL.replace(
      '<ExtendedAmount>-2.79</ExtendedAmount>',
      '<ExtendedAmount>-9.99</ExtendedAmount>',
    )
    const [r] = await importPosLogAll(broken, { timeZone: 'America/New_York' })
    expect(r).toMatchObject({ kind: 'refused', reason: 'UNMATCHED_VOID' })
    expect(r?.kind === 'refused' && r.error.path).toBe('POSLog/Transaction[1]/RetailTransaction/LineItem[2]')
  })
})

describe('ARTS v6 with a prefix, returns and skips (own fixture)', () => {
  it('reads a prefixed document, drops zero decimals past the currency, and links the return to its sale', async () => {
    const records = await importPosLogAll(ARTS)
    expect(summary(records)).toEqual([
      ['0042-03-20261126-187', 'sale'],
      ['0042-03-20261127-201', 'return'],
      ['0042-03-20261127-202', 'skipped', 'VOIDED'],
      ['0042-03-20261127-203', 'skipped', 'NOT_A_RETAIL_TRANSACTION'],
    ])
    const s = sale(records[0])
    expect(s.basket.lines.map((l) => [l.sku, l.quantity, l.unit ?? 'each', l.amount])).toEqual([
      ['3017620422003', 2, 'each', 698],
      ['2000123000000', 0.532, 'kg', 691],
    ])
    expect(s.basket.at).toBe('2026-11-26T10:15:00.1234567+01:00')
    const back = records[1]
    if (back?.kind !== 'return') throw new Error('return expected')
    expect(back.return).toEqual({
      returnId: '0042-03-20261127-201',
      at: '2026-11-27T16:40:00+01:00',
      lines: [
        {
          lineId: '1',
          sku: '3017620422003',
          quantity: 1, // written −1.0000, with a positive amount
          unit: 'each',
          amount: 349,
          original: { transactionId: '0042-03-20261126-187', lineId: '1' },
        },
      ],
    })
    expect(back.refunds).toEqual([{ type: 'Cash', amount: 349 }])
    expect(back.totals.TransactionGrandAmount).toBe(-349)
  })
})

describe('malformed and truncated documents', () => {
  it('refuses each bad transaction with its reason and path, and imports those before and after', async () => {
    for (const size of [MALFORMED.length, 61, 7]) {
      const records = await importPosLogAll(chunked(MALFORMED, size))
      expect(summary(records)).toEqual([
        ['5-1-20261126-1', 'sale'],
        ['#2', 'refused', 'WRONG_NAMESPACE'],
        ['#3', 'refused', 'MISSING_FIELD'],
        ['5-1-20261126-4', 'refused', 'BAD_AMOUNT'],
        ['5-1-20261126-5', 'refused', 'MALFORMED_XML'],
        ['5-1-20261126-6', 'sale'],
      ])
      const errors = records.flatMap((r) => (r.kind === 'refused' ? [[r.error.path, r.error.line]] : []))
      expect(errors).toEqual([
        ['POSLog/Transaction[2]', 5],
        ['POSLog/Transaction[3]', 7],
        ['POSLog/Transaction[4]/RetailTransaction/LineItem/Sale/ExtendedAmount', 10],
        ['POSLog/Transaction[5]/RetailTransaction/LineItem/Sale', 12],
      ])
    }
  })

  it('says why: the wrong namespace, the missing sequence number, the non-numeric amount', async () => {
    const records = await importPosLogAll(MALFORMED)
    const messages = records.flatMap((r) => (r.kind === 'refused' ? [r.error.message] : []))
    expect(messages[0]).toMatch(/namespace "urn:not-arts", not ARTS POSLog/)
    expect(messages[1]).toMatch(/transaction #3: has no SequenceNumber/)
    expect(messages[2]).toMatch(/ExtendedAmount: "four euros" is not a decimal number/)
    expect(messages[3]).toMatch(/unexpected close tag/)
  })

  it('refuses a transaction cut by the end of the file as TRUNCATED, after the complete ones', async () => {
    const cut = MALFORMED.slice(0, MALFORMED.lastIndexOf('<Sale>'))
    const records = await importPosLogAll(cut)
    expect(summary(records).slice(-2)).toEqual([
      ['5-1-20261126-5', 'refused', 'MALFORMED_XML'],
      ['5-1-20261126-6', 'refused', 'TRUNCATED'],
    ])
    const retalix = await importPosLogAll(RETALIX.slice(0, 15_000))
    expect(summary(retalix)).toEqual([['#1', 'refused', 'TRUNCATED']])
  })

  it('reports a file cut between transactions as a document problem', async () => {
    const records = await importPosLogAll(WINCOR.slice(0, WINCOR.indexOf('<Transaction TrainingModeFlag')))
    expect(summary(records)).toEqual([
      ['1207-4-20261126-3381', 'sale'],
      [DOCUMENT, 'refused', 'TRUNCATED'],
    ])
  })

  it('refuses a root in another namespace, and what is not XML at all', async () => {
    expect(
      summary(
        await importPosLogAll(RETALIX.replace('xmlns="http://www.nrf-arts.org/IXRetail/namespace/"', 'xmlns="urn:x"')),
      ),
    ).toEqual([[DOCUMENT, 'refused', 'WRONG_NAMESPACE']])
    expect(summary(await importPosLogAll('not xml')).at(-1)).toEqual([DOCUMENT, 'refused', 'NOT_POSLOG'])
    expect(summary(await importPosLogAll('<html><body/></html>'))).toEqual([[DOCUMENT, 'refused', 'NOT_POSLOG']])
  })

  it('refuses a basket the core refuses, naming the line element and the basket field', async () => {
    const bad = RETALIX.replace(
      '<Quantity EntryMethod="Automatic" UnitOfMeasureCode="EA" Units="1">1</Quantity>\n          <Tax',
      '<Quantity EntryMethod="Automatic" UnitOfMeasureCode="EA" Units="1">1.5</Quantity>\n          <Tax',
    )
    const [r] = await importPosLogAll(bad)
    if (r?.kind !== 'refused') throw new Error('refused expected')
    expect(r.reason).toBe('INVALID_BASKET')
    expect(r.error.problems?.[0]?.path).toBe(
      'POSLog/Transaction[1]/RetailTransaction/LineItem[1] (basket lines.0.quantity)',
    )
    expect(r.error.problems?.[0]?.reason).toMatch(/must be a whole number/)
  })

  it('refuses a transaction without a currency unless the caller names one', async () => {
    const noCurrency = MALFORMED.replace(/<CurrencyCode>EUR<\/CurrencyCode>/g, '')
    const [first] = await importPosLogAll(noCurrency)
    expect(first).toMatchObject({ kind: 'refused', reason: 'UNKNOWN_CURRENCY' })
    const [named] = await importPosLogAll(noCurrency, { currency: 'EUR' })
    expect(named?.kind).toBe('sale')
  })
})

describe('namespaces, resolved by scope of declaration', () => {
  const ARTS_NS = 'http://www.nrf-arts.org/IXRetail/namespace/'
  const ACS_NS = 'http://www.ncr.com/rsd/acs/tlog/markup/poslog/2.1'
  const header = (p: string, seq: number) =>
    `<${p}RetailStoreID>5</${p}RetailStoreID><${p}WorkstationID>1</${p}WorkstationID><${p}SequenceNumber>${seq}</${p}SequenceNumber>` +
    `<${p}BusinessDayDate>2026-11-26</${p}BusinessDayDate><${p}EndDateTime>2026-11-26T09:0${seq}:00+01:00</${p}EndDateTime><${p}CurrencyCode>EUR</${p}CurrencyCode>`
  const sale = (p: string, sku: string, amount: string) =>
    `<${p}Sale><${p}ItemID>${sku}</${p}ItemID><${p}RegularSalesUnitPrice>${amount}</${p}RegularSalesUnitPrice><${p}ExtendedAmount>${amount}</${p}ExtendedAmount><${p}Quantity>1</${p}Quantity></${p}Sale>`
  const doc = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<POSLog xmlns="${ARTS_NS}">`,
    // 1: ARTS and ACS bound to prefixes of the transaction's own, on the transaction.
    `<a:Transaction xmlns:a="${ARTS_NS}" xmlns:n="${ACS_NS}">${header('a:', 1)}<a:RetailTransaction>` +
      `<a:LineItem n:weightItem="true"><a:SequenceNumber>1</a:SequenceNumber>${sale('a:', 'A', '2.00')}</a:LineItem>` +
      '</a:RetailTransaction></a:Transaction>',
    // 2: the n prefix again, out of the scope that bound it.
    `<Transaction>${header('', 2)}<RetailTransaction>` +
      `<LineItem n:weightItem="true"><SequenceNumber>1</SequenceNumber>${sale('', 'B', '3.00')}</LineItem>` +
      '</RetailTransaction></Transaction>',
    // 3: a line whose default namespace is another one is no ARTS line; the next line is ARTS again.
    `<Transaction>${header('', 3)}<RetailTransaction>` +
      `<LineItem xmlns="urn:other"><SequenceNumber>1</SequenceNumber>${sale('', 'C', '4.00')}</LineItem>` +
      `<LineItem><SequenceNumber>2</SequenceNumber>${sale('', 'D', '5.00')}</LineItem>` +
      '</RetailTransaction></Transaction>',
    // 4: one attribute given twice under two prefixes of the same namespace.
    `<Transaction>${header('', 4)}<RetailTransaction>` +
      `<LineItem xmlns:v="${ARTS_NS}" xmlns:w="${ARTS_NS}" v:VoidFlag="false" w:VoidFlag="false"><SequenceNumber>1</SequenceNumber>${sale('', 'E', '6.00')}</LineItem>` +
      '</RetailTransaction></Transaction>',
    `<Transaction>${header('', 5)}<RetailTransaction>` +
      `<LineItem><SequenceNumber>1</SequenceNumber>${sale('', 'F', '7.00')}</LineItem>` +
      '</RetailTransaction></Transaction>',
    '</POSLog>\n',
  ].join('\n')

  it('reads prefixes declared on a transaction, and refuses them once their scope is closed', async () => {
    for (const size of [doc.length, 61, 7]) {
      const records = await importPosLogAll(chunked(doc, size))
      expect(summary(records)).toEqual([
        ['5-1-20261126-1', 'sale'],
        ['5-1-20261126-2', 'refused', 'MALFORMED_XML'],
        ['5-1-20261126-3', 'sale'],
        ['5-1-20261126-4', 'refused', 'MALFORMED_XML'],
        ['5-1-20261126-5', 'sale'],
      ])
      // 1: n:weightItem is ACS's weightItem: an NCR weighed line, 1 kg, though its Quantity has no unit.
      const first = records[0] as Sale
      expect(first.dialect).toBe('ncr-acs')
      expect(first.basket.lines.map((l) => [l.sku, l.quantity, l.unit])).toEqual([['A', 1, 'kg']])
      const errors = records.flatMap((r) => (r.kind === 'refused' ? [[r.error.path, r.error.message]] : []))
      expect(errors).toEqual([
        ['POSLog/Transaction[2]/RetailTransaction', expect.stringMatching(/unbound namespace prefix: "n"/)],
        ['POSLog/Transaction[4]/RetailTransaction', expect.stringMatching(/duplicate attribute: \{.*\}VoidFlag/)],
      ])
      // 3: only the ARTS line is a basket line.
      expect((records[2] as Sale).basket.lines.map((l) => l.sku)).toEqual(['D'])
      expect((records[4] as Sale).basket.lines.map((l) => l.sku)).toEqual(['F'])
    }
  })
})
