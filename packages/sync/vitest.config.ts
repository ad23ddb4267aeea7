import { tesseraProject } from '../../vitest.shared.ts'

export default tesseraProject('sync', { testTimeout: 60_000 })
