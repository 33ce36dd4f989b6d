/**
 * The demo: starts the reference server on an ephemeral loopback port, runs the CLI against it
 * with registration, the Orders feed and the test seller's authorization (form login; `--browser`
 * for headless Chromium), prints the report and exits with the CLI's status.
 *
 * The CLI runs from its bundle, dist/cli (bin/openactive-auth-check.js), as users get it.
 */
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startReferenceServer } from '../reference-server/server.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const server = await startReferenceServer()
console.log(
  `Reference server (oidc-provider as an OpenActive booking system) at ${server.issuer}\n`,
)

const args = [
  '--issuer',
  server.issuer,
  '--orders-feed-url',
  server.ordersFeedUrl,
  '--allow-insecure-http',
  '--seller-id',
  server.seller.id,
  ...(process.argv.includes('--browser') ? ['--login-mode', 'browser'] : []),
]
console.log(
  `$ OPENACTIVE_INITIAL_ACCESS_TOKEN=… OPENACTIVE_SELLER_USERNAME=… OPENACTIVE_SELLER_PASSWORD=… openactive-auth-check ${args.join(' ')}\n`,
)

const started = performance.now()
const cli = [join(root, 'bin', 'openactive-auth-check.js')]
const child = spawn(process.execPath, [...cli, ...args], {
  env: {
    ...process.env,
    OPENACTIVE_INITIAL_ACCESS_TOKEN: server.initialAccessToken,
    OPENACTIVE_SELLER_USERNAME: server.seller.username,
    OPENACTIVE_SELLER_PASSWORD: server.seller.password,
  },
  stdio: 'inherit',
})
const code = await new Promise<number>((resolve) =>
  child.on('close', (status) => resolve(status ?? 1)),
)
const elapsed = Math.round(performance.now() - started)

await server.close()
console.log(`\nThe CLI exited ${code} after ${elapsed} ms (process start included).`)
process.exitCode = code
