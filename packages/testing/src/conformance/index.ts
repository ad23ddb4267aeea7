export * from './loyaltyStoreConformance.js'
