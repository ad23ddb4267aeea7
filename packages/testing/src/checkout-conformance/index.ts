export {
  type CheckoutConformanceOptions,
  type CheckoutWorld,
  checkoutStoreConformance,
} from './checkoutStoreConformance.js'
