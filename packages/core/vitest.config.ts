import { tesseraProject } from '../../vitest.shared'

export default tesseraProject('core')
