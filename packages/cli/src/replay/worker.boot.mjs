// Boots a replay worker thread on the TypeScript sources (tests, `tsx`): tsx's loader, then the
// worker. The built CLI starts `dist/replay-worker.js` directly and never loads this file.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
