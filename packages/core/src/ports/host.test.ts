import { afterEach, describe, expect, it } from 'vitest'
import { formatMoney } from '../money/format.js'
import { type Money, minor } from '../money/Money.js'
import { isKnownTimeZone, timeZoneOffsetMinutes } from '../time/zone.js'
import { tableTimeZoneRules } from '../time/zoneTable.js'
import { builtInHost, defaultHost, useHost } from './host.js'

const EUR = (amount: number): Money => ({ amount: minor(amount), currency: 'EUR' as Money['currency'] })

afterEach(() => {
  useHost(defaultHost)
})

describe('the host ports', () => {
  it('uses Intl by default in Node: any IANA zone, any locale', () => {
    expect(isKnownTimeZone('Asia/Kathmandu')).toBe(true)
    expect(timeZoneOffsetMinutes(Date.parse('2026-06-01T00:00:00Z'), 'Asia/Kathmandu')).toBe(345)
    expect(formatMoney(EUR(2999), 'fr-FR').replace(/\s/g, ' ')).toBe('29,99 €')
    expect(formatMoney(EUR(2999), 'pt-BR').replace(/\s/g, ' ')).toBe('€ 29,99')
  })

  it('with the built-in host, judges the table zones and formats money as Intl does in en-GB (any locale)', () => {
    useHost(builtInHost)
    expect(isKnownTimeZone('Europe/Paris')).toBe(true)
    expect(isKnownTimeZone('Asia/Kathmandu')).toBe(false)
    expect(timeZoneOffsetMinutes(Date.parse('2026-07-01T12:00:00Z'), 'Europe/Paris')).toBe(120)
    expect(formatMoney(EUR(350))).toBe('€3.50')
    expect(formatMoney(EUR(2999), 'fr-FR')).toBe('€29.99')
  })

  it('takes a bundle’s own zone table and gives back the host it replaced', () => {
    const previous = useHost({ timeZones: tableTimeZoneRules({ 'Asia/Kathmandu': [345, ''] }) })
    expect(previous).toBe(defaultHost)
    expect(isKnownTimeZone('Asia/Kathmandu')).toBe(true)
    expect(isKnownTimeZone('Europe/Paris')).toBe(false)
  })

  it('refuses an offset for an unknown zone with a RangeError naming it (zones are checked when decoded)', () => {
    expect(() => timeZoneOffsetMinutes(0, 'Mars/Olympus_Mons')).toThrow(/unknown time zone "Mars\/Olympus_Mons"/)
  })
})
