/**
 * Generates `src/time/zones.generated.ts`, the built-in time-zone table of the engine, from the
 * tzdata of this Node's `Intl`: `pnpm --filter @tessera/core generate:zones [Zone/Name ...]`.
 *
 * For each zone it finds every offset change from FROM_YEAR to UNTIL_YEAR (daily probes, then a
 * binary search to the minute), infers the yearly rules tzdata would write ("Sun >= 25 of March at
 * 02:00") from the last years, walks back to the first year from which those rules reproduce every
 * change, and keeps the changes before it explicitly. `src/time/zoneTable.test.ts` checks the table
 * against `Intl` again. Rerun it when Node's tzdata changes (that test fails then).
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ZoneChangeRule, ZoneEntry } from '../src/time/zoneTable.js'

const FROM_YEAR = 2020
const UNTIL_YEAR = 2060
const MINUTE_MS = 60_000
const DAY_MS = 86_400_000

/** The zones of the shops Tessera is built for; pass names on the command line for another set. */
const DEFAULT_ZONES = [
  'UTC',
  // Europe
  'Europe/London',
  'Europe/Dublin',
  'Europe/Lisbon',
  'Atlantic/Canary',
  'Europe/Paris',
  'Europe/Brussels',
  'Europe/Amsterdam',
  'Europe/Luxembourg',
  'Europe/Berlin',
  'Europe/Zurich',
  'Europe/Vienna',
  'Europe/Rome',
  'Europe/Madrid',
  'Europe/Monaco',
  'Europe/Copenhagen',
  'Europe/Oslo',
  'Europe/Stockholm',
  'Europe/Helsinki',
  'Europe/Tallinn',
  'Europe/Riga',
  'Europe/Vilnius',
  'Europe/Warsaw',
  'Europe/Prague',
  'Europe/Bratislava',
  'Europe/Budapest',
  'Europe/Ljubljana',
  'Europe/Zagreb',
  'Europe/Belgrade',
  'Europe/Bucharest',
  'Europe/Sofia',
  'Europe/Athens',
  'Europe/Istanbul',
  'Europe/Kyiv',
  'Europe/Malta',
  'Asia/Nicosia',
  'Atlantic/Reykjavik',
  // Africa and the Middle East
  'Africa/Casablanca',
  'Africa/Algiers',
  'Africa/Tunis',
  'Africa/Cairo',
  'Africa/Lagos',
  'Africa/Abidjan',
  'Africa/Dakar',
  'Africa/Nairobi',
  'Africa/Johannesburg',
  'Indian/Reunion',
  'Asia/Jerusalem',
  'Asia/Dubai',
  'Asia/Riyadh',
  // The Americas
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Toronto',
  'America/Vancouver',
  'America/Halifax',
  'America/St_Johns',
  'America/Mexico_City',
  'America/Bogota',
  'America/Lima',
  'America/Santiago',
  'America/Argentina/Buenos_Aires',
  'America/Sao_Paulo',
  'America/Guadeloupe',
  'America/Martinique',
  // Asia and the Pacific
  'Asia/Kolkata',
  'Asia/Bangkok',
  'Asia/Singapore',
  'Asia/Kuala_Lumpur',
  'Asia/Jakarta',
  'Asia/Manila',
  'Asia/Hong_Kong',
  'Asia/Shanghai',
  'Asia/Taipei',
  'Asia/Seoul',
  'Asia/Tokyo',
  'Australia/Perth',
  'Australia/Adelaide',
  'Australia/Brisbane',
  'Australia/Sydney',
  'Australia/Melbourne',
  'Pacific/Auckland',
  'Pacific/Noumea',
  'Pacific/Tahiti',
]

const formats = new Map<string, Intl.DateTimeFormat>()
/** The zone's offset at an instant, from Intl. */
export const intlOffset = (ms: number, zone: string): number => {
  let f = formats.get(zone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    formats.set(zone, f)
  }
  const name = f.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name)
  return m === null ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]))
}

type Change = readonly [ms: number, offset: number, before: number]

const changesOf = (zone: string): { initial: number; changes: Change[] } => {
  const start = Date.UTC(FROM_YEAR, 0, 1)
  const end = Date.UTC(UNTIL_YEAR + 1, 0, 1)
  const initial = intlOffset(start, zone)
  const changes: Change[] = []
  let previous = initial
  for (let t = start + DAY_MS; t <= end; t += DAY_MS) {
    const offset = intlOffset(t, zone)
    if (offset === previous) continue
    // the change is in (t - 1 day, t]: search it to the minute
    let lo = (t - DAY_MS) / MINUTE_MS
    let hi = t / MINUTE_MS
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2)
      if (intlOffset(mid * MINUTE_MS, zone) === previous) lo = mid
      else hi = mid
    }
    changes.push([hi * MINUTE_MS, offset, previous])
    previous = offset
  }
  return { initial, changes }
}

/** The change a rule makes in a year (same arithmetic as the runtime, `zoneTable.ts`). */
const ruleChange = (year: number, rule: ZoneChangeRule, before: number): number => {
  const [, month, weekday, onOrAfter, localMinutes] = rule
  const first = Date.UTC(year, month - 1, onOrAfter)
  return first + ((weekday - new Date(first).getUTCDay() + 7) % 7) * DAY_MS + (localMinutes - before) * MINUTE_MS
}

/** The candidate rules for one change: the same weekday on or after each of the 7 days before it. */
const candidatesOf = ([ms, offset, before]: Change): ZoneChangeRule[] => {
  const local = new Date(ms + before * MINUTE_MS)
  const day = local.getUTCDate()
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes()
  const out: ZoneChangeRule[] = []
  for (let d = day; d > day - 7 && d >= 1; d--)
    out.push([offset, local.getUTCMonth() + 1, local.getUTCDay(), d, minutes])
  return out
}

/** The changes rules predict for the years [from, UNTIL_YEAR]. */
const predicted = (rules: readonly ZoneChangeRule[], from: number): Change[] => {
  const out: Change[] = []
  for (let y = from; y <= UNTIL_YEAR; y++) {
    rules.forEach((r, i) => {
      const before = (rules[(i + rules.length - 1) % rules.length] as ZoneChangeRule)[0]
      out.push([ruleChange(y, r, before), r[0], before])
    })
  }
  return out
}

const sameChanges = (a: readonly Change[], b: readonly Change[]) =>
  a.length === b.length && a.every((c, i) => c[0] === b[i]?.[0] && c[1] === b[i]?.[1])

/** The zone's entry: yearly rules from the earliest year they hold, the earlier changes explicit. */
const entryOf = (zone: string): ZoneEntry => {
  const { initial, changes } = changesOf(zone)
  const explicit = (upTo: number) => {
    let previous = 0
    return changes
      .filter((c) => c[0] < upTo)
      .map((c) => {
        const minutes = c[0] / MINUTE_MS
        const token = `${(minutes - previous).toString(36)}${c[1] < 0 ? '' : '+'}${c[1]}`
        previous = minutes
        return token
      })
      .join(' ')
  }
  const last = changes.filter((c) => new Date(c[0]).getUTCFullYear() === UNTIL_YEAR)
  if (last.length !== 2) {
    if (last.length > 0) console.warn(`${zone}: ${last.length} changes in ${UNTIL_YEAR}, no yearly rule: all explicit`)
    return [initial, explicit(Number.POSITIVE_INFINITY)]
  }
  let best: { from: number; rules: ZoneChangeRule[] } | undefined
  for (const a of candidatesOf(last[0] as Change)) {
    for (const b of candidatesOf(last[1] as Change)) {
      const rules = [a, b]
      let from = UNTIL_YEAR + 1
      for (let y = UNTIL_YEAR; y >= FROM_YEAR; y--) {
        const since = Date.UTC(y, 0, 1)
        const actual = changes.filter((c) => c[0] >= since)
        // the rules must also give the offset in force on January 1 of that year
        if (!sameChanges(predicted(rules, y), actual) || intlOffset(since, zone) !== b[0]) break
        from = y
      }
      if (from <= UNTIL_YEAR && (best === undefined || from < best.from)) best = { from, rules }
    }
  }
  if (best === undefined) {
    console.warn(`${zone}: no yearly rule reproduces ${UNTIL_YEAR}: all explicit`)
    return [initial, explicit(Number.POSITIVE_INFINITY)]
  }
  // rules that hold from the table's start are taken to hold before it too: they start in 1970
  return [initial, explicit(Date.UTC(best.from, 0, 1)), best.from === FROM_YEAR ? 1970 : best.from, best.rules]
}

const zones = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT_ZONES
const entries = zones.map((zone) => [zone, entryOf(zone)] as const)
// rules shared by several zones (the EU's, the US's) are written once
const uses = new Map<string, number>()
for (const [, e] of entries)
  if (e[3] !== undefined) uses.set(JSON.stringify(e[3]), (uses.get(JSON.stringify(e[3])) ?? 0) + 1)
const shared = [...uses].filter(([, n]) => n > 1).map(([json], i) => [json, `RULES_${i}`] as const)
const nameOf = new Map(shared)
const sourceOf = ([offset, changes, from, rules]: ZoneEntry) =>
  `[${offset}, ${JSON.stringify(changes)}${rules === undefined ? '' : `, ${from}, ${nameOf.get(JSON.stringify(rules)) ?? JSON.stringify(rules)}`}]`
// and so are whole entries shared by several zones (most of the EU's)
const entryUses = new Map<string, number>()
for (const [, e] of entries) entryUses.set(sourceOf(e), (entryUses.get(sourceOf(e)) ?? 0) + 1)
const sharedEntries = [...entryUses].filter(([, n]) => n > 1).map(([source], i) => [source, `ZONE_${i}`] as const)
const entryName = new Map(sharedEntries)
const areas = new Map<string, string[]>()
for (const [zone, entry] of entries) {
  const slash = zone.indexOf('/')
  const [area, city] = slash < 0 ? ['', zone] : [zone.slice(0, slash), zone.slice(slash + 1)]
  const source = entryName.get(sourceOf(entry)) ?? sourceOf(entry)
  areas.set(area, [...(areas.get(area) ?? []), `${JSON.stringify(city)}: ${source}`])
}
const lines = [...areas].map(([area, zones]) => `  ${JSON.stringify(area)}: {\n    ${zones.join(',\n    ')}\n  },`)
const out = `// Generated by scripts/zones.generate.ts from the tzdata of Node's Intl (tz ${process.versions.tz}): do not edit.
// Checked against Intl by zoneTable.test.ts. Entries: [offset at ${FROM_YEAR}-01-01, packed changes, year the yearly
// rules start, [offset, month, weekday (0 = Sunday), on or after day, local minutes] rules]: see ZoneEntry.
import { type ZoneChangeRule, type ZoneEntry, type ZoneTable, zonesByArea } from './zoneTable.js'

${shared.map(([json, name]) => `const ${name}: readonly ZoneChangeRule[] = ${json}`).join('\n')}
${sharedEntries.map(([source, name]) => `const ${name}: ZoneEntry = ${source}`).join('\n')}

/** The years the table was generated and checked for. @category time */
export const BUILT_IN_ZONES_YEARS = { from: ${FROM_YEAR}, until: ${UNTIL_YEAR} } as const

/** The built-in time-zone table of the engine: ${zones.length} zones. @category time */
export const BUILT_IN_ZONES: ZoneTable = zonesByArea({
${lines.join('\n')}
})
`
const file = fileURLToPath(new URL('../src/time/zones.generated.ts', import.meta.url))
writeFileSync(file, out)
spawnSync('pnpm', ['exec', 'biome', 'format', '--write', file], { stdio: 'inherit' })
console.log(`wrote ${zones.length} zones`)
