// Bootstraps a bench worker thread on the TypeScript sources: tsx's loader, then the worker itself.
import { register } from 'tsx/esm/api'

register()
await import('./simulate.worker.ts')
