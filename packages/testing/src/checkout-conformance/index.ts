export {
  type CheckoutConformanceOptions,
  type CheckoutWorld,
  checkoutStoreConformance,
} from './checkoutStoreConformance.js'
export * from './fixturePricer.js'
