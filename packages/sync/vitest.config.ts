import { tesseraProject } from '../../vitest.shared.ts'

export default tesseraProject('sync', { testTimeout: 120_000 })
