export * from './basket.codec.js'
export * from './consistency.js'
export * from './units.js'
