import { tesseraProject } from '../../vitest.shared'

export default tesseraProject('store-sqlite')
