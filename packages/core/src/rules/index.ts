export * from './evaluation.codec.js'
