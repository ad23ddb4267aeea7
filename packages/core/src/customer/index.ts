export * from './card.js'
export * from './customer.codec.js'
export * from './member.js'
export * from './profile.js'
