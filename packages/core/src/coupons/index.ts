export * from './codes.js'
export * from './gs1.js'
export * from './judge.js'
export * from './signature.js'
