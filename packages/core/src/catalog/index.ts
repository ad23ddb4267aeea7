export * from './checkDigit.js'
export * from './selector.js'
