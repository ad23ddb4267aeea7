import { tesseraProject } from '../../vitest.shared.ts'

export default tesseraProject('server', { testTimeout: 60_000 })
