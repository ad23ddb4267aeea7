export * from './memoryStore.js'
