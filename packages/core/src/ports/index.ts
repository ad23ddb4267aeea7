export * from './Clock.js'
export * from './Ids.js'
export * from './LoyaltyStore.js'
export * from './Random.js'
