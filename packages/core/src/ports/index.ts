export * from './Clock.js'
export * from './Ids.js'
