export * from './bundle.js'
export * from './keeper.js'
export * from './sign.js'
export * from './verify.js'
