export * from './decode.js'
export * from './jsonSchema.js'
export * from './object.js'
export * from './primitive.js'
