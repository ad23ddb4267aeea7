export * from './TesseraError.js'
