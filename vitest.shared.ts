import { defineProject } from 'vitest/config'

/**
 * The vitest project every package uses: workspace packages resolve to their `src/` through the
 * `@tessera/source` export condition, so tests never need a build first.
 */
export const tesseraProject = (name: string, extra: { testTimeout?: number } = {}) =>
  defineProject({
    resolve: { conditions: ['@tessera/source', 'import', 'module', 'node', 'default'] },
    ssr: { resolve: { conditions: ['@tessera/source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts', '*.test.ts'],
      testTimeout: extra.testTimeout ?? 20_000,
    },
  })
