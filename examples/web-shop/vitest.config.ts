import { tesseraProject } from '../../vitest.shared.ts'

export default tesseraProject('web-shop', { testTimeout: 60_000 })
