export * from './basket.codec.js'
export * from './units.js'
