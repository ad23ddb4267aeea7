import { tesseraProject } from '../../vitest.shared.ts'

export default tesseraProject('adapter-commercetools', { testTimeout: 60_000 })
