import { checkoutStoreConformance } from '../checkout-conformance/checkoutStoreConformance.js'
import { memoryLoyaltyStore } from '../memory/memoryStore.js'
import { memoryCheckoutStore } from './memoryCheckoutStore.js'

checkoutStoreConformance('memory', async () => {
  const loyalty = memoryLoyaltyStore()
  return { store: memoryCheckoutStore(loyalty), loyalty }
})
