import { loyaltyStoreConformance } from '../conformance/loyaltyStoreConformance.js'
import { memoryLoyaltyStore } from './memoryStore.js'

loyaltyStoreConformance('memory', async () => memoryLoyaltyStore())
