import { tesseraProject } from '../../vitest.shared.ts'

export default tesseraProject('adapter-shopify')
