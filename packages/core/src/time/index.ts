export * from './time.codec.js'
