export * from './customer.codec.js'
