/** A server process for the crash test: the test world's campaigns on a SQLite file; prints `{"url"}`. */
import { startServer } from '../src/start.js'
import { AT, CAMPAIGNS, fixedAt, PROGRAM } from './world.js'

const started = await startServer({
  location: { file: process.argv[2] as string },
  campaigns: CAMPAIGNS,
  program: PROGRAM,
  keys: { keyring: { K1: new Uint8Array(32).fill(7) }, keyId: 'K1' },
  clock: fixedAt(AT),
})
console.log(JSON.stringify({ url: started.url }))
