import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * Every package under packages/ is ready to publish: its name matches its folder, it says where its
 * source lives (one repository, the package's own directory), what it ships, and exports that point
 * at files the build makes (`dist`) and at source files that exist (the `@tessera/source` condition).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const packages = readdirSync(join(root, 'packages')).filter((p) =>
  existsSync(join(root, 'packages', p, 'package.json')),
)

type Exports = string | { readonly [condition: string]: Exports }
const targets = (e: Exports): string[] => (typeof e === 'string' ? [e] : Object.values(e).flatMap(targets))
const sources = (e: Exports): string[] =>
  typeof e === 'string'
    ? []
    : Object.entries(e).flatMap(([k, v]) => (k === '@tessera/source' ? targets(v) : sources(v)))

describe.each(packages)('packages/%s/package.json', (dir) => {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'))

  it('is named after its folder, Apache-2.0, public, ESM, with a description and a README', () => {
    expect(manifest.name).toBe(`@tessera/${dir}`)
    expect(manifest.license).toBe('Apache-2.0')
    expect(manifest.private).toBeUndefined()
    expect(manifest.publishConfig).toEqual({ access: 'public' })
    expect(manifest.type).toBe('module')
    expect(manifest.description.length).toBeGreaterThan(20)
    expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'README.md']))
    expect(existsSync(join(root, 'packages', dir, 'README.md'))).toBe(true)
  })

  it('names the one repository and its own directory in it', () => {
    expect(manifest.repository).toEqual({ type: 'git', url: rootManifest.repository.url, directory: `packages/${dir}` })
    expect(manifest.homepage).toMatch(new RegExp(`/tree/main/packages/${dir}#readme$`))
    expect(manifest.bugs.url).toMatch(/\/issues$/)
  })

  it('exports built files under dist/ and source files that exist', () => {
    const all = targets(manifest.exports)
    const src = new Set(sources(manifest.exports))
    expect(all.length).toBeGreaterThan(0)
    for (const t of all) {
      if (src.has(t)) expect(existsSync(join(root, 'packages', dir, t)), t).toBe(true)
      else if (/\.(c|m)?(t|j)s$/.test(t)) expect(t, `export target ${t}`).toMatch(/^\.\/dist\//)
      // Assets (package.json, GraphQL queries) ship as they are: they must exist.
      else expect(existsSync(join(root, 'packages', dir, t)), t).toBe(true)
    }
    for (const field of ['main', 'module', 'types'] as const) {
      if (manifest[field] !== undefined) expect(manifest[field]).toMatch(/^\.\/dist\//)
    }
  })
})
