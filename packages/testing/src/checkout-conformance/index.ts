export { BUDGET_AGREEMENT, budgetAgreementBasket } from './budgetAgreement.js'
export {
  AT,
  basketOf,
  CARD,
  type CheckoutConformanceOptions,
  type CheckoutWorld,
  checkoutStoreConformance,
  failed,
  line,
  OTHER_CARD,
  ok,
  TEST_KEYRING,
} from './checkoutStoreConformance.js'
