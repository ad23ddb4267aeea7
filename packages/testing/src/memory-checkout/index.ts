export * from './memoryCheckoutStore.js'
