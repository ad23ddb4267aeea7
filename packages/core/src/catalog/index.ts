export * from './checkDigit.js'
export * from './selector.js'
export * from './variableMeasure.js'
