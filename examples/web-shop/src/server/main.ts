import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stopOnSignals } from '@tessera/server'
import { Command, InvalidArgumentError } from 'commander'
import { DEFAULT_WEB_ROOT, startWebShop } from './shop.js'

/*
 * `pnpm shop [--port N] [--data DIR] [--rebuild]`: builds the page when it is not built yet (Vite),
 * then starts the shop and prints its URL, a card to sign in with and today's flyer codes.
 */

const cli = new Command('shop')
  .option(
    '--port <n>',
    'port (0: a free one)',
    (v) => {
      const n = Number(v)
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number')
      return n
    },
    8090,
  )
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--data <dir>', 'data folder (the SQLite file lives there)', '.tessera/shop')
  .option('--rebuild', 'build the page again even if it is built')
  .parse(process.argv)
const options = cli.opts<{ port: number; host: string; data: string; rebuild?: boolean }>()

const example = fileURLToPath(new URL('../../', import.meta.url))
if (options.rebuild === true || !existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) {
  console.log('shop: building the page (vite build)…')
  execFileSync(
    process.execPath,
    [join(example, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: example,
      stdio: 'inherit',
    },
  )
}

try {
  const shop = await startWebShop({
    port: options.port,
    host: options.host,
    file: join(options.data, 'shop.sqlite'),
    logger: { level: process.env.LOG_LEVEL ?? 'warn' },
  })
  const [first, ...others] = shop.demoCards
  console.log(`Tessera web shop on ${shop.url}`)
  if (first !== undefined) console.log(`sign in with card ${first.card} (${first.name}, ${first.tier})`)
  for (const c of others) console.log(`  or card ${c.card} (${c.name}, ${c.tier})`)
  console.log(`flyer codes (5 € off from 25 €, single use): ${shop.flyerCodes.join(' ')}`)
  console.log(`API for scripts: ${shop.url}/docs, key for till "web": ${shop.apiKey}`)
  stopOnSignals(shop.server, (line) => console.error(line))
} catch (e) {
  process.stderr.write(`shop: ${(e as Error).message}\n`)
  process.exit(1)
}
