import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * Every ```ts block of the README and of the guides in docs/ is a runnable example: this test
 * writes each block to docs/.examples/ and imports it, so an example that stops compiling or whose
 * `assert`s fail breaks the build. Mark a block ```ts no-run to show code without running it.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = join(root, 'docs', '.examples')

const markdownFiles = [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(root, 'docs', f)),
  ...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'README.md')),
].filter((f) => {
  try {
    readFileSync(f)
    return true
  } catch {
    return false
  }
})

const blocksOf = (text: string) => {
  const blocks: { code: string; line: number }[] = []
  const fence = /^```ts(?:[^\S\n]+([^\n]*))?\n([\s\S]*?)^```/gm
  for (let m = fence.exec(text); m !== null; m = fence.exec(text)) {
    if ((m[1] ?? '').includes('no-run')) continue
    blocks.push({ code: m[2] ?? '', line: text.slice(0, m.index).split('\n').length })
  }
  return blocks
}

describe('documentation examples', () => {
  mkdirSync(outDir, { recursive: true })
  const all = markdownFiles.flatMap((file) =>
    blocksOf(readFileSync(file, 'utf8')).map((b) => ({ ...b, file: relative(root, file) })),
  )

  it('finds runnable examples in the README', () => {
    expect(all.some((b) => b.file === 'README.md')).toBe(true)
  })

  for (const block of all) {
    it(`runs ${block.file}:${block.line}`, async () => {
      const name = `${block.file.replace(/[^a-zA-Z0-9]+/g, '-')}-${block.line}.ts`
      const path = join(outDir, name)
      writeFileSync(path, block.code)
      await import(/* @vite-ignore */ path)
    })
  }
})
