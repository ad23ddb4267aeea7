import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: { conditions: ['@tessera/source', 'import', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['@tessera/source'] } },
  test: { name: 'docs', include: ['*.test.ts'], testTimeout: 30_000 },
})
