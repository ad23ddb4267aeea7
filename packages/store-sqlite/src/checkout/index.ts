export * from './schema.js'
export * from './store.js'
