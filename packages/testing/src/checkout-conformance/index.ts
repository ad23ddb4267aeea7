export { BUDGET_AGREEMENT, budgetAgreementBasket } from './budgetAgreement.js'
export {
  type CheckoutConformanceOptions,
  type CheckoutWorld,
  checkoutStoreConformance,
} from './checkoutStoreConformance.js'
